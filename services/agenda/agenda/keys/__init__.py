"""Wrapped data keys: who holds which audience of which record."""
