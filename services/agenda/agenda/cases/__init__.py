"""Cases (事例), their subjects and consents (同意)."""
