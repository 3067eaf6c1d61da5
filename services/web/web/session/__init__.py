"""Web pages: session."""
