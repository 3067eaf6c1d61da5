"""CSRF form tokens: the same bytes as before the move to cryptography, checked in constant time."""

from __future__ import annotations

from web.core.csrf import check, token_for

KEY = b"k" * 32

# Computed by the hashlib/hmac-based code (main at 6ad695a): forms open in browsers across
# the upgrade keep their tokens.
WITH_SESSION = "11508ba5950eb0f1a43d7e4cb9f3be3d5589d2448f2b5edb64436f13973a1c7d"
WITHOUT_SESSION = "c993ce0b7840e57c8b7909cc14ece2df71b6e55a092e08ffc0cb4daaad66e824"


def test_tokens_are_unchanged() -> None:
    assert token_for(KEY, "browser-value", "session-cookie") == WITH_SESSION
    assert token_for(KEY, "browser-value", None) == WITHOUT_SESSION
    assert check(KEY, "browser-value", "session-cookie", WITH_SESSION)
    assert not check(KEY, "browser-value", "other-session", WITH_SESSION)
    assert not check(KEY, "browser-value", "session-cookie", WITH_SESSION[:-1])


def test_a_non_ascii_token_is_refused_not_an_error() -> None:
    # hmac.compare_digest raised TypeError on non-ASCII text (a 500); now it is just wrong.
    assert not check(KEY, "browser-value", "session-cookie", "議" * 20)
