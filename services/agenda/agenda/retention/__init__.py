"""Retention: closed cases past the city's period are crypto-shredded; a tombstone says so."""
