"""Web pages: admin."""
