"""Web pages: audit."""
