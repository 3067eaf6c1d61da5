"""Minutes per meeting: drafting, review, approval, corrections."""
