"""What every page shares: the request context, service calls, CSRF, rendering, headers."""
