"""Audit an entitlement row that failed its MAC (kind and id only)."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from agenda.audit import record
from agenda.integrity.rows import TamperedRow
from kasane_shared.db import Database
from kasane_shared.errors import KasaneError, problem_response

log = logging.getLogger("kasane.agenda")


def audit_tampering(
    session: Session, error: TamperedRow, actor_id: str | None, **where: str
) -> None:
    """Record the refusal in agenda's chain, in ``session``'s transaction."""
    log.error("entitlement row failed its integrity check: %s %s", error.kind, error.row_id)
    record(
        session,
        "agenda.integrity_failure",
        actor_id,
        error.kind,
        error.row_id,
        outcome="tampered",
        **where,
    )


def report_tampering(db: Database, error: TamperedRow) -> None:
    """Audit the refusal after the request's own transaction was rolled back; a failure to
    audit is logged, never hides the refusal."""
    try:
        with db.session() as session:
            audit_tampering(session, error, None)
    except KasaneError as failure:
        log.error("could not audit the integrity failure: %s", failure.code)


def install_tampering_handler(app: FastAPI) -> None:
    """A tampered entitlement row anywhere in a request: 409 problem, audited on its own."""

    @app.exception_handler(TamperedRow)
    async def _tampered(request: Request, error: TamperedRow) -> JSONResponse:
        await run_in_threadpool(report_tampering, app.state.db, error)
        return problem_response(request, error)
