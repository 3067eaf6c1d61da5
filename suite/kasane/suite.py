"""Suite mode: the three services in one process under /identity, /agenda, /minutes."""

from __future__ import annotations

import base64
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from fastapi import FastAPI
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.routing import Mount

import agenda.app
import identity.app
import minutes.app
import web.app
from kasane_shared.errors import http_problem
from kasane_shared.inprocess import in_process_client
from kasane_shared.crypto.kek import KeyProvider
from kasane_shared.integrity import ServiceKeys, key_label
from kasane_shared.settings import Settings
from web.core.api import block_cookies


# The services that unwrap through identity's custody in process (route_service_calls);
# identity's connection pool admits their requests as well as its own.
UNWRAP_IN_PROCESS = ("agenda", "minutes")


@dataclass
class Suite:
    """The composed ASGI app and its parts (tests reach into the parts)."""

    app: Starlette
    identity: FastAPI
    agenda: FastAPI
    minutes: FastAPI
    web: FastAPI | None = None


def create_suite(settings: Settings, *, migrate: bool = True, **overrides: object) -> Suite:
    """Build all three apps on their own databases and mount them under one server.

    ``migrate=False``: a worker of ``kasane serve --workers N``, whose parent migrated.
    """
    identity_app = overrides.get("identity_app") or identity.app.create_app(
        settings, migrate=migrate, in_process_callers=len(UNWRAP_IN_PROCESS)
    )  # type: ignore[assignment]
    # In one process the other services read identity's key set directly, not over HTTP.
    jwks = identity_app.state.signing_keys
    agenda_app = overrides.get("agenda_app") or agenda.app.create_app(
        settings, jwks=jwks, migrate=migrate
    )  # type: ignore[assignment]
    minutes_app = overrides.get("minutes_app") or minutes.app.create_app(
        settings, jwks=jwks, migrate=migrate
    )  # type: ignore[assignment]
    # The web pages call the services over HTTP like any client (identity's URL points here).
    web_app = overrides.get("web_app") or web.app.create_app(settings)  # type: ignore[assignment]
    app = Starlette(
        routes=[
            Mount("/identity", app=identity_app),
            Mount("/agenda", app=agenda_app),
            Mount("/minutes", app=minutes_app),
            Mount("/", app=web_app),
        ],
        # A path no mount takes (a newline in it) is refused as a problem, not plain text.
        exception_handlers={HTTPException: http_problem},
        lifespan=_serving,
    )
    suite = Suite(app, identity_app, agenda_app, minutes_app, web_app)  # type: ignore[arg-type]
    # One process: the services' integrity keys come from identity's provider directly.
    kek = identity_app.state.kek
    for service, service_app in (("agenda", agenda_app), ("minutes", minutes_app)):
        service_app.state.db.keys = ServiceKeys.local(service, kek)  # type: ignore[attr-defined]
    _issue_internal_credentials(settings, suite)
    # In one process the services call each other as ASGI calls on this app: no socket, no
    # second server thread, no wait on a pool the caller already holds (kasane_shared.inprocess).
    internal = in_process_client(app, settings.outbound_timeout_seconds)
    route_service_calls(suite, internal)
    if "web_app" not in overrides:
        services = web_app.state.services
        web_app.state.services = type(services)(
            block_cookies(internal),
            services.identity,
            services.agenda,
            services.minutes,
        )
    return suite


_frozen = False


@asynccontextmanager
async def _serving(_app: Starlette) -> AsyncIterator[None]:
    """Once the server has started: what start-up built is kept out of the collector's passes.

    Start-up leaves ~200,000 long-lived objects (apps, models, tables); each full collection
    walked them all (~0.1 s, about once per hundred agenda views, on the request that
    triggered it). Frozen once per process, after a collection, so no garbage is kept."""
    global _frozen
    if not _frozen:
        _frozen = True
        gc.collect()
        gc.freeze()
    yield


def internal_client_secret(kek: KeyProvider, name: str) -> str:
    """Suite mode's client secret of service ``name``: derived from the key provider's root.

    Every worker of one server (and every start) computes the same secret without handing it
    around (no file, no environment variable), so a worker registering it never replaces the
    secret another worker's tokens were issued under. Only whoever holds the provider's root
    (the key file or the token) can compute it; identity stores it hashed, as every secret.
    """
    return base64.urlsafe_b64encode(kek.derive_key(key_label(name, "suite-client-secret"))).decode()


def _issue_internal_credentials(settings: Settings, suite: Suite) -> None:
    """Give agenda and minutes their own client credentials (suite mode), the same in every
    worker: registering an unchanged secret writes nothing."""
    from identity.oauth.service import SERVICE_SCOPES, register_client
    from kasane_shared.auth.service_tokens import ServiceTokenSource

    token_url = settings.identity_url.rstrip("/") + "/oauth/token"
    kek = suite.identity.state.kek
    with suite.identity.state.db.session() as session:
        for app, name in ((suite.agenda, "agenda"), (suite.minutes, "minutes")):
            if getattr(app.state, "service_tokens", None) is not None:
                continue
            secret = internal_client_secret(kek, name)
            register_client(session, name, secret, SERVICE_SCOPES[name], None)
            app.state.service_tokens = ServiceTokenSource(
                token_url, name, secret, SERVICE_SCOPES[name]
            )


def route_service_calls(suite: Suite, http: object) -> None:
    """Send every service-to-service call of the suite through ``http`` (paths, not URLs).

    Used before the server listens (demo seeding) and by tests, where ``http`` is a client
    on the suite itself.
    """
    from agenda.minutes_client import MinutesClient
    from identity.custody.local import LocalUnwrap
    from kasane_shared.custody import IdentityClient
    from minutes.agenda_client import AgendaClient

    # Unwrapping, on every view, calls identity's custody directly: same checks, no HTTP.
    local_unwrap = LocalUnwrap(suite.identity.state)
    for name in UNWRAP_IN_PROCESS:
        app = getattr(suite, name)
        app.state.identity = IdentityClient(http, "/identity", local_unwrap)
    suite.agenda.state.minutes = MinutesClient(http, "/minutes")
    suite.minutes.state.agenda = AgendaClient(http, "/agenda")
    for app in (suite.agenda, suite.minutes):
        tokens = getattr(app.state, "service_tokens", None)
        if tokens is not None:
            tokens.http, tokens.token_url = http, "/identity/oauth/token"
            tokens.invalidate()
