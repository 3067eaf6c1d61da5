"""Integrity of agenda's entitlement rows: MACs under agenda's rows key, and their backfill."""
