"""Signed JWT access tokens (ES256 with ``kid``), issued by identity, verified by everyone.

JOSE is done by joserfc, the Authlib project's JOSE library (Authlib's own ``authlib.jose``
is deprecated in its favour). Verification accepts exactly one algorithm, checks issuer,
audience, expiry and ``kid`` against identity's JWKS, and refuses everything else.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, KeySet
from joserfc.jwt import JWTClaimsRegistry

from kasane_shared.db import new_id

ALGORITHM = "ES256"


def generate_signing_key() -> ECKey:
    """A new P-256 signing key with a fresh ``kid``."""
    return ECKey.generate_key(
        "P-256", parameters={"kid": new_id()[:16], "use": "sig", "alg": ALGORITHM}
    )


def public_jwk(key: ECKey) -> dict[str, Any]:
    """The public half of a signing key as a JWK."""
    return key.as_dict(private=False)


@dataclass(frozen=True)
class TokenClaims:
    """What a verified token says about its bearer."""

    subject: str
    organization_id: str | None
    roles: tuple[str, ...]
    session_id: str | None
    scopes: tuple[str, ...]
    expires_at: int
    token_id: str

    def has_role(self, role: str) -> bool:
        """Whether the bearer holds ``role``."""
        return role in self.roles


class InvalidToken(Exception):
    """The token is missing, malformed, expired, forged or meant for someone else."""


class TokenIssuer:
    """Signs access tokens with identity's current key."""

    def __init__(self, key: ECKey, *, issuer: str, audience: str, ttl_seconds: int) -> None:
        self.key, self.issuer, self.audience, self.ttl = key, issuer, audience, ttl_seconds

    def issue(
        self,
        subject: str,
        *,
        organization_id: str | None = None,
        roles: list[str] | tuple[str, ...] = (),
        session_id: str | None = None,
        scopes: list[str] | tuple[str, ...] = (),
        audience: str | None = None,
        ttl_seconds: int | None = None,
    ) -> tuple[str, int]:
        """A signed token and its lifetime in seconds (the issuer's unless ``ttl_seconds``)."""
        now = int(time.time())
        ttl = ttl_seconds or self.ttl
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": audience or self.audience,
            "sub": subject,
            "iat": now,
            "nbf": now,
            "exp": now + ttl,
            "jti": new_id(),
            "roles": list(roles),
        }
        if organization_id:
            claims["org"] = organization_id
        if session_id:
            claims["sid"] = session_id
        if scopes:
            claims["scope"] = " ".join(scopes)
        header = {"alg": ALGORITHM, "kid": self.key.kid, "typ": "at+jwt"}
        return jwt.encode(header, claims, self.key, algorithms=[ALGORITHM]), ttl


JwksSource = Callable[[], dict[str, Any]]


class HttpJwks:
    """Identity's JWKS over HTTP, cached, refetched (at most every 30 s) on an unknown kid."""

    def __init__(
        self, url: str, *, client: httpx.Client | None = None, min_refetch_seconds: float = 30
    ) -> None:
        self.url, self.min_refetch = url, min_refetch_seconds
        self.client = client or httpx.Client(timeout=5)
        self._jwks: dict[str, Any] = {"keys": []}
        self._fetched_at = 0.0
        self._lock = threading.Lock()

    def __call__(self) -> dict[str, Any]:
        return self._jwks if self._jwks["keys"] else self.refresh()

    def refresh(self) -> dict[str, Any]:
        """Fetch the key set again unless it was fetched moments ago."""
        with self._lock:
            if time.monotonic() - self._fetched_at >= self.min_refetch or not self._jwks["keys"]:
                response = self.client.get(self.url)
                response.raise_for_status()
                self._jwks = response.json()
                self._fetched_at = time.monotonic()
            return self._jwks


class TokenVerifier:
    """Checks a bearer token against identity's published keys."""

    def __init__(self, jwks: JwksSource, *, issuer: str, audience: str, leeway: int = 5) -> None:
        self.jwks, self.issuer, self.audience, self.leeway = jwks, issuer, audience, leeway

    def _key_set(self, kid: str) -> KeySet:
        jwks = self.jwks()
        if not any(k.get("kid") == kid for k in jwks.get("keys", [])):
            refresh = getattr(self.jwks, "refresh", None)
            jwks = refresh() if refresh else jwks
        return KeySet.import_key_set(jwks)

    def verify(self, token: str, *, audience: str | None = None) -> TokenClaims:
        """Return the claims of a valid token or raise ``InvalidToken``."""
        try:
            header = jws.extract_compact(token.encode()).protected
        except (JoseError, ValueError, TypeError, UnicodeError) as error:
            raise InvalidToken("malformed") from error
        if header.get("alg") != ALGORITHM or not isinstance(header.get("kid"), str):
            raise InvalidToken("algorithm or kid")
        try:
            decoded = jwt.decode(token, self._key_set(header["kid"]), algorithms=[ALGORITHM])
            JWTClaimsRegistry(
                leeway=self.leeway,
                iss={"essential": True, "value": self.issuer},
                aud={"essential": True, "value": audience or self.audience},
                sub={"essential": True},
                exp={"essential": True},
                jti={"essential": True},
            ).validate(decoded.claims)
        except (JoseError, ValueError, TypeError, KeyError, httpx.HTTPError) as error:
            raise InvalidToken(type(error).__name__) from error
        return _claims(decoded.claims)


def _claims(raw: dict[str, Any]) -> TokenClaims:
    roles = raw.get("roles", [])
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        raise InvalidToken("roles")
    scope = raw.get("scope", "")
    return TokenClaims(
        subject=str(raw["sub"]),
        organization_id=raw.get("org"),
        roles=tuple(roles),
        session_id=raw.get("sid"),
        scopes=tuple(scope.split()) if isinstance(scope, str) else (),
        expires_at=int(raw["exp"]),
        token_id=str(raw["jti"]),
    )
