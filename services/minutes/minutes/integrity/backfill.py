"""MACs for the minutes hashed before they had MACs: made once, for the listed versions only.

Migration 0006_minutes_content_macs cannot reach the minutes' keys (identity hands them
over), so it lists the versions that carried an unkeyed content or check hash then
(``minutes_integrity_backfill``). The first request after a start (``ensure_backfilled``)
checks each listed hash against what is stored, replaces it by its MAC, empties the list
and says so in the minutes' keyed audit chain (``minutes.integrity_backfill``). A version
that is not listed (its MAC nulled later) never gets one; and a list written later is
refused, because the chain, anchored at identity, already holds a backfill. A listed hash
that does not match what is stored is refused and audited (``minutes.integrity_failure``).
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from typing import Any

from fastapi import Request
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from kasane_shared.audit import verify_chain
from kasane_shared.backfill import once_per_process
from kasane_shared.crypto.digests import sha256_hex
from kasane_shared.db import Database
from minutes.audit import record
from minutes.base import AuditEntry
from minutes.integrity.content import approved_mac, checked_mac, rows_key, version_rows
from minutes.integrity.models import IntegrityBackfill
from minutes.integrity.origin import backfill_origins
from minutes.meeting_minutes.models import Minutes, MinutesItem, TaxBlock

log = logging.getLogger("kasane.minutes")
_lock = threading.Lock()


def legacy_hash(minutes: Minutes, items: list[MinutesItem], blocks: dict[str, TaxBlock]) -> str:
    """The unkeyed SHA-256 the minutes stored before 0006 (only ever compared, never stored)."""
    document = {
        "meeting_id": minutes.meeting_id,
        "version": minutes.version,
        "kind": minutes.conference_kind,
        "attendance": sorted(minutes.attendance),
        "next_meeting_at": minutes.next_meeting_at.isoformat() if minutes.next_meeting_at else None,
        "items": [
            {
                "agenda_item_id": i.agenda_item_id,
                "position": i.position,
                "purpose": i.purpose,
                "sealed": i.sealed_fields,
                "tax": {
                    path: blocks[b].sealed_fields if b in blocks else None
                    for path, b in sorted((i.tax_blocks or {}).items())
                },
            }
            for i in items
        ],
    }
    text = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return sha256_hex(text.encode())


def has_backfill(db: Database) -> bool:
    """Whether versions wait for their MACs (checked once when the app is built)."""
    with db.session() as session:
        return bool(session.scalar(select(func.count()).select_from(IntegrityBackfill)))


def _refusal(session: Session, db: Database, anchor: Any) -> str | None:
    """Why the listed versions may not be MAC'd now (the chain must prove no backfill ran)."""
    report = verify_chain(session, AuditEntry, key=db.keys.key("audit"), anchor=anchor)
    if not report.ok:
        return "audit_chain"
    done = session.scalar(
        select(AuditEntry.seq)
        .where(AuditEntry.action == "minutes.integrity_backfill", AuditEntry.outcome == "ok")
        .limit(1)
    )
    return "done_before" if done is not None else None


def backfill_minutes(db: Database, anchor_of: Callable[[Session], Any]) -> int:
    """MAC the hashes of the versions migration 0006 listed (once); how many got a MAC."""
    with db.session() as session:
        listed = session.execute(select(IntegrityBackfill.table_name, IntegrityBackfill.row_id))
        pending = [row_id for table_name, row_id in listed if table_name == "minutes"]
        if not pending:
            session.execute(delete(IntegrityBackfill))
            return 0
        reason = _refusal(session, db, anchor_of(session))
        if reason is not None:
            log.error("minutes not backfilled: %s (%d listed)", reason, len(pending))
            record(
                session,
                "minutes.integrity_backfill",
                None,
                outcome="refused",
                reason=reason,
                count=len(pending),
            )
            if reason == "done_before":
                session.execute(delete(IntegrityBackfill))  # a forged list: nothing to keep
            return 0
        done, refused = _backfill(session, pending)
        session.execute(delete(IntegrityBackfill))
        record(session, "minutes.integrity_backfill", None, count=done, refused=refused)
    return done


def _backfill(session: Session, pending: list[str]) -> tuple[int, int]:
    """Replace each listed hash that matches the stored content by its MAC; audit the rest."""
    key, done, refused = rows_key(session), 0, 0
    for minutes in session.scalars(select(Minutes).where(Minutes.id.in_(pending))):
        items, blocks = version_rows(session, minutes)
        legacy = legacy_hash(minutes, items, blocks)
        if minutes.checked_hash:  # a stale check only asks for a new one
            matches = minutes.checked_hash == legacy
            minutes.checked_hash = checked_mac(key, minutes, items, blocks) if matches else None
        if not minutes.content_hash:
            continue
        if minutes.content_hash != legacy:
            log.error("minutes refused at backfill: %s", minutes.id)
            record(
                session,
                "minutes.integrity_failure",
                None,
                "minutes",
                minutes.id,
                outcome="tampered",
            )
            refused += 1
            continue
        minutes.content_hash = approved_mac(key, minutes, items, blocks)
        done += 1
    return done, refused


def ensure_backfilled(request: Request) -> None:
    """Run the backfills once per process, before the first request that reads the minutes
    (content MACs first: the origin backfill checks approved versions by them)."""
    state = request.app.state
    if getattr(state, "integrity_backfill", False):
        with _lock:
            if state.integrity_backfill:
                # Keys or identity out of reach: the error stands (nothing can be verified
                # anyway) and the next request tries again.
                done = backfill_minutes(state.db, state.audit_anchor)
                state.integrity_backfill = False
                log.info("gave %d approved minutes their MACs", done)
    once_per_process(state, "origin_backfill", lambda s: backfill_origins(s.db, s.audit_anchor))


__all__ = ["backfill_minutes", "ensure_backfilled", "has_backfill", "legacy_hash"]
