"""Whether the session behind a member's token is still open, asked of identity.

Access tokens live for minutes, but signing out, a password change, a role change or a
member's departure must end authority everywhere at once. Each service asks identity about
the token's session (``GET /identity/session``) and remembers the answer for at most
``session_check_seconds`` (a few seconds), so every replica learns of the end within that
bound. The answer carries the member's current roles and organization, which replace the
token's own: a role taken away stops working within the same bound.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from kasane_shared.auth.tokens import TokenClaims
from kasane_shared.errors import KasaneError

MAX_ENTRIES = 10_000


def session_ended() -> KasaneError:
    """The 401 for a token whose session was ended, timed out, or whose member left."""
    return KasaneError(
        401,
        "session_ended",
        "ログインの有効期限が切れたか、ログアウト済みです。もう一度ログインしてください。",
        "Your session has ended. Please sign in again.",
        headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
    )


@dataclass(frozen=True)
class LiveSession:
    """Identity's answer for an open session: whose it is and what they hold now."""

    session_id: str
    member_id: str
    organization_id: str | None
    roles: tuple[str, ...]

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> LiveSession:
        """Read identity's ``GET /session`` answer."""
        return cls(
            str(body["session_id"]),
            str(body["member_id"]),
            body.get("organization_id"),
            tuple(str(r) for r in body.get("roles", [])),
        )


# Returns the live session, None when identity says it has ended, or raises (unreachable).
SessionFetch = Callable[[str], LiveSession | None]


class SessionCheck:
    """Asks identity whether a token's session is open; answers are kept ``ttl`` seconds."""

    def __init__(self, fetch: SessionFetch, ttl_seconds: float) -> None:
        self.fetch, self.ttl = fetch, ttl_seconds
        self._lock = threading.Lock()
        self._answers: dict[str, tuple[float, LiveSession | None]] = {}

    def live_claims(self, claims: TokenClaims, token: str) -> TokenClaims:
        """The claims with the member's current roles, or a 401 when the session has ended."""
        if not claims.session_id:
            raise session_ended()
        live = self._answer(claims.session_id, token)
        if live is None or live.member_id != claims.subject:
            raise session_ended()
        return replace(claims, roles=live.roles, organization_id=live.organization_id)

    def _answer(self, session_id: str, token: str) -> LiveSession | None:
        now = time.monotonic()
        with self._lock:
            cached = self._answers.get(session_id)
        if cached is not None and cached[0] > now:
            return cached[1]
        live = self.fetch(token)
        if live is not None and live.session_id != session_id:
            live = None
        if self.ttl > 0:
            with self._lock:
                if len(self._answers) >= MAX_ENTRIES:
                    self._answers = {k: v for k, v in self._answers.items() if v[0] > now}
                if len(self._answers) < MAX_ENTRIES:
                    self._answers[session_id] = (now + self.ttl, live)
        return live

    def forget(self) -> None:
        """Drop every remembered answer."""
        with self._lock:
            self._answers.clear()


def identity_session_check(app: Any, ttl_seconds: float) -> SessionCheck:
    """The check agenda and minutes use: their identity client, looked up at call time."""
    return SessionCheck(lambda token: app.state.identity.session(token), ttl_seconds)


__all__ = ["LiveSession", "SessionCheck", "SessionFetch", "identity_session_check", "session_ended"]
