"""MACs for the entitlement rows that predate them: made once, for the listed rows only.

Migration 0010 cannot reach agenda's keys (identity hands them out), so it lists the
consents and attendees that existed then (``entitlement_row_backfill``). The first request
after a start that holds agenda's keys MACs exactly those, empties the list, and says so in
agenda's keyed audit chain (``agenda.entitlement_backfill``); the once-only rules are
``kasane_shared.backfill``'s. Record origins (migration 0011) follow the same way
(``agenda.integrity.origin``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from agenda.audit import record
from agenda.base import AuditEntry
from agenda.cases.models import Consent
from agenda.integrity.models import EntitlementRowBackfill
from agenda.integrity.origin import origin_backfill_waiting
from agenda.integrity.rows import EntitlementRowMixin, row_mac_of, rows_key
from agenda.meetings.models import Attendee
from kasane_shared.backfill import Listed, has_listed, once_per_process, run_listed
from kasane_shared.db import Database

MODELS: dict[str, type[EntitlementRowMixin]] = {"consents": Consent, "attendees": Attendee}
ACTION = "agenda.entitlement_backfill"


def has_pending(db: Database) -> bool:
    """Whether rows listed by migration 0010 wait for their MAC (checked when the app is built)."""
    return has_listed(db, EntitlementRowBackfill)


def _mac_listed(session: Session, pending: Listed) -> tuple[int, dict[str, int]]:
    key, done = rows_key(session), 0
    for table_name, row_id in pending:
        model = MODELS.get(table_name)
        if model is None:
            continue
        table = model.__table__  # type: ignore[attr-defined]
        row = session.execute(select(table).where(table.c.id == row_id)).mappings().first()
        if row is None or row["row_mac"] is not None:
            continue
        mac = row_mac_of(key, model, row)
        session.execute(update(table).where(table.c.id == row_id).values(row_mac=mac))
        done += 1
    return done, {"count": done}


def backfill_entitlement_rows(db: Database, anchor_of: Callable[[Session], Any]) -> int:
    """MAC the rows migration 0010 listed (once); returns how many got a MAC."""
    return run_listed(
        db,
        list_model=EntitlementRowBackfill,
        audit_model=AuditEntry,
        record=record,
        action=ACTION,
        anchor_of=anchor_of,
        apply=_mac_listed,
    )


def _run(state: Any) -> int:
    anchor_of = getattr(state, "audit_anchor", None) or (lambda _session: None)
    return backfill_entitlement_rows(state.db, anchor_of)


def backfill_waiting(state: Any) -> None:
    """Run the backfills once per process, before the first request reads what they cover."""
    once_per_process(state, "entitlement_backfill", _run)
    origin_backfill_waiting(state)


__all__ = ["backfill_entitlement_rows", "backfill_waiting", "has_pending"]
