"""Web pages: minutes."""
