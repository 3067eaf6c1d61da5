"""Agenda's sealed records and their origin MAC: the backfill after migration 0011, and the
audit of a record that fails its origin check (``kasane_shared.record_origin``)."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from agenda.audit import record
from agenda.base import AuditEntry
from agenda.cases.models import Case, CaseStatusChange, Consent
from agenda.integrity.models import (
    RecordOriginBackfill,
    RecordVersion,
    RecordVersionBackfill,
    RecordVersionHead,
)
from agenda.meetings.models import AgendaItem, Meeting, MeetingNote
from agenda.plans.models import SupportPlan
from kasane_shared.backfill import Listed, has_listed, once_per_process, run_listed
from kasane_shared.db import Database
from kasane_shared.errors import KasaneError, problem_response
from kasane_shared.record_origin import TamperedRecord, mac_listed_records
from kasane_shared.record_versions import VersionBook, mark_listed_records

log = logging.getLogger("kasane.agenda")
ACTION = "agenda.record_origin_backfill"
VERSIONS_ACTION = "agenda.record_version_backfill"
SEALED_MODELS: dict[str, Any] = {
    m.__tablename__: m
    for m in (Case, Consent, CaseStatusChange, SupportPlan, Meeting, AgendaItem, MeetingNote)
}
# Sealed tables as the audit log names their records.
TARGET_KINDS = {
    "cases": "case",
    "agenda_items": "agenda_item",
    "plans": "plan",
    "meeting_notes": "meeting_note",
    "case_status_changes": "case_status_change",
    "meetings": "meeting",
    "consents": "consent",
}


def audit_record_failure(
    session: Session,
    table: str,
    record_id: str,
    actor_id: str | None = None,
    check: str = "origin",
    **where: Any,
) -> None:
    """Record in agenda's chain that one sealed record was refused (kind and id only)."""
    log.error("sealed record failed its integrity check: %s %s", table, record_id)
    kind = TARGET_KINDS.get(table, "record")
    record(
        session,
        "agenda.integrity_failure",
        actor_id,
        kind,
        record_id,
        outcome="tampered",
        check=check,
        **where,
    )


def has_origin_backfill(db: Database) -> bool:
    """Whether records listed by migrations 0011 or 0012 wait for their origin MAC or mark."""
    return has_listed(db, RecordOriginBackfill) or has_listed(db, RecordVersionBackfill)


def version_book() -> VersionBook:
    """Where agenda keeps its records' newest versions (set on its database)."""
    return VersionBook(RecordVersion, RecordVersionHead)


def _mac_listed(session: Session, pending: Listed) -> tuple[int, dict[str, int]]:
    return mac_listed_records(session, pending, SEALED_MODELS, audit_record_failure)


def _mark_listed(session: Session, pending: Listed) -> tuple[int, dict[str, int]]:
    return mark_listed_records(session, pending, SEALED_MODELS, audit_record_failure)


def _run(state: Any) -> int:
    """Origins first (migration 0011), then the marks (0012), which need them."""
    anchor_of = getattr(state, "audit_anchor", None) or (lambda _session: None)
    steps = (
        (RecordOriginBackfill, ACTION, _mac_listed),
        (RecordVersionBackfill, VERSIONS_ACTION, _mark_listed),
    )
    return sum(
        run_listed(
            state.db,
            list_model=list_model,
            audit_model=AuditEntry,
            record=record,
            action=action,
            anchor_of=anchor_of,
            apply=apply,
        )
        for list_model, action, apply in steps
    )


def origin_backfill_waiting(state: Any) -> None:
    """Give the records sealed before origins theirs, once per process, before any opens."""
    once_per_process(state, "origin_backfill", _run)


def report_record_failure(db: Database, error: TamperedRecord) -> None:
    """Audit the refusal after the request's transaction was rolled back; a failure to audit
    is logged, never hides the refusal."""
    try:
        with db.session() as session:
            audit_record_failure(session, error.table, error.record_id, check=error.check)
    except KasaneError as failure:
        log.error("could not audit the integrity failure: %s", failure.code)


def install_record_failure_handler(app: FastAPI) -> None:
    """A sealed record that fails its origin check: 409 problem, audited on its own."""

    @app.exception_handler(TamperedRecord)
    async def _tampered(request: Request, error: TamperedRecord) -> JSONResponse:
        await run_in_threadpool(report_record_failure, app.state.db, error)
        return problem_response(request, error)


__all__ = [
    "SEALED_MODELS",
    "audit_record_failure",
    "has_origin_backfill",
    "install_record_failure_handler",
    "origin_backfill_waiting",
    "version_book",
]
