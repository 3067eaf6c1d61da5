"""One's own account: password, two-step sign-in, sign-ins on other devices."""
