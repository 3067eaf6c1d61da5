"""Monotonic record versions: a restored older row with its wraps is refused, not shown.

An older version of a sealed record carries a genuine origin MAC (its service made it), so
the MAC alone cannot tell it from the current one. Each service therefore keeps a high-water
mark per record, (table, record id) → seal version, in ``record_versions``, vouched for as a
whole by one head row (``record_version_head``): a sequence number that grows with every
change, the number of entries, and a keyed sum of the entries (each entry's HMAC under the
service's rows key, added modulo 2**256, so a change updates the sum without reading the
set), all MAC'd. Nobody without the key can make a head for a set they chose.

A process reads the set once (checking every entry against the head), keeps it in memory
and then reads only the head row per request: an unchanged head means the set it holds is
current; a head moved forward (another replica wrote) is read and checked again; a head
moved backwards (an older copy of the table put back) or one that fails its MAC refuses
every open. An open is refused (``TamperedRecord``, audited) when the record's version is
not its mark. The service's own writes move the mark in ``before_flush``; a write that
would not move it forward is refused.

Not covered: an older copy of both tables put back, consistently, while no process of the
service runs (README's threat model says so).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Integer, String, event, insert, inspect, select, text, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, Session, mapped_column

from kasane_shared.db import write_lock
from kasane_shared.errors import KasaneError
from kasane_shared.integrity import mac, mac_matches
from kasane_shared.record_origin import origin_holds, service_keys, tampered_record
from kasane_shared.sealing import SealedRecordMixin

ENTRY_LABEL = "kasane/v1/record-version"
HEAD_LABEL = "kasane/v1/record-version-head"
MODULUS = 2**256
Mark = tuple[str, str]  # table, record id


class RecordVersionMixin:
    """The newest seal version of one sealed record (its high-water mark)."""

    record_table: Mapped[str] = mapped_column(String(32), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)


class RecordVersionHeadMixin:
    """The one row that vouches for every mark: sequence, count, keyed sum, MAC."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer)
    count: Mapped[int] = mapped_column(Integer)
    total: Mapped[str] = mapped_column(String(64))
    mac: Mapped[str] = mapped_column(String(64))


def versions_tampered() -> KasaneError:
    """The marks themselves failed their check: no sealed record is opened (409)."""
    return KasaneError(
        409,
        "integrity_failure",
        "記録の版の情報の整合性を確認できないため、記録を表示できません。"
        "管理者に連絡してください。",
        "The stored record versions failed their integrity check; no record is shown. "
        "Contact an administrator.",
    )


def mark_value(key: bytes, mark: Mark, version: int) -> int:
    """One mark's share of the keyed sum: its HMAC as a 256-bit number."""
    return int(mac(key, ENTRY_LABEL, mark[0], mark[1], version), 16)


def head_mac(key: bytes, seq: int, count: int, total: int) -> str:
    """The head's MAC over its sequence, the number of marks and their keyed sum."""
    return mac(key, HEAD_LABEL, seq, count, f"{total:064x}")


@dataclass
class _State:
    seq: int = 0
    head_mac: str | None = None
    total: int = 0
    marks: dict[Mark, int] = field(default_factory=dict)


class VersionBook:
    """One service's marks as this process last verified them (set on its ``Database``)."""

    def __init__(self, entry_model: Any, head_model: Any) -> None:
        self.entry_model, self.head_model = entry_model, head_model
        self._lock = threading.Lock()
        self._state: _State | None = None

    def _head(self, session: Session) -> Any:
        query = select(self.head_model).where(self.head_model.id == 1)
        return session.execute(query).scalars().first()

    def _load(self, session: Session, key: bytes, head: Any) -> _State:
        """Read every mark and check it against the head (or an empty set without a head)."""
        rows = session.execute(
            select(
                self.entry_model.record_table,
                self.entry_model.record_id,
                self.entry_model.version,
            )
        ).all()
        marks = {(t, r): v for t, r, v in rows}
        if head is None:
            if marks:
                raise versions_tampered()
            return _State()
        total = sum(mark_value(key, m, v) for m, v in marks.items()) % MODULUS
        parts = (head.seq, head.count, f"{total:064x}")
        if head.total != f"{total:064x}" or head.count != len(marks):
            raise versions_tampered()
        if not mac_matches(key, head.mac, HEAD_LABEL, *parts):
            raise versions_tampered()
        return _State(head.seq, head.mac, total, marks)

    def current(self, session: Session, key: bytes) -> _State:
        """The marks as the database holds them now, checked; never older than seen before."""
        head = self._head(session)
        with self._lock:
            known = self._state
            if known is not None and head is not None and head.seq == known.seq:
                if head.mac != known.head_mac:
                    raise versions_tampered()
                return known
            if known is not None and (head is None or head.seq < known.seq) and known.seq:
                if not self._snapshot_behind(session, known.seq):
                    raise versions_tampered()  # the head went backwards: an older copy
                # This transaction reads an older snapshot (SQLite): its own marks, uncached.
                return self._load(session, key, head)
            state = self._load(session, key, head)
            self._state = state
            return state

    def _snapshot_behind(self, session: Session, seq: int) -> bool:
        """Whether the database, read afresh outside this transaction, holds ``seq`` or newer
        (a SQLite read transaction keeps the snapshot of its first read)."""
        bind = session.get_bind()
        if not isinstance(bind, Engine):
            return False
        with bind.connect() as connection:
            table = self.head_model.__table__
            fresh = connection.execute(select(table.c.seq).where(table.c.id == 1)).scalar()
        return fresh is not None and fresh >= seq

    def adopt(self, state: _State) -> None:
        """After a commit: what this process wrote, unless it holds a newer state already.

        Never None: a process that forgot what it saw would accept an older copy of both
        tables put back consistently."""
        with self._lock:
            if self._state is None or state.seq >= self._state.seq:
                self._state = state

    def restore(self, before: _State) -> None:
        """After a rollback: back to the committed state the transaction started from (its
        reads may have cached marks that were never committed)."""
        with self._lock:
            if self._state is None or self._state.seq >= before.seq:
                self._state = before

    def forget(self) -> None:
        """Drop the cached marks (tests that rewrite the tables; a rolled-back write)."""
        with self._lock:
            self._state = None


def _book(session: Session) -> VersionBook | None:
    return session.info.get("kasane_versions")


def _key(session: Session) -> bytes:
    return service_keys(session).key("rows")  # type: ignore[no-any-return]


class Marks:
    """The marks read once for many checks of one request (the head read at the first)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._state: _State | None = None

    def holds(self, record: Any) -> bool:
        """Whether the record's seal version is its mark (a record without content passes)."""
        book = _book(self.session)
        if book is None or not record.sealed_fields:
            return True
        if self._state is None:
            self._state = book.current(self.session, _key(self.session))
        return self._state.marks.get((record.__tablename__, record.id)) == record.seal_version


def check_version(session: Session, record: Any) -> bool:
    """Whether the record's seal version is its mark (a record without content passes)."""
    return Marks(session).holds(record)


def verify_version(session: Session, record: Any, marks: Marks | None = None) -> None:
    """Refuse (``TamperedRecord``) a record that is not at its newest version (``marks``: as
    read once for this request)."""
    if not (marks or Marks(session)).holds(record):
        raise tampered_record(record.__tablename__, record.id, "version")


def failed_check(session: Session, record: Any) -> str | None:
    """Which check a sealed record fails before it may be opened ("origin", then "version")."""
    return failed_checks(session, [record]).get(record.id)


def failed_checks(session: Session, records: Sequence[Any]) -> dict[str, str]:
    """``failed_check`` for many records, the marks' head read once: {record id: check}."""
    failed: dict[str, str] = {}
    marks = Marks(session)  # one read of the head for the whole batch, as of this moment
    for record in records:
        if not record.sealed_fields:
            continue
        if not origin_holds(session, record):
            failed[record.id] = "origin"
        elif not marks.holds(record):
            failed[record.id] = "version"
    return failed


@dataclass
class _Pending:
    before: _State
    state: _State


def _pending(session: Session, book: VersionBook, key: bytes) -> _Pending:
    """This transaction's copy of the marks, taken under the head row's lock."""
    pending = session.info.get("kasane_versions_tx")
    if pending is None:
        # One writer of the marks at a time, across replicas, for the rest of the transaction
        # (as the audit chain's head): two writers never start from the same head.
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(4242002)"))
        else:
            write_lock(session)
        known = book.current(session, key)
        copy = _State(known.seq, known.head_mac, known.total, dict(known.marks))
        pending = session.info["kasane_versions_tx"] = _Pending(known, copy)
    return pending  # type: ignore[no-any-return]


def set_mark(session: Session, table: str, record_id: str, version: int) -> None:
    """Move one record's mark forward (refused when it would not move forward)."""
    book = _book(session)
    if book is None:
        return
    key = _key(session)
    state = _pending(session, book, key).state
    mark = (table, record_id)
    old = state.marks.get(mark)
    if old is not None and version <= old:
        if version == old:
            return
        raise tampered_record(table, record_id, "version")
    connection, entries = session.connection(), book.entry_model.__table__
    if old is None:
        connection.execute(
            insert(entries).values(record_table=table, record_id=record_id, version=version)
        )
        state.total = (state.total + mark_value(key, mark, version)) % MODULUS
    else:
        connection.execute(
            update(entries)
            .where(entries.c.record_table == table, entries.c.record_id == record_id)
            .values(version=version)
        )
        state.total = (
            state.total - mark_value(key, mark, old) + mark_value(key, mark, version)
        ) % MODULUS
    state.marks[mark] = version
    state.seq += 1
    state.head_mac = head_mac(key, state.seq, len(state.marks), state.total)
    values = {
        "seq": state.seq,
        "count": len(state.marks),
        "total": f"{state.total:064x}",
        "mac": state.head_mac,
    }
    heads = book.head_model.__table__
    if state.seq == 1:
        connection.execute(insert(heads).values(id=1, **values))
    else:
        connection.execute(update(heads).where(heads.c.id == 1).values(**values))


def mark_listed_records(
    session: Session,
    pending: list[tuple[str, str]],
    models: dict[str, Any],
    refuse: Callable[[Session, str, str], None],
) -> tuple[int, dict[str, int]]:
    """The backfill step for records sealed before marks: each listed record with content
    whose origin holds gets a mark at its stored version; the others are refused (audited)."""
    done = refused = 0
    for table_name, row_id in pending:
        model = models.get(table_name)
        record = session.get(model, row_id) if model is not None else None
        if record is None or not record.sealed_fields:
            continue
        if origin_holds(session, record):
            set_mark(session, table_name, row_id, record.seal_version)
            done += 1
        else:
            refuse(session, table_name, row_id)
            refused += 1
    return done, {"count": done, "refused": refused}


def _sealed_changed(record: Any) -> bool:
    """A new version, or content sealed into a row that had none (the mark is set once)."""
    attrs = inspect(record).attrs
    return any(attrs[name].history.has_changes() for name in ("seal_version", "sealed_fields"))


@event.listens_for(Session, "before_flush")
def _mark_sealed_records(session: Session, _context: Any, _instances: Any) -> None:
    """Move the marks of the records this flush seals at a new version."""
    if _book(session) is None:
        return
    new = [r for r in session.new if isinstance(r, SealedRecordMixin) and r.sealed_fields]
    changed = [
        r
        for r in session.dirty
        if isinstance(r, SealedRecordMixin) and r.sealed_fields and _sealed_changed(r)
    ]
    for record in (*new, *changed):
        set_mark(session, record.__tablename__, record.id, record.seal_version or 1)


@event.listens_for(Session, "after_commit")
def _adopt(session: Session) -> None:
    pending = session.info.pop("kasane_versions_tx", None)
    book = _book(session)
    if pending is not None and book is not None:
        book.adopt(pending.state)


@event.listens_for(Session, "after_rollback")
def _drop(session: Session) -> None:
    pending = session.info.pop("kasane_versions_tx", None)
    book = _book(session)
    if pending is not None and book is not None:
        book.restore(pending.before)


__all__ = [
    "MODULUS",
    "Marks",
    "head_mac",
    "mark_value",
    "RecordVersionHeadMixin",
    "RecordVersionMixin",
    "VersionBook",
    "check_version",
    "failed_check",
    "failed_checks",
    "mark_listed_records",
    "set_mark",
    "verify_version",
    "versions_tampered",
]
