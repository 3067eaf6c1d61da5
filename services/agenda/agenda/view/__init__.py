"""Each member's redacted agenda view and calendar invitation."""
