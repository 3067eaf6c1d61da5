"""Identity's request dependencies: the live member behind a token, and role gates."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Request
from joserfc.jwk import ECKey

from identity.integrity.rows import verify
from identity.members.models import Member
from identity.sessions.service import live_session
from identity.signing.service import current_signing_key, published_jwks
from kasane_shared.auth.deps import CurrentClaims
from kasane_shared.auth.liveness import session_ended
from kasane_shared.auth.tokens import TokenClaims, TokenIssuer
from kasane_shared.db import Database, SessionDep
from kasane_shared.errors import forbidden
from kasane_shared.settings import Settings


# Reads app state only: async, so it runs on the event loop without a thread hop.
async def get_settings(request: Request) -> Settings:
    """The app's settings."""
    return request.app.state.settings


async def get_kek(request: Request) -> Any:
    """The deployment's key-encryption-key provider."""
    return request.app.state.kek


SettingsDep = Annotated[Settings, Depends(get_settings)]
KekDep = Annotated[Any, Depends(get_kek)]


def get_current_member(claims: CurrentClaims, session: SessionDep, settings: SettingsDep) -> Member:
    """The active member whose open session issued the caller's token."""
    login_session = live_session(session, settings, claims.session_id)
    if login_session is None or login_session.member_id != claims.subject:
        raise session_ended()
    member = session.get(Member, claims.subject)
    if member is None or not verify(session, member).active:
        raise session_ended()
    return member


CurrentMember = Annotated[Member, Depends(get_current_member)]


def RequireRole(*roles: str) -> Callable[[Member], Member]:  # noqa: N802 - reads as a type
    """A dependency admitting a live member holding any of ``roles`` (checked in the database)."""

    def check(member: CurrentMember) -> Member:
        if member.must_change_password:
            raise forbidden(
                "初期パスワードのままです。先にパスワードを変更してください。",
                "Please change your initial password first.",
            )
        if not any(role in member.roles for role in roles):
            raise forbidden()
        return member

    return check


AdminMember = Annotated[Member, Depends(RequireRole("admin"))]


def live_auditor(
    claims: CurrentClaims, _: Annotated[Member, Depends(RequireRole("auditor"))]
) -> TokenClaims:
    """An auditor whose session is open and who holds the role now (identity's own check)."""
    return claims


class SigningKeyCache:
    """The current signing key and published JWKS, reloaded so rotations reach every replica."""

    def __init__(self, db: Database, kek: Any, settings: Settings) -> None:
        self.db, self.kek, self.settings = db, kek, settings
        self.ttl = settings.signing_key_refresh_seconds
        self._lock = threading.Lock()
        self._key: ECKey | None = None
        self._jwks: dict[str, Any] = {"keys": []}
        self._loaded = 0.0

    def _load(self, force: bool = False) -> None:
        with self._lock:
            if not force and self._key is not None and time.monotonic() - self._loaded < self.ttl:
                return
            with self.db.session() as session:
                self._key = current_signing_key(session, self.kek)
                self._jwks = published_jwks(session)
            self._loaded = time.monotonic()

    def issuer(self) -> TokenIssuer:
        """A token issuer with the current key."""
        self._load()
        assert self._key is not None
        return TokenIssuer(
            self._key,
            issuer=self.settings.token_issuer,
            audience=self.settings.token_audience,
            ttl_seconds=self.settings.access_token_ttl_seconds,
        )

    def __call__(self) -> dict[str, Any]:
        self._load()
        return self._jwks

    def refresh(self) -> dict[str, Any]:
        """Reload now (a verifier met an unknown ``kid``)."""
        self._load(force=True)
        return self._jwks


def get_issuer(request: Request) -> TokenIssuer:
    """The token issuer with the current signing key."""
    return request.app.state.signing_keys.issuer()


IssuerDep = Annotated[TokenIssuer, Depends(get_issuer)]
