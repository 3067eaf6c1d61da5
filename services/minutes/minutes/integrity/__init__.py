"""Integrity of the minutes against whoever can write the database (rows key MACs)."""
