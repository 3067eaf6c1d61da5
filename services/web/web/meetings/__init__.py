"""Web pages: meetings."""
