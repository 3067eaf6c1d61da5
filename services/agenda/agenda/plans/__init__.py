"""Versioned support plans (支援プラン)."""
