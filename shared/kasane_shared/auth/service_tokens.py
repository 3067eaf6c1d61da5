"""Service-to-service authentication: OAuth2 client credentials issued by identity.

A service fetches its own token from ``POST /identity/oauth/token`` (``ServiceTokenSource``,
cached until shortly before expiry) and sends it where an action is the service's own.
The receiving side admits it with ``require_scope``: the token must verify against
identity's JWKS with the *service* audience and carry the scope. Member tokens carry the
member audience, so they never pass here, and service tokens never pass member checks.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import httpx
from fastapi import Request, Security
from fastapi.security import HTTPAuthorizationCredentials

from kasane_shared.auth.deps import bearer_token
from kasane_shared.auth.tokens import InvalidToken
from kasane_shared.errors import KasaneError, forbidden, unauthenticated
from kasane_shared.observability.context import propagation_headers
from kasane_shared.openapi_docs import BEARER_SCHEME
from kasane_shared.settings import Settings


class ServiceTokenError(Exception):
    """Identity refused or could not be reached for a service token."""


class ServiceTokenSource:
    """A service's own access token: fetched with client credentials, reused until near expiry."""

    def __init__(
        self,
        token_url: str,
        client_id: str,
        client_secret: str,
        scopes: tuple[str, ...] | list[str] = (),
        *,
        http: Any = None,
        margin_seconds: float = 30,
    ) -> None:
        self.token_url, self.client_id, self.scopes = token_url, client_id, tuple(scopes)
        self._secret = client_secret
        self.http = http or httpx.Client(timeout=5)
        self.margin = margin_seconds
        self._lock = threading.Lock()
        self._token: str | None = None
        self._expires = 0.0

    @classmethod
    def from_settings(
        cls, settings: Settings, service: str, scopes: tuple[str, ...] = (), **kwargs: Any
    ) -> ServiceTokenSource | None:
        """The source a service's settings describe, or None when no client secret is configured."""
        path: Path | None = settings.oauth_client_secret_file
        if path is None:
            return None
        url = settings.identity_url.rstrip("/") + "/oauth/token"
        return cls(
            url, settings.oauth_client_id or service, path.read_text().strip(), scopes, **kwargs
        )

    def token(self) -> str:
        """A valid access token (one fetch at a time; callers meanwhile wait for it)."""
        with self._lock:
            if self._token is None or time.monotonic() >= self._expires - self.margin:
                self._token, lifetime = self._fetch()
                self._expires = time.monotonic() + lifetime
            return self._token

    def invalidate(self) -> None:
        """Forget the cached token (e.g. after a 401 from the receiving service)."""
        with self._lock:
            self._token, self._expires = None, 0.0

    def _fetch(self) -> tuple[str, float]:
        data = {"grant_type": "client_credentials"}
        if self.scopes:
            data["scope"] = " ".join(self.scopes)
        try:
            response = self.http.post(
                self.token_url,
                data=data,
                auth=(self.client_id, self._secret),
                headers=propagation_headers(),
            )
        except (httpx.HTTPError, OSError) as error:
            raise ServiceTokenError("unreachable") from error
        if response.status_code != 200:
            raise ServiceTokenError(_error_code(response))
        body = response.json()
        return str(body["access_token"]), float(body.get("expires_in", 60))


def _error_code(response: httpx.Response) -> str:
    try:
        return str(response.json().get("error", response.status_code))
    except ValueError:
        return str(response.status_code)


@dataclass(frozen=True)
class ServiceCaller:
    """A service calling as itself: its client id and granted scopes."""

    client_id: str
    scopes: tuple[str, ...]
    token: str

    @property
    def actor_id(self) -> str:
        """How audit logs name this caller."""
        return f"client:{self.client_id}"


def service_caller(request: Request) -> ServiceCaller | None:
    """The caller as a service, or None when the bearer token is not a valid service token."""
    token = bearer_token(request)
    if not token or len(token) > 8192:
        return None
    settings = request.app.state.settings
    try:
        claims = request.app.state.token_verifier.verify(
            token, audience=settings.service_token_audience
        )
    except InvalidToken:
        return None
    return ServiceCaller(claims.subject, claims.scopes, token)


def require_scope(scope: str) -> Callable[[Request], ServiceCaller]:
    """A dependency admitting only service tokens that carry ``scope``."""

    def check(
        request: Request,
        _documented: Annotated[HTTPAuthorizationCredentials | None, Security(BEARER_SCHEME)],
    ) -> ServiceCaller:
        caller = service_caller(request)
        if caller is None:
            if bearer_token(request) is None:
                raise unauthenticated()
            raise KasaneError(
                401,
                "invalid_token",
                "サービス用のトークンが無効か期限切れです。",
                "The service token is invalid or expired.",
                headers={"WWW-Authenticate": f'Bearer error="invalid_token", scope="{scope}"'},
            )
        if scope not in caller.scopes:
            raise forbidden(
                "このサービスにはこの操作のスコープがありません。",
                "This service lacks the scope for this action.",
            )
        return caller

    return check


__all__ = [
    "ServiceCaller",
    "ServiceTokenError",
    "ServiceTokenSource",
    "require_scope",
    "service_caller",
]
