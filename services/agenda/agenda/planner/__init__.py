"""Scheduling help: conflicts, free slots, the due list."""
