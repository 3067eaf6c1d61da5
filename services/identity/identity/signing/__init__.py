"""Signing domain."""
