"""MACs for the entitlement rows that predate them: made once, for the listed rows only.

Migration 0010 cannot reach agenda's keys (identity hands them out), so it lists the
consents and attendees that existed then (``entitlement_row_backfill``). The first request
after a start that holds agenda's keys MACs exactly those, empties the list, and says so in
agenda's keyed audit chain (``agenda.entitlement_backfill``). Nulling a MAC later gets no
new one: the row is not listed; and a list written later is refused, because the chain
already holds a backfill (an attacker cannot remove that entry: it is MAC'd, chained and
anchored at identity).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from agenda.audit import record
from agenda.base import AuditEntry
from agenda.cases.models import Consent
from agenda.integrity.models import EntitlementRowBackfill
from agenda.integrity.rows import EntitlementRowMixin, row_mac_of, rows_key
from agenda.meetings.models import Attendee
from kasane_shared.audit import AnchorLike, verify_chain
from kasane_shared.db import Database

log = logging.getLogger("kasane.agenda")
MODELS: dict[str, type[EntitlementRowMixin]] = {"consents": Consent, "attendees": Attendee}
ACTION = "agenda.entitlement_backfill"
_lock = threading.Lock()


def has_pending(db: Database) -> bool:
    """Whether rows listed by migration 0010 wait for their MAC (checked when the app is built)."""
    with db.session() as session:
        return bool(session.scalar(select(func.count()).select_from(EntitlementRowBackfill)))


def _refusal(session: Session, anchor: AnchorLike | None) -> str | None:
    """Why the listed rows may not be MAC'd now (the chain must prove no backfill ran)."""
    keys = session.info["kasane_keys"]
    report = verify_chain(session, AuditEntry, key=keys.key("audit"), anchor=anchor)
    if not report.ok:
        return "audit_chain"
    done = session.scalar(
        select(AuditEntry.seq)
        .where(AuditEntry.action == ACTION, AuditEntry.outcome == "ok")
        .limit(1)
    )
    return "done_before" if done is not None else None


def backfill_entitlement_rows(db: Database, anchor_of: Callable[[Session], Any]) -> int:
    """MAC the rows migration 0010 listed (once); returns how many got a MAC."""
    with db.session() as session:
        listed = session.execute(
            select(EntitlementRowBackfill.table_name, EntitlementRowBackfill.row_id)
        )
        pending = [(table_name, row_id) for table_name, row_id in listed]
        if not pending:
            return 0
        key = rows_key(session)  # no keys: 503, and the next request tries again
        reason = _refusal(session, anchor_of(session))
        if reason is not None:
            log.error("entitlement rows not backfilled: %s (%d listed)", reason, len(pending))
            record(session, ACTION, None, outcome="refused", reason=reason, count=len(pending))
            if reason == "done_before":
                session.execute(delete(EntitlementRowBackfill))  # a forged list: nothing kept
            return 0
        done = 0
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
        session.execute(delete(EntitlementRowBackfill))
        record(session, ACTION, None, count=done, listed=len(pending))
    return done


def backfill_waiting(state: Any) -> None:
    """Run the backfill once per process, before the first request reads an entitlement row."""
    if not getattr(state, "entitlement_backfill", False):
        return
    with _lock:
        if not state.entitlement_backfill:
            return
        anchor_of = getattr(state, "audit_anchor", None) or (lambda _session: None)
        done = backfill_entitlement_rows(state.db, anchor_of)
        state.entitlement_backfill = False
        if done and state.db.anchorer is not None:
            state.db.anchorer.flush()  # anchor the backfill's entry now, not seconds later
        log.info("gave %d consents and attendees older than their MACs a MAC", done)


__all__ = ["backfill_entitlement_rows", "backfill_waiting", "has_pending"]
