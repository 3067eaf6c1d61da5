"""Request dependencies: who is calling, and may they.

Every service verifies tokens the same way and asks identity whether the session behind a
member's token is still open (``liveness``); identity checks its own database directly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials

from kasane_shared.auth.tokens import InvalidToken, TokenClaims, TokenVerifier
from kasane_shared.errors import KasaneError, forbidden, unauthenticated
from kasane_shared.openapi_docs import BEARER_SCHEME

ACCESS_COOKIE = "kasane_access"
ROLES = ("admin", "coordinator", "member", "auditor")


def bearer_token(request: Request) -> str | None:
    """The token from ``Authorization: Bearer``; nothing else.

    The ``kasane_access`` cookie belongs to the web pages (which guard their forms with CSRF
    tokens and call the APIs with the token themselves): a browser sends cookies on
    cross-site requests, so an API that took it would rest on SameSite alone.
    """
    header = request.headers.get("authorization")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise unauthenticated(
            "認証情報の形式が正しくありません。", "Malformed Authorization header."
        )
    return token.strip()


def get_claims(
    request: Request,
    _documented: Annotated[HTTPAuthorizationCredentials | None, Security(BEARER_SCHEME)],
) -> TokenClaims:
    """Verify the caller's token against identity's keys."""
    token = bearer_token(request)
    if not token:
        raise unauthenticated()
    claims = verified_claims(request.app.state.token_verifier, token)
    request.state.bearer_token = token
    return claims


def verified_claims(verifier: TokenVerifier, token: str) -> TokenClaims:
    """The claims of a bearer token that ``verifier`` accepts; 401 otherwise."""
    if len(token) > 8192:
        raise unauthenticated("トークンが正しくありません。", "Invalid token.")
    try:
        return verifier.verify(token)
    except InvalidToken as error:
        raise KasaneError(
            401,
            "invalid_token",
            "トークンが無効か期限切れです。もう一度ログインしてください。",
            "The token is invalid or expired. Please sign in again.",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        ) from error


CurrentClaims = Annotated[TokenClaims, Depends(get_claims)]


def get_live_claims(request: Request, claims: CurrentClaims) -> TokenClaims:
    """Verified claims whose session identity still holds open, with the current roles.

    Every read and write of agenda and minutes goes through here; the app's
    ``session_check`` asks identity (with a cache of a few seconds).
    """
    check = request.app.state.session_check
    return check.live_claims(claims, request.state.bearer_token)


LiveClaims = Annotated[TokenClaims, Depends(get_live_claims)]


def RequireRole(*roles: str) -> Callable[[TokenClaims], TokenClaims]:  # noqa: N802 - reads as a type
    """A dependency that admits callers whose open session holds any of ``roles``."""

    def check(claims: LiveClaims) -> TokenClaims:
        if not any(claims.has_role(role) for role in roles):
            raise forbidden()
        return claims

    return check


@dataclass(frozen=True)
class Caller:
    """Who is calling (verified claims) and the token that proved it, to forward on their behalf."""

    claims: TokenClaims
    token: str

    @property
    def id(self) -> str:
        """The caller's member id."""
        return self.claims.subject

    member_id = id

    @property
    def organization_id(self) -> str | None:
        """The caller's organization."""
        return self.claims.organization_id

    def has_role(self, role: str) -> bool:
        """Whether the caller holds ``role``."""
        return self.claims.has_role(role)

    @property
    def is_coordinator(self) -> bool:
        """Coordinators (事務局) run cases, meetings and minutes."""
        return self.claims.has_role("coordinator")


# Reads app state only: async, so it runs on the event loop without a thread hop.
async def get_caller(request: Request, claims: LiveClaims) -> Caller:
    """The verified caller, whose session is still open, with their raw token."""
    return Caller(claims, request.state.bearer_token)


CurrentCaller = Annotated[Caller, Depends(get_caller)]


def require_caller_role(*roles: str) -> Callable[[Caller], Caller]:
    """A dependency admitting a verified caller holding any of ``roles``."""

    def check(caller: CurrentCaller) -> Caller:
        if not any(caller.has_role(role) for role in roles):
            raise forbidden()
        return caller

    return check


CoordinatorCaller = Annotated[Caller, Depends(require_caller_role("coordinator"))]
