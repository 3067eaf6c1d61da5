"""Retention in minutes: what was said about a destroyed case goes with it."""
