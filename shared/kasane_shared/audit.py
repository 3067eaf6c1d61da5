"""The append-only, keyed, hash-chained audit log (trust rule 6).

Each service keeps its own chain in its own database (no service reads another's tables);
``kasane audit verify`` walks every chain. An entry's hash covers its content and the
previous entry's hash, so an edited, deleted or reordered entry breaks the chain from there;
its MAC (HMAC-SHA256 under the service's audit key, which no database holds) makes a chain
rewritten and recomputed from some entry on fail too. The newest head is anchored outside
the service's database (see ``audit_anchor``), so deleting the newest entries fails as well.
Entries written before the chain was keyed have no MAC; they are covered by the MAC of the
first keyed entry, whose hash chains over them. Details must never hold case content: ids,
codes and counts only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import JSON, Integer, String, event, func, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from kasane_shared.crypto.digests import sha256_hex
from kasane_shared.db import write_lock
from kasane_shared.integrity import keys_unavailable, mac, mac_matches

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
    entry_mac: Mapped[str | None] = mapped_column(String(64))


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
    return sha256_hex(_canonical(entry))


ENTRY_MAC_LABEL = "kasane/v1/audit-entry"


def entry_mac(key: bytes, entry: AuditEntryMixin) -> str:
    """The entry's MAC: HMAC-SHA256 under the service's audit key over its chained hash."""
    return mac(key, ENTRY_MAC_LABEL, entry.entry_hash)


def _audit_key(session: Session) -> bytes:
    keys = session.info.get("kasane_keys")
    if keys is None:
        raise keys_unavailable()  # never write an unkeyed entry in a keyed chain
    return keys.key("audit")


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
    key = _audit_key(session)
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
    entry.entry_mac = entry_mac(key, entry)
    session.add(entry)
    session.flush()
    # The head to anchor once this transaction commits (see Database.session).
    session.info["audit_head"] = (entry.seq, entry.entry_hash)
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
        """Record an event (ids and codes only, never content), appended when the unit commits."""
        entry = {
            "action": action,
            "actor_id": actor_id,
            "target_type": target_type,
            "target_id": target_id,
            "outcome": outcome,
            "details": details,
        }
        session.connection()  # begun now, so that a rollback before the commit forgets it
        session.info.setdefault(_PENDING, []).append((self.model, entry))


# Entries recorded in a unit of work wait here until it commits. Appending takes the chain's
# lock (on SQLite the database's write lock), so a view that only reads would otherwise hold
# every other writer off from its audit line until its response had been built and its
# session closed, across thread hops that stretch under load; appended at commit, the lock
# is held for the append and the commit alone. A rollback forgets them with the rest.
_PENDING = "kasane_audit_pending"


@event.listens_for(Session, "before_commit")
def _append_pending(session: Session) -> None:
    for model, entry in session.info.pop(_PENDING, []):
        append(session, model, **entry)


@event.listens_for(Session, "after_soft_rollback")
def _forget_pending(session: Session, previous: Any) -> None:
    # Every rollback of the unit (even one that found nothing to roll back in the database);
    # services take no savepoints, so a rollback always ends the unit's own transaction.
    if previous.parent is None:
        session.info.pop(_PENDING, None)


@dataclass(frozen=True)
class ChainReport:
    """The result of walking one chain."""

    entries: int
    ok: bool
    broken_at: int | None = None
    reason: str | None = None
    keyed: bool = False
    anchored_seq: int | None = None


class AnchorLike(Protocol):
    """What verification needs of an anchor: the head it vouches for."""

    seq: int
    entry_hash: str
    keyed_from: int | None


@dataclass
class _Walk:
    key: bytes | None
    anchor: AnchorLike | None
    prev: str = GENESIS
    expected_seq: int = 1
    count: int = 0
    first_keyed: int | None = None

    def check(self, entry: AuditEntryMixin) -> str | None:
        """Why this entry does not fit the chain, or None."""
        if entry.seq != self.expected_seq:
            return "missing entry"
        if entry.prev_hash != self.prev:
            return "previous hash does not match"
        if entry_hash(entry) != entry.entry_hash:
            return "entry altered"
        if self.key is not None:
            reason = self._check_mac(entry)
            if reason:
                return reason
        anchor = self.anchor
        if anchor is not None and entry.seq == anchor.seq and entry.entry_hash != anchor.entry_hash:
            return "entry differs from the anchored head"
        self.prev, self.expected_seq = entry.entry_hash, self.expected_seq + 1
        self.count += 1
        return None

    def _check_mac(self, entry: AuditEntryMixin) -> str | None:
        assert self.key is not None
        if entry.entry_mac is None:
            keyed_from = self.anchor.keyed_from if self.anchor is not None else None
            if self.first_keyed is not None or (keyed_from and entry.seq >= keyed_from):
                return "entry MAC missing"
            return None
        if not mac_matches(self.key, entry.entry_mac, ENTRY_MAC_LABEL, entry.entry_hash):
            return "entry MAC does not verify (altered or recomputed)"
        self.first_keyed = self.first_keyed or entry.seq
        return None


def verify_chain(
    session: Session,
    model: type[AuditEntryMixin],
    batch: int = 2000,
    *,
    key: bytes | None = None,
    anchor: AnchorLike | None = None,
) -> ChainReport:
    """Walk the chain in order and report the first entry that does not fit.

    With ``key`` every keyed entry's MAC is checked; with ``anchor`` the chain must reach
    the anchored head and hold it unchanged (entries deleted up to it are found).
    """
    walk = _Walk(key, anchor)
    anchored = anchor.seq if anchor is not None else None
    last_seq = 0
    while True:
        rows = session.scalars(
            select(model).where(model.seq > last_seq).order_by(model.seq).limit(batch)
        ).all()
        if not rows:
            break
        for entry in rows:
            reason = walk.check(entry)
            if reason:
                return ChainReport(walk.count, False, entry.seq, reason, key is not None, anchored)
            last_seq = entry.seq
        session.expunge_all()
    if anchor is not None and last_seq < anchor.seq:
        reason = f"entries {last_seq + 1}..{anchor.seq} are missing (the log was cut short)"
        return ChainReport(walk.count, False, last_seq + 1, reason, key is not None, anchored)
    return ChainReport(walk.count, True, keyed=key is not None, anchored_seq=anchored)


def first_keyed_seq(session: Session, model: type[AuditEntryMixin]) -> int | None:
    """The first entry that carries a MAC (older ones predate the keyed chain)."""
    return session.scalar(select(func.min(model.seq)).where(model.entry_mac.is_not(None)))


__all__ = [
    "AnchorLike",
    "AuditEntryMixin",
    "ChainReport",
    "Recorder",
    "append",
    "entry_hash",
    "entry_mac",
    "first_keyed_seq",
    "verify_chain",
]
