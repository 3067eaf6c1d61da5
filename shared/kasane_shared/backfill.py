"""MACs for rows that predate them: made once, for the rows a migration listed, and only then.

A migration cannot reach a service's keys (identity hands them out), so it lists the rows
that exist at the upgrade in a table of (table name, row id). The first request after a
start that holds the service's keys runs the backfill: it refuses when the service's keyed,
anchored audit chain does not verify or already holds a successful run of this backfill
(a list written later by someone who can write the database is a forgery: it is dropped),
otherwise it hands the listed rows to the service's own check-and-MAC step, empties the
list and says so in the chain. A row whose MAC is nulled later is not listed: it never gets
a new one. Agenda's entitlement rows and both services' sealed records use this.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import String, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from kasane_shared.audit import AnchorLike, verify_chain
from kasane_shared.db import Database

log = logging.getLogger("kasane.backfill")
Listed = list[tuple[str, str]]  # (table name, row id)
_lock = threading.Lock()


class BackfillListMixin:
    """A row a migration listed as older than its MAC (the only kind a backfill MACs)."""

    table_name: Mapped[str] = mapped_column(String(32), primary_key=True)
    row_id: Mapped[str] = mapped_column(String(64), primary_key=True)


def has_listed(db: Database, list_model: Any) -> bool:
    """Whether listed rows wait for their MACs (checked when the app is built)."""
    with db.session() as session:
        return session.scalar(select(list_model.row_id).limit(1)) is not None


def _refusal(
    session: Session, audit_model: Any, action: str, anchor: AnchorLike | None
) -> str | None:
    """Why the listed rows may not be MAC'd now (the chain must prove no such run happened)."""
    keys = session.info["kasane_keys"]
    if not verify_chain(session, audit_model, key=keys.key("audit"), anchor=anchor).ok:
        return "audit_chain"
    done = session.scalar(
        select(audit_model.seq)
        .where(audit_model.action == action, audit_model.outcome == "ok")
        .limit(1)
    )
    return "done_before" if done is not None else None


def run_listed(
    db: Database,
    *,
    list_model: Any,
    audit_model: Any,
    record: Callable[..., Any],
    action: str,
    anchor_of: Callable[[Session], Any],
    apply: Callable[[Session, Listed], tuple[int, dict[str, int]]],
) -> int:
    """Run ``apply`` once over the listed rows; returns how many got a MAC (0 when refused).

    ``apply`` checks and MACs the rows; it returns that number and the counts for the audit
    entry. No keys: ``keys_unavailable`` (503) stands, and the next request retries.
    """
    with db.session() as session:
        listed = session.execute(select(list_model.table_name, list_model.row_id))
        pending = [(table_name, row_id) for table_name, row_id in listed]
        if not pending:
            return 0
        session.info["kasane_keys"].key("rows")  # no keys: 503 before anything is written
        reason = _refusal(session, audit_model, action, anchor_of(session))
        if reason is not None:
            log.error("%s refused: %s (%d listed)", action, reason, len(pending))
            record(session, action, None, outcome="refused", reason=reason, count=len(pending))
            if reason == "done_before":
                session.execute(delete(list_model))  # a forged list: nothing kept
            return 0
        done, counts = apply(session, pending)
        session.execute(delete(list_model))
        record(session, action, None, listed=len(pending), **counts)
    return done


def once_per_process(state: Any, flag: str, run: Callable[[Any], int]) -> None:
    """Run a backfill the first time a request needs it (``state.<flag>`` set at start)."""
    if not getattr(state, flag, False):
        return
    with _lock:
        if not getattr(state, flag):
            return
        done = run(state)
        setattr(state, flag, False)
        anchorer = getattr(state.db, "anchorer", None)
        if done and anchorer is not None:
            anchorer.flush()  # anchor the backfill's entry now, not seconds later
        log.info("%s: %d rows got their MACs", flag, done)


__all__ = ["BackfillListMixin", "Listed", "has_listed", "once_per_process", "run_listed"]
