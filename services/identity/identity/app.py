"""The identity service: organizations, members, sign-in, tokens, pledges, key custody."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from identity.account.router import router as account_router
from identity.auditlog.router import router as audit_search_router
from identity.auditlog.router import search_filters_here
from identity.auditlog.service import describe
from identity.custody.keycache import PRIVATE_KEYS
from identity.custody.router import router as custody_router
from identity.custody.rotation import ensure_kek
from identity.custody.service import ensure_escrow_keys
from identity.drafts.router import router as drafts_router
from identity.integrity.router import router as integrity_router
from identity.integrity.backfill import backfill_trust_rows
from identity.integrity.rows import TamperedRow
from identity.integrity.service import AnchorBook, report_tampering
from identity.deps import SigningKeyCache, live_auditor
from identity.members.router import router as members_router
from identity.oauth.router import router as oauth_router
from identity.oauth.service import register_from_dir
from identity.organizations.router import router as organizations_router
from identity.passwords import HASHES
from identity.pledges.router import router as pledges_router
from identity.pledges.service import ensure_default_templates
from identity.sessions.router import router as sessions_router
from identity.signing.service import ensure_signing_key
from identity.base import AuditEntry
from kasane_shared.app import create_service_app
from kasane_shared.audit_anchor import Anchorer, anchor_sender
from kasane_shared.integrity import ServiceKeys
from kasane_shared.audit_api import audit_router
from kasane_shared.auth.tokens import TokenVerifier
from kasane_shared.crypto.kek import KeyProvider
from kasane_shared.db import Database, open_service_database
from kasane_shared.errors import problem_response
from kasane_shared.key_provider import check_key_placement, make_key_provider
from kasane_shared.overload import LaneMiddleware
from kasane_shared.settings import Settings

__all__ = ["create_app", "make_key_provider", "prepare_database"]


def prepare_database(
    db: Database, kek: Any, settings: Settings | None = None, book: AnchorBook | None = None
) -> None:
    """First-run content every deployment needs: pledge texts, a signing key, service clients.

    Before anything reads them, trust rows older than their MACs get theirs (once; see
    ``integrity.backfill``), checked against identity's chain and its newest anchor.
    """
    with db.session() as session:
        ensure_kek(session, kek)
    if db.keys is None:
        db.keys = ServiceKeys.local("identity", kek)
    anchor = book.newest(None, "identity")[0] if book is not None else None
    if backfill_trust_rows(db, kek, anchor) and db.anchorer is not None:
        db.anchorer.flush()  # anchor the backfill's audit entry now, not some seconds later
    with db.session() as session:
        ensure_default_templates(session)
        ensure_signing_key(session, kek)
        ensure_escrow_keys(session, kek)
        if settings is not None and settings.oauth_clients_dir is not None:
            register_from_dir(session, settings.oauth_clients_dir)


def create_app(
    settings: Settings,
    *,
    db: Database | None = None,
    kek: KeyProvider | None = None,
    migrate: bool = True,
    in_process_callers: int = 0,
) -> FastAPI:
    """Build the identity app on its own database (migrated to head unless told otherwise).

    ``in_process_callers``: services of this process that unwrap through identity's custody
    in process (suite mode, ``custody.local``); its pool admits their requests too."""
    db = open_service_database(
        settings, "identity", db=db, migrate=migrate, callers=1 + in_process_callers
    )
    kek = kek or make_key_provider(settings)
    check_key_placement(settings, kek)
    book = AnchorBook(kek, settings.resolved_anchor_file)
    # Identity's own head goes to the anchor file only: its database is what it guards.
    db.anchorer = Anchorer(
        anchor_sender(
            db, AuditEntry, lambda seq, head, keyed: book.anchor(None, "identity", seq, head, keyed)
        ),
        settings.audit_anchor_seconds,
    )
    prepare_database(db, kek, settings, book)

    app = create_service_app(
        "identity",
        title="Kasane identity",
        description=(
            "組織・メンバー・ログイン・トークン・誓約書・鍵管理 "
            "(organizations, members, sign-in, tokens, pledges, key custody)"
        ),
        settings=settings,
    )
    app.state.settings, app.state.db, app.state.kek = settings, db, kek
    PRIVATE_KEYS.capacity = settings.private_key_cache_size
    PRIVATE_KEYS.data_capacity = settings.data_key_cache_size
    HASHES.configure(settings.password_hash_concurrency, settings.password_hash_wait_seconds)
    # Sign-ins wait for an Argon2id place before they take a place among identity's requests.
    app.add_middleware(
        LaneMiddleware,
        routes=(("POST", "/session"),),
        limit=settings.password_hash_concurrency,
        queue_seconds=settings.password_hash_wait_seconds,
        queue_limit=settings.request_queue_limit,
    )
    app.state.anchor_book = book
    app.state.audit_anchor = lambda session: book.newest(None, "identity")[0]
    app.state.signing_keys = SigningKeyCache(db, kek, settings)
    app.state.token_verifier = TokenVerifier(
        app.state.signing_keys, issuer=settings.token_issuer, audience=settings.token_audience
    )

    @app.exception_handler(TamperedRow)
    async def _tampered(request: Request, error: TamperedRow) -> JSONResponse:
        # The request's transaction is rolled back by now; the refusal is audited on its own.
        await run_in_threadpool(report_tampering, db, error.kind, error.row_id)
        return problem_response(request, error)

    for router in (
        sessions_router,
        account_router,
        organizations_router,
        members_router,
        pledges_router,
        custody_router,
        drafts_router,
        oauth_router,
        integrity_router,
    ):
        app.include_router(router)
    app.include_router(audit_search_router)
    app.include_router(
        audit_router(
            AuditEntry,
            search_filters=search_filters_here,
            describe=describe,
            auditor_check=live_auditor,
        )
    )  # read-only, auditors only
    return app
