"""The agenda service: cases, consents, support plans, meetings and each member's agenda."""

from __future__ import annotations

from fastapi import FastAPI

import httpx

from agenda.cases.router import router as cases_router
from agenda.distribution.router import router as distribution_router
from agenda.errors import install_agenda_errors
from agenda.integrity.backfill import has_pending
from agenda.integrity.origin import (
    has_origin_backfill,
    install_record_failure_handler,
    version_book,
)
from agenda.integrity.report import install_tampering_handler
from agenda.entitlements.router import router as entitlements_router
from agenda.meetings.router import router as meetings_router
from agenda.minutes_client import MinutesClient
from agenda.plans.router import router as plans_router
from agenda.planner.router import router as planner_router
from agenda.todo.router import router as todo_router
from agenda.view.router import router as view_router
from agenda.backlog import has_backlog
from agenda.base import AuditEntry
from kasane_shared.app import create_service_app
from agenda.audit_targets import describe
from kasane_shared.audit_api import audit_router, search_filters_at_identity

from kasane_shared.auth.liveness import identity_session_check
from kasane_shared.auth.tokens import JwksSource, TokenVerifier
from kasane_shared.custody import IdentityClient
from kasane_shared.db import Database, open_service_database
from kasane_shared.service_integrity import wire_service_integrity
from kasane_shared.settings import Settings


def _outbound(settings: Settings) -> httpx.Client:
    # Short timeouts: a slow service answers 503 here instead of holding this request.
    return httpx.Client(timeout=settings.outbound_timeout_seconds)


def create_app(
    settings: Settings,
    *,
    jwks: JwksSource,
    db: Database | None = None,
    identity: IdentityClient | None = None,
    minutes: MinutesClient | None = None,
    migrate: bool = True,
) -> FastAPI:
    """Build the agenda app on its own database; tokens are checked against identity's JWKS."""
    db = open_service_database(settings, "agenda", db=db, migrate=migrate)
    app = create_service_app(
        "agenda",
        title="Kasane agenda",
        description=(
            "事例・同意・支援プラン・会議・議題 (cases, consents, support plans, meetings, agendas)"
        ),
        settings=settings,
    )
    install_agenda_errors(app)
    install_tampering_handler(app)
    install_record_failure_handler(app)
    app.state.settings, app.state.db = settings, db
    # Values an older schema kept in clear are sealed on the first request (agenda.backlog).
    app.state.unsealed_backlog = has_backlog(db)
    # Consents and attendees older than their MACs get them once, with agenda's keys.
    app.state.entitlement_backfill = has_pending(db)
    # Records sealed before they carried an origin MAC get theirs once (migration 0011).
    app.state.origin_backfill = has_origin_backfill(db)
    db.versions = db.versions or version_book()
    wire_service_integrity(app, "agenda", AuditEntry, settings)
    # Identity is reached over HTTP in both modes (in suite mode, the same server).
    app.state.identity = identity or IdentityClient(_outbound(settings), settings.identity_url)
    # A consent withdrawn reaches the minutes too (their tax blocks are re-keyed).
    app.state.minutes = minutes or MinutesClient(_outbound(settings), settings.minutes_url)
    app.state.token_verifier = TokenVerifier(
        jwks, issuer=settings.token_issuer, audience=settings.token_audience
    )
    app.state.session_check = identity_session_check(app, settings.session_check_seconds)
    for router in (
        cases_router,
        plans_router,
        meetings_router,
        view_router,
        planner_router,
        entitlements_router,
        distribution_router,
        todo_router,
    ):
        app.include_router(router)
    app.include_router(
        audit_router(AuditEntry, search_filters=search_filters_at_identity, describe=describe)
    )  # read-only, auditors only
    return app
