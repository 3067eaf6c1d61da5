"""Client registration and the client-credentials grant, on Authlib's OAuth2 server pieces.

Access tokens are ES256 JWTs signed with the same keys as member tokens (same ``kid`` and
JWKS), with ``sub`` = client id, the service audience and a ``scope`` claim. Member-token
paths verify the member audience, so a service token never passes for a member.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from authlib.oauth2.rfc6749 import AuthorizationServer, ClientMixin, OAuth2Request
from authlib.oauth2.rfc6749.errors import InvalidScopeError
from authlib.oauth2.rfc6749.grants import ClientCredentialsGrant
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload
from authlib.oauth2.rfc6749.util import scope_to_list
from sqlalchemy import select
from sqlalchemy.orm import Session

from identity.audit import record
from identity.oauth.models import OAuthClient
from identity.oauth.schemas import ClientCreate
from kasane_shared.auth.tokens import TokenIssuer
from kasane_shared.crypto.digests import same, sha256_hex
from kasane_shared.errors import KasaneError
from kasane_shared.i18n import Lang

# Every scope a service token can carry, and what it allows.
SCOPES: dict[str, str] = {
    "custody:rewrap": "identity: re-address escrow wraps to entitled members (grants)",
    "agenda:plans.write": "agenda: write a support-plan version from approved minutes",
    "integrity:keys": "identity: the calling service's own integrity keys (audit and trust rows)",
    "audit:anchor": "identity: anchor the calling service's audit head outside its database",
}
# What each of Kasane's own services needs, nothing more.
SERVICE_SCOPES: dict[str, tuple[str, ...]] = {
    "agenda": ("custody:rewrap", "integrity:keys", "audit:anchor"),
    "minutes": ("custody:rewrap", "agenda:plans.write", "integrity:keys", "audit:anchor"),
}
MIN_SECRET_CHARS = 32

_MESSAGES: dict[str, tuple[str, str]] = {
    "invalid_client": ("クライアント認証に失敗しました。", "Client authentication failed."),
    "unsupported_grant_type": (
        "この grant_type には対応していません（client_credentials のみ）。",
        "Unsupported grant_type (client_credentials only).",
    ),
    "invalid_scope": (
        "このクライアントには要求されたスコープが許可されていません。",
        "The requested scope is not allowed for this client.",
    ),
    "unauthorized_client": (
        "このクライアントにはこの方式が許可されていません。",
        "This client may not use this grant.",
    ),
    "invalid_request": ("リクエストが正しくありません。", "The request is not valid."),
}


def hash_secret(secret: str) -> str:
    """SHA-256 of a client secret (secrets are high-entropy, so no slow hash is needed)."""
    return sha256_hex(secret.encode())


def _check_scopes(scopes: list[str] | tuple[str, ...]) -> list[str]:
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or not scopes:
        raise KasaneError(
            422,
            "invalid_scope",
            f"不明なスコープです: {', '.join(unknown) or '(なし)'}",
            f"Unknown scope: {', '.join(unknown) or '(none)'}",
        )
    return sorted(set(scopes))


def register_client(
    session: Session,
    client_id: str,
    secret: str,
    scopes: list[str] | tuple[str, ...],
    actor_id: str | None,
) -> OAuthClient:
    """Create or update a client with this secret and these scopes."""
    ClientCreate(client_id=client_id, scopes=list(scopes))
    if len(secret) < MIN_SECRET_CHARS:
        raise KasaneError(
            422,
            "weak_secret",
            f"クライアントシークレットは{MIN_SECRET_CHARS}文字以上にしてください。",
            f"Client secrets need at least {MIN_SECRET_CHARS} characters.",
        )
    allowed = _check_scopes(scopes)
    client = session.scalar(select(OAuthClient).where(OAuthClient.client_id == client_id))
    if client is None:
        client = OAuthClient(
            client_id=client_id, secret_hash=hash_secret(secret), scopes=allowed, active=True
        )
        session.add(client)
    elif client.secret_hash != hash_secret(secret) or client.scopes != allowed or not client.active:
        client.secret_hash, client.scopes, client.active = hash_secret(secret), allowed, True
    else:
        return client
    session.flush()
    record(session, "oauth.client.register", actor_id, "oauth_client", client_id, scopes=allowed)
    return client


def create_client(
    session: Session, client_id: str, scopes: list[str] | tuple[str, ...], actor_id: str | None
) -> tuple[OAuthClient, str]:
    """A new client with a fresh random secret, returned once and stored only as a hash."""
    secret = secrets.token_urlsafe(32)
    return register_client(session, client_id, secret, scopes, actor_id), secret


def register_from_dir(session: Session, folder: Path) -> list[str]:
    """Register Kasane's services whose secret files exist (compose mounts them as secrets)."""
    done = []
    for name, scopes in SERVICE_SCOPES.items():
        path = folder / name
        if path.is_file():
            register_client(session, name, path.read_text().strip(), scopes, None)
            done.append(name)
    return done


def active_client(session: Session, client_id: str) -> OAuthClient | None:
    """The registered client with this id if it is still active."""
    row = session.scalar(select(OAuthClient).where(OAuthClient.client_id == client_id))
    return row if row is not None and row.active else None


class RegisteredClient(ClientMixin):
    """Authlib's view of a stored client."""

    def __init__(self, row: OAuthClient) -> None:
        self.row = row

    def get_client_id(self) -> str:
        return self.row.client_id

    def check_client_secret(self, client_secret: str) -> bool:
        return same(self.row.secret_hash, hash_secret(client_secret))

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return endpoint == "token" and method in ("client_secret_basic", "client_secret_post")

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "client_credentials"

    def get_allowed_scope(self, scope: str | None) -> str:
        allowed = self.row.scopes
        if not scope:
            return " ".join(allowed)
        return " ".join(s for s in scope_to_list(scope) if s in allowed)


class _Grant(ClientCredentialsGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

    def validate_requested_scope(self) -> None:
        # Beyond the server's known scopes: a client gets only what it was registered for.
        super().validate_requested_scope()
        requested = scope_to_list(self.request.payload.scope) or []
        if any(s not in self.request.client.row.scopes for s in requested):
            raise InvalidScopeError()


class FormRequest(OAuth2Request):
    """A token request whose form was parsed by the router."""

    def __init__(self, uri: str, headers: dict[str, str], form: dict[str, str]) -> None:
        super().__init__("POST", uri, headers=headers)
        self.payload = BasicOAuth2Payload(form)
        self._form = form

    @property
    def form(self) -> dict[str, str]:
        return self._form

    @property
    def args(self) -> dict[str, str]:
        return {}


class TokenServer(AuthorizationServer):
    """Authlib's authorization server, one per request, bound to the request's session."""

    def __init__(self, session: Session, issuer: TokenIssuer, audience: str, lang: Lang) -> None:
        super().__init__(scopes_supported=list(SCOPES))
        self.session, self.issuer, self.audience, self.lang = session, issuer, audience, lang
        self.register_grant(_Grant)
        self.register_token_generator("default", self._generate)

    def query_client(self, client_id: str) -> RegisteredClient | None:
        row = self.session.scalar(select(OAuthClient).where(OAuthClient.client_id == client_id))
        return RegisteredClient(row) if row is not None and row.active else None

    def _generate(
        self, grant_type: str, client: RegisteredClient, scope: str | None = None, **_: Any
    ) -> dict[str, Any]:
        scopes = scope_to_list(client.get_allowed_scope(scope)) or []
        token, ttl = self.issuer.issue(
            client.get_client_id(), scopes=scopes, audience=self.audience
        )
        return {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": ttl,
            "scope": " ".join(scopes),
        }

    def save_token(self, token: dict[str, Any], request: OAuth2Request) -> None:
        # Tokens are self-contained JWTs; only the issue is recorded.
        client_id = request.client.get_client_id()
        record(
            self.session,
            "oauth.token",
            f"client:{client_id}",
            "oauth_client",
            client_id,
            scope=token["scope"],
        )

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        return None

    def create_oauth2_request(self, request: FormRequest) -> FormRequest:
        return request

    def handle_response(
        self, status: int, body: Any, headers: Any
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        out = dict(headers)
        if isinstance(body, dict) and "error" in body:
            ja, en = _MESSAGES.get(body["error"], _MESSAGES["invalid_request"])
            body = {"error": body["error"], "error_description": ja if self.lang == "ja" else en}
            if "WWW-Authenticate" in out:
                # Header values stay ASCII; the message is in the body.
                out["WWW-Authenticate"] = f'Basic realm="kasane", error="{body["error"]}"'
            record(
                self.session,
                "oauth.token",
                None,
                "oauth_client",
                None,
                outcome="refused",
                reason=body["error"],
            )
        return status, body, out
