"""Web pages: cases."""
