"""Sign-in pauses that a stranger cannot turn against the account's owner.

Wrong passwords pause sign-in, with pauses that start at a minute and double up to
``login_lockout_minutes``, counted apart for three scopes:

- ``device``: a browser that signed in to this account before carries a device token
  (signed by identity, ``kasane_device`` cookie); its failures pause only that browser.
- ``account``: browsers the account does not know share one count, so guessing from many
  places is slowed; the owner's own browser is not paused by it.
- ``source``: one address over any logins, for browsers that are not known; spraying one
  password over many logins pauses the address.

An admin sees account and device pauses and lifts them; every pause is audited.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from identity.sessions.models import LoginThrottle
from kasane_shared.auth.tokens import InvalidToken, TokenIssuer, TokenVerifier
from kasane_shared.crypto.digests import sha256_hex
from kasane_shared.db import utcnow
from kasane_shared.settings import Settings

ACCOUNT, DEVICE, SOURCE = "account", "device", "source"
DEVICE_AUDIENCE = "kasane-device"
DEVICE_COOKIE = "kasane_device"
MAX_DEVICES = 5
FIRST_PAUSE_SECONDS = 60


@dataclass(frozen=True)
class Scope:
    """What failures are counted against: a scope, its value and the failures before a pause."""

    scope: str
    value: str
    member_id: str | None
    limit: int

    @property
    def key(self) -> str:
        """The stored key: a digest, so addresses and device ids are not kept as such."""
        return sha256_hex(f"{self.scope}:{self.value}".encode())


def account(settings: Settings, member_id: str) -> Scope:
    """A member, signing in from browsers the account does not know."""
    return Scope(ACCOUNT, member_id, member_id, settings.login_max_failures)


def device(settings: Settings, member_id: str, device_id: str) -> Scope:
    """One browser the member signed in from before."""
    return Scope(DEVICE, f"{member_id}:{device_id}", member_id, settings.login_max_failures)


def source(settings: Settings, address: str) -> Scope:
    """One address, over every login."""
    return Scope(SOURCE, address, None, settings.login_source_max_failures)


def pause_seconds(failures: int, limit: int, cap_seconds: int) -> int:
    """The pause after ``failures`` failures: none below the limit, then 1, 2, 4… minutes."""
    if failures < limit:
        return 0
    return min(FIRST_PAUSE_SECONDS * 2 ** min(failures - limit, 20), cap_seconds)


def minutes(seconds: int) -> int:
    """Seconds as whole minutes for a message (at least one)."""
    return max(1, math.ceil(seconds / 60))


def _row(session: Session, scope: Scope) -> LoginThrottle | None:
    return session.scalar(select(LoginThrottle).where(LoginThrottle.key == scope.key))


def _cap(settings: Settings) -> int:
    return settings.login_lockout_minutes * 60


def paused_for(session: Session, scope: Scope) -> int:
    """Seconds this scope stays paused (0: open)."""
    row = _row(session, scope)
    now = utcnow()
    if row is None or row.paused_until is None or row.paused_until <= now:
        return 0
    return int((row.paused_until - now).total_seconds()) + 1


def fail(session: Session, settings: Settings, scope: Scope) -> tuple[int, int]:
    """Count a failure: (the pause it starts in seconds, tries left before the next pause)."""
    now = utcnow()
    row = _row(session, scope)
    if row is None:
        row = LoginThrottle(key=scope.key, scope=scope.scope, member_id=scope.member_id)
        row.failures = 0
        session.add(row)
    elif row.last_failure_at + timedelta(seconds=2 * _cap(settings)) < now:
        row.failures = 0  # quiet for a while: start again from the first pause
    row.failures += 1
    row.last_failure_at = now
    pause = pause_seconds(row.failures, scope.limit, _cap(settings))
    row.paused_until = now + timedelta(seconds=pause) if pause else None
    session.flush()
    return pause, max(0, scope.limit - row.failures)


def next_pause(settings: Settings, scope: Scope, failures_so_far: int) -> int:
    """The pause the next failure would start (seconds)."""
    return pause_seconds(failures_so_far + 1, scope.limit, _cap(settings))


def clear(session: Session, scope: Scope) -> None:
    """A right sign-in: this scope starts again from zero."""
    session.execute(delete(LoginThrottle).where(LoginThrottle.key == scope.key))


def clear_member(session: Session, member_id: str) -> int:
    """An admin lifts every pause of a member (account and devices); how many were lifted."""
    result = session.execute(delete(LoginThrottle).where(LoginThrottle.member_id == member_id))
    return int(getattr(result, "rowcount", 0) or 0)


def paused_members(session: Session) -> dict[str, datetime]:
    """Members with a pause now (account or a device), with the latest end of their pauses."""
    now = utcnow()
    rows = session.scalars(
        select(LoginThrottle).where(
            LoginThrottle.member_id.is_not(None),
            LoginThrottle.paused_until.is_not(None),
            LoginThrottle.paused_until > now,
        )
    )
    found: dict[str, datetime] = {}
    for row in rows:
        assert row.member_id is not None and row.paused_until is not None
        found[row.member_id] = max(found.get(row.member_id, row.paused_until), row.paused_until)
    return found


def known_device(verifier: TokenVerifier, cookie: str | None, member_id: str) -> str | None:
    """The id of the device token in ``cookie`` that this member's browser holds, if any."""
    for token in _tokens(cookie):
        try:
            claims = verifier.verify(token, audience=DEVICE_AUDIENCE)
        except InvalidToken:
            continue
        if claims.subject == member_id:
            return claims.token_id
    return None


def remember_device(
    issuer: TokenIssuer,
    verifier: TokenVerifier,
    settings: Settings,
    cookie: str | None,
    member_id: str,
) -> str:
    """The cookie value after a right sign-in: this member's new device token first."""
    token, _ = issuer.issue(
        member_id, audience=DEVICE_AUDIENCE, ttl_seconds=settings.login_device_days * 86400
    )
    others = []
    for old in _tokens(cookie):
        try:
            claims = verifier.verify(old, audience=DEVICE_AUDIENCE)
        except InvalidToken:
            continue
        if claims.subject != member_id:
            others.append(old)
    return "~".join([token, *others][:MAX_DEVICES])


def _tokens(cookie: str | None) -> list[str]:
    if not cookie or len(cookie) > 8192:
        return []
    return [t for t in cookie.split("~") if t][:MAX_DEVICES]


def address_of(request: Any) -> str:
    """The caller's address (the gateway's X-Forwarded-For is resolved by the server)."""
    client = getattr(request, "client", None)
    return client.host if client is not None and client.host else "unknown"
