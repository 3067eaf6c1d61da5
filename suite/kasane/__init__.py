"""Kasane."""
