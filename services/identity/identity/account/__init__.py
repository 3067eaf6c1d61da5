"""One's own account: password, second factor with recovery codes, sessions."""
