"""The append-only, hash-chained audit log (trust rule 6).

Each service keeps its own chain in its own database (no service reads another's tables);
``kasane audit verify`` walks every chain. An entry's hash covers its content and the
previous entry's hash, so an edited, deleted or reordered entry breaks the chain from there.
Details must never hold case content: ids, codes and counts only.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from kasane_shared.db import write_lock

GENESIS = "0" * 64


class AuditEntryMixin:
    """Columns of an audit entry; each service maps it to its own ``audit_log`` table."""

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    recorded_at: Mapped[str] = mapped_column(String(32), index=True)
    actor_id: Mapped[str | None] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    target_type: Mapped[str | None] = mapped_column(String(32))
    target_id: Mapped[str | None] = mapped_column(String(64), index=True)
    outcome: Mapped[str] = mapped_column(String(16))
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64), unique=True)


def _canonical(entry: AuditEntryMixin) -> bytes:
    fields = {
        "seq": entry.seq,
        "recorded_at": entry.recorded_at,
        "actor_id": entry.actor_id,
        "action": entry.action,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "outcome": entry.outcome,
        "details": entry.details,
        "prev_hash": entry.prev_hash,
    }
    return json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def entry_hash(entry: AuditEntryMixin) -> str:
    """SHA-256 over the entry's canonical JSON (which includes the previous hash)."""
    return hashlib.sha256(_canonical(entry)).hexdigest()


def _lock_chain(session: Session) -> None:
    # Serialize appends for the rest of this transaction, so two writers never read the
    # same head: PostgreSQL by an advisory lock (across replicas), SQLite by its write lock
    # (a transaction there locks only at its first write, see sqlite_tx).
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(4242001)"))
    else:
        write_lock(session)


def append(
    session: Session,
    model: type[AuditEntryMixin],
    *,
    action: str,
    actor_id: str | None,
    target_type: str | None = None,
    target_id: str | None = None,
    outcome: str = "ok",
    details: dict[str, Any] | None = None,
) -> AuditEntryMixin:
    """Append one entry to the service's chain, in the caller's transaction."""
    _lock_chain(session)
    head = session.execute(
        select(model.seq, model.entry_hash).order_by(model.seq.desc()).limit(1)
    ).first()
    entry = model(
        seq=(head.seq + 1) if head else 1,
        recorded_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        actor_id=actor_id,
        action=action,
        target_type=target_type,
        target_id=target_id,
        outcome=outcome,
        details=details or {},
        prev_hash=head.entry_hash if head else GENESIS,
    )
    entry.entry_hash = entry_hash(entry)
    session.add(entry)
    session.flush()
    return entry


class Recorder:
    """A service's one-line way to write its own chain: ``record(session, action, actor, ...)``."""

    def __init__(self, model: type[AuditEntryMixin]) -> None:
        self.model = model

    def __call__(
        self,
        session: Session,
        action: str,
        actor_id: str | None,
        target_type: str | None = None,
        target_id: str | None = None,
        *,
        outcome: str = "ok",
        **details: Any,
    ) -> None:
        """Append an event (ids and codes only, never content)."""
        append(
            session,
            self.model,
            action=action,
            actor_id=actor_id,
            target_type=target_type,
            target_id=target_id,
            outcome=outcome,
            details=details,
        )


@dataclass(frozen=True)
class ChainReport:
    """The result of walking one chain."""

    entries: int
    ok: bool
    broken_at: int | None = None
    reason: str | None = None


def verify_chain(session: Session, model: type[AuditEntryMixin], batch: int = 2000) -> ChainReport:
    """Walk the chain in order and report the first entry that does not fit."""
    prev, expected_seq, count = GENESIS, 1, 0
    last_seq = 0
    while True:
        rows = session.scalars(
            select(model).where(model.seq > last_seq).order_by(model.seq).limit(batch)
        ).all()
        if not rows:
            return ChainReport(count, True)
        for entry in rows:
            if entry.seq != expected_seq:
                return ChainReport(count, False, expected_seq, "missing entry")
            if entry.prev_hash != prev:
                return ChainReport(count, False, entry.seq, "previous hash does not match")
            if entry_hash(entry) != entry.entry_hash:
                return ChainReport(count, False, entry.seq, "entry altered")
            prev, expected_seq, count, last_seq = (
                entry.entry_hash,
                expected_seq + 1,
                count + 1,
                entry.seq,
            )
        session.expunge_all()


__all__ = ["AuditEntryMixin", "ChainReport", "Recorder", "append", "entry_hash", "verify_chain"]
