"""The minutes service: encrypted minutes per meeting, review and approval, Word minutes."""

from __future__ import annotations

from fastapi import Depends, FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from minutes.base import AuditEntry
from kasane_shared.app import create_service_app
from minutes.audit_targets import describe
from kasane_shared.audit_api import audit_router, search_filters_at_identity
import httpx

from kasane_shared.auth.liveness import identity_session_check
from kasane_shared.auth.tokens import JwksSource, TokenVerifier
from kasane_shared.custody import IdentityClient
from kasane_shared.db import Database, open_service_database
from kasane_shared.errors import problem_response
from kasane_shared.service_integrity import wire_service_integrity
from kasane_shared.settings import Settings
from minutes.agenda_client import AgendaClient
from minutes.consents.router import router as consents_router
from minutes.integrity.backfill import ensure_backfilled, has_backfill
from minutes.integrity.content import TamperedMinutes, report_tampering
from minutes.integrity.origin import has_origin_backfill, report_record_failure, version_book
from kasane_shared.record_origin import TamperedRecord
from minutes.meeting_minutes.router import export_router, router as minutes_router
from minutes.todo.router import router as todo_router


def _outbound(settings: Settings) -> httpx.Client:
    # Short timeouts: a slow service answers 503 here instead of holding this request.
    return httpx.Client(timeout=settings.outbound_timeout_seconds)


def create_app(
    settings: Settings,
    *,
    jwks: JwksSource,
    db: Database | None = None,
    identity: IdentityClient | None = None,
    agenda: AgendaClient | None = None,
    migrate: bool = True,
) -> FastAPI:
    """Build the minutes app on its own database; tokens are checked against identity's JWKS."""
    db = open_service_database(settings, "minutes", db=db, migrate=migrate)
    app = create_service_app(
        "minutes",
        title="Kasane minutes",
        description="会議録の作成・確認・承認・Word出力 (minutes, review, approval, Word export)",
        settings=settings,
    )
    app.state.settings, app.state.db = settings, db
    wire_service_integrity(app, "minutes", AuditEntry, settings)
    # Identity is reached over HTTP in both modes (in suite mode, the same server).
    app.state.identity = identity or IdentityClient(_outbound(settings), settings.identity_url)
    app.state.agenda = agenda or AgendaClient(_outbound(settings), settings.agenda_url)
    # Hashes an older schema left unkeyed get their MACs before anything reads the minutes.
    app.state.integrity_backfill = has_backfill(db)
    # Records sealed before they carried an origin MAC get theirs once (migration 0007).
    app.state.origin_backfill = has_origin_backfill(db)
    db.versions = db.versions or version_book()
    backfilled = [Depends(ensure_backfilled)]
    for router in (minutes_router, export_router, consents_router, todo_router):
        app.include_router(router, dependencies=backfilled)

    @app.exception_handler(TamperedMinutes)
    async def _tampered(request: Request, error: TamperedMinutes) -> JSONResponse:
        # The request's transaction is rolled back by now; the refusal is audited on its own.
        await run_in_threadpool(report_tampering, db, error)
        return problem_response(request, error)

    @app.exception_handler(TamperedRecord)
    async def _tampered_record(request: Request, error: TamperedRecord) -> JSONResponse:
        await run_in_threadpool(report_record_failure, db, error)
        return problem_response(request, error)

    app.include_router(
        audit_router(AuditEntry, search_filters=search_filters_at_identity, describe=describe)
    )  # read-only, auditors only
    app.state.token_verifier = TokenVerifier(
        jwks, issuer=settings.token_issuer, audience=settings.token_audience
    )
    app.state.session_check = identity_session_check(app, settings.session_check_seconds)
    return app
