"""Web pages: pledges."""
