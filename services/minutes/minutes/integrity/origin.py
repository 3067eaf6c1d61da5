"""The minutes' sealed records and their origin MAC: the backfill after migration 0007, and
the audit of a record that fails its origin check (``kasane_shared.record_origin``)."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kasane_shared.backfill import Listed, has_listed, run_listed
from kasane_shared.db import Database
from kasane_shared.errors import KasaneError
from kasane_shared.record_origin import TamperedRecord, mac_listed_records
from kasane_shared.record_versions import VersionBook, mark_listed_records
from minutes.audit import record
from minutes.base import AuditEntry
from minutes.integrity.content import approval_holds, rows_key, version_rows
from minutes.integrity.models import (
    RecordOriginBackfill,
    RecordVersion,
    RecordVersionBackfill,
    RecordVersionHead,
)
from minutes.meeting_minutes.models import (
    CorrectionReason,
    Minutes,
    MinutesComment,
    MinutesItem,
    TaxBlock,
)

log = logging.getLogger("kasane.minutes")
ACTION = "minutes.record_origin_backfill"
VERSIONS_ACTION = "minutes.record_version_backfill"
SEALED_MODELS: dict[str, Any] = {
    m.__tablename__: m for m in (MinutesItem, TaxBlock, MinutesComment, CorrectionReason)
}
TARGET_KINDS = {
    "minutes_items": "minutes_item",
    "tax_blocks": "tax_block",
    "comments": "comment",
    "correction_reasons": "correction_reason",
}


def audit_record_failure(
    session: Session,
    table: str,
    record_id: str,
    actor_id: str | None = None,
    check: str = "origin",
) -> None:
    """Record in the minutes' chain that one sealed record was refused (kind and id only)."""
    log.error("sealed record failed its integrity check: %s %s", table, record_id)
    kind = TARGET_KINDS.get(table, "record")
    record(
        session,
        "minutes.integrity_failure",
        actor_id,
        kind,
        record_id,
        outcome="tampered",
        check=check,
    )


def has_origin_backfill(db: Database) -> bool:
    """Whether records listed by migrations 0007 or 0008 wait for their origin MAC or mark."""
    return has_listed(db, RecordOriginBackfill) or has_listed(db, RecordVersionBackfill)


def version_book() -> VersionBook:
    """Where the minutes keep their records' newest versions (set on their database)."""
    return VersionBook(RecordVersion, RecordVersionHead)


def _unapproved(session: Session) -> set[str]:
    """Items and tax blocks of hashed versions whose content MAC no longer holds: what the
    approval vouched for was changed before the upgrade, so they get no origin."""
    key, bad = rows_key(session), set()
    for minutes in session.scalars(select(Minutes).where(Minutes.content_hash.is_not(None))):
        items, blocks = version_rows(session, minutes)
        if not approval_holds(key, minutes, items, blocks):
            bad |= {i.id for i in items} | set(blocks)
    return bad


def _mac_listed(session: Session, pending: Listed) -> tuple[int, dict[str, int]]:
    bad = _unapproved(session)
    return mac_listed_records(
        session,
        pending,
        SEALED_MODELS,
        audit_record_failure,
        lambda _session, rec: rec.id not in bad,
    )


def _mark_listed(session: Session, pending: Listed) -> tuple[int, dict[str, int]]:
    return mark_listed_records(session, pending, SEALED_MODELS, audit_record_failure)


def backfill_origins(db: Database, anchor_of: Any) -> int:
    """Check and MAC the records migration 0007 listed, then mark those 0008 listed (once
    each); how many got either."""
    steps = (
        (RecordOriginBackfill, ACTION, _mac_listed),
        (RecordVersionBackfill, VERSIONS_ACTION, _mark_listed),
    )
    return sum(
        run_listed(
            db,
            list_model=list_model,
            audit_model=AuditEntry,
            record=record,
            action=action,
            anchor_of=anchor_of,
            apply=apply,
        )
        for list_model, action, apply in steps
    )


def report_record_failure(db: Database, error: TamperedRecord) -> None:
    """Audit the refusal after the request's transaction was rolled back; a failure to audit
    is logged, never hides the refusal."""
    try:
        with db.session() as session:
            audit_record_failure(session, error.table, error.record_id, check=error.check)
    except KasaneError as failure:
        log.error("could not audit the integrity failure: %s", failure.code)


__all__ = [
    "SEALED_MODELS",
    "audit_record_failure",
    "backfill_origins",
    "has_origin_backfill",
    "report_record_failure",
    "version_book",
]
