"""Web pages: home."""
