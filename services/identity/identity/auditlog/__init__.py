"""The auditor's searches, recorded once each, and what identity tells of its targets."""
