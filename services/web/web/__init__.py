"""Kasane web pages (server-rendered, Japanese first)."""
