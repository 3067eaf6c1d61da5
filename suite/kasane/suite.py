"""Suite mode: the three services in one process under /identity, /agenda, /minutes."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import FastAPI
from starlette.applications import Starlette
from starlette.routing import Mount

import agenda.app
import identity.app
import minutes.app
import web.app
from kasane_shared.settings import Settings


@dataclass
class Suite:
    """The composed ASGI app and its parts (tests reach into the parts)."""

    app: Starlette
    identity: FastAPI
    agenda: FastAPI
    minutes: FastAPI
    web: FastAPI | None = None


def create_suite(settings: Settings, **overrides: object) -> Suite:
    """Build all three apps on their own databases and mount them under one server."""
    identity_app = overrides.get("identity_app") or identity.app.create_app(settings)  # type: ignore[assignment]
    # In one process the other services read identity's key set directly, not over HTTP.
    jwks = identity_app.state.signing_keys
    agenda_app = overrides.get("agenda_app") or agenda.app.create_app(settings, jwks=jwks)  # type: ignore[assignment]
    minutes_app = overrides.get("minutes_app") or minutes.app.create_app(settings, jwks=jwks)  # type: ignore[assignment]
    # The web pages call the services over HTTP like any client (identity's URL points here).
    web_app = overrides.get("web_app") or web.app.create_app(settings)  # type: ignore[assignment]
    app = Starlette(
        routes=[
            Mount("/identity", app=identity_app),
            Mount("/agenda", app=agenda_app),
            Mount("/minutes", app=minutes_app),
            Mount("/", app=web_app),
        ]
    )
    return Suite(app, identity_app, agenda_app, minutes_app, web_app)  # type: ignore[arg-type]
