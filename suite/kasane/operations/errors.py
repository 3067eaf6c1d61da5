"""The one error type of backup, restore and retention: a clear message, nothing written."""

from __future__ import annotations

from kasane_shared.errors import KasaneError


def refused(code: str, ja: str, en: str) -> KasaneError:
    """An operation refused before (or instead of) changing anything."""
    return KasaneError(400, code, ja, en)
