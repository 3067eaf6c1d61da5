"""CSRF protection: a token bound to this browser and its sign-in session, checked on every POST.

The token is an HMAC-SHA256 (``kasane_shared.crypto.digests``) over a random per-browser
value (``kasane_csrf`` cookie) and the identity session cookie, so a token taken before
sign-in or from another session does not fit. The key lives in the data directory (mode 0600).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from kasane_shared.crypto.digests import hmac_sha256_hex, same, sha256_hex

CSRF_COOKIE = "kasane_csrf"
FIELD = "csrf_token"


def load_key(data_dir: Path) -> bytes:
    """The HMAC key, created on first use, mode 0600 (replicas starting together agree on one)."""
    path = data_dir / "web-csrf.key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        draft = data_dir / f".web-csrf.key.{secrets.token_hex(8)}"
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32))
        try:
            os.link(draft, path)  # atomic: the first replica's key wins, whole
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return bytes.fromhex(path.read_text().strip())


def new_browser_value() -> str:
    """A fresh random value for the CSRF cookie."""
    return secrets.token_urlsafe(32)


def token_for(key: bytes, browser_value: str, session_cookie: str | None) -> str:
    """The form token for this browser and session."""
    session_part = sha256_hex((session_cookie or "").encode())
    return hmac_sha256_hex(key, f"{browser_value}|{session_part}".encode())


def check(
    key: bytes, browser_value: str | None, session_cookie: str | None, submitted: str | None
) -> bool:
    """Whether a submitted token fits this browser and session."""
    if not browser_value or not submitted or len(submitted) > 128:
        return False
    return same(token_for(key, browser_value, session_cookie), submitted)
