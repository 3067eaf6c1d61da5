"""The keyed, hash-chained audit log: any edit, deletion, reordering or recomputation is found."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import delete, func, select, update

from identity.base import AuditEntry
from kasane_shared import audit
from kasane_shared.audit_anchor import Anchor
from kasane_shared.integrity import PURPOSES, ServiceKeys

KEYS = {purpose: os.urandom(32) for purpose in PURPOSES}


@pytest.fixture
def chain(dbs):
    db = dbs["identity"]
    db.keys = ServiceKeys.fixed("identity", KEYS)
    with db.session() as session:
        for n in range(5):
            audit.append(
                session,
                AuditEntry,
                action="test.event",
                actor_id=f"m{n}",
                target_type="thing",
                target_id=str(n),
                details={"n": n},
            )
    return db


def _verify(db, anchor=None):
    with db.session() as session:
        return audit.verify_chain(session, AuditEntry, key=KEYS["audit"], anchor=anchor)


def _head(db) -> Anchor:
    with db.session() as session:
        row = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)).one()
        return Anchor("identity", row.seq, row.entry_hash, 1, "2026-12-01T00:00:00.000000Z")


def test_intact_chain_verifies(chain):
    report = _verify(chain, _head(chain))
    assert report.ok and report.entries == 5 and report.keyed and report.anchored_seq == 5


def test_entries_link_to_previous(chain):
    with chain.session() as session:
        rows = session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
    assert rows[0].prev_hash == audit.GENESIS
    assert all(later.prev_hash == earlier.entry_hash for earlier, later in zip(rows, rows[1:]))


@pytest.mark.parametrize(
    "tamper,reason",
    [
        (update(AuditEntry).where(AuditEntry.seq == 3).values(details={"n": 99}), "entry altered"),
        (
            update(AuditEntry).where(AuditEntry.seq == 2).values(actor_id="someone-else"),
            "entry altered",
        ),
        (delete(AuditEntry).where(AuditEntry.seq == 3), "missing entry"),
        (
            update(AuditEntry).where(AuditEntry.seq == 4).values(prev_hash="f" * 64),
            "previous hash does not match",
        ),
    ],
    ids=["details-edited", "actor-edited", "entry-deleted", "relinked"],
)
def test_tampering_is_found(chain, tamper, reason):
    with chain.session() as session:
        session.execute(tamper)
    report = _verify(chain)
    assert not report.ok and report.reason == reason


def test_rehashed_edit_still_breaks_the_next_link(chain):
    with chain.session() as session:
        row = session.get(AuditEntry, 2)
        row.details = {"n": 42}
        row.entry_hash = audit.entry_hash(row)
    report = _verify(chain)
    assert not report.ok and report.broken_at == 2  # its MAC no longer fits its new hash


def _recompute_from(session, seq: int) -> None:
    """What a database writer can do: re-chain every later entry with plain SHA-256."""
    prev = session.get(AuditEntry, seq - 1).entry_hash if seq > 1 else audit.GENESIS
    for row in session.scalars(
        select(AuditEntry).where(AuditEntry.seq >= seq).order_by(AuditEntry.seq)
    ):
        row.prev_hash = prev
        row.entry_hash = prev = audit.entry_hash(row)


def test_rewritten_and_recomputed_chain_fails(chain):
    """Finding 5: an edit with every later hash recomputed no longer passes."""
    with chain.session() as session:
        session.get(AuditEntry, 2).details = {"n": 42}
        _recompute_from(session, 2)
    report = _verify(chain)
    assert not report.ok and report.broken_at == 2 and "MAC" in report.reason


def test_stripped_macs_fail(chain):
    with chain.session() as session:
        session.execute(update(AuditEntry).where(AuditEntry.seq >= 4).values(entry_mac=None))
    report = _verify(chain)
    assert not report.ok and report.broken_at == 4 and report.reason == "entry MAC missing"


def test_all_macs_stripped_is_found_by_the_anchor(chain):
    anchor = _head(chain)
    with chain.session() as session:
        session.execute(update(AuditEntry).values(entry_mac=None))
        session.get(AuditEntry, 3).details = {"n": 7}
        _recompute_from(session, 3)
    report = _verify(chain, anchor)
    assert not report.ok and report.broken_at == 1 and report.reason == "entry MAC missing"


def test_newest_entries_deleted_are_found_by_the_anchor(chain):
    """Issue 14, finding 4: deleting the three newest entries fails verification."""
    anchor = _head(chain)
    with chain.session() as session:
        session.execute(delete(AuditEntry).where(AuditEntry.seq >= 3))
    assert _verify(chain).ok  # what the chain alone can say: it is consistent
    report = _verify(chain, anchor)
    assert not report.ok and report.broken_at == 3 and "missing" in report.reason


def test_swapped_entries_fail(chain):
    with chain.session() as session:
        two, three = session.get(AuditEntry, 2), session.get(AuditEntry, 3)
        two.details, three.details = three.details, two.details
        two.actor_id, three.actor_id = three.actor_id, two.actor_id
    assert not _verify(chain).ok


def test_unkeyed_entries_before_the_first_keyed_one_are_covered(dbs):
    db = dbs["identity"]
    db.keys = ServiceKeys.fixed("identity", KEYS)
    with db.session() as session:
        for n in range(3):
            audit.append(session, AuditEntry, action="old.event", actor_id=None, details={"n": n})
        # Entries written before the upgrade carry no MAC.
        session.execute(update(AuditEntry).where(AuditEntry.seq <= 2).values(entry_mac=None))
    assert _verify(db).ok
    with db.session() as session:
        session.get(AuditEntry, 1).details = {"n": 9}
        _recompute_from(session, 1)
    assert not _verify(db).ok  # the first keyed entry's MAC covers the old prefix


def test_appending_without_keys_is_refused(dbs):
    db = dbs["identity"]
    db.keys = None
    with pytest.raises(Exception) as err, db.session() as session:
        audit.append(session, AuditEntry, action="x", actor_id=None)
    assert getattr(err.value, "code", "") == "integrity_keys_unavailable"


def test_recorded_entries_are_appended_at_commit_and_forgotten_on_rollback(tmp_path):
    from kasane_shared import sqlite_tx
    from kasane_shared.db import Database, make_engine

    db = Database(make_engine(f"sqlite:///{tmp_path / 'a.db'}"))
    AuditEntry.__table__.create(db.bind)
    db.keys = ServiceKeys.fixed("identity", KEYS)
    record = audit.Recorder(AuditEntry)
    with db.session() as session:
        record(session, "test.view", "m1", "thing", "1")
        # Recorded, not appended yet: a unit that only read holds no write lock until commit.
        assert not sqlite_tx.is_write_mode(session.connection())
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == 0
    with pytest.raises(RuntimeError), db.session() as session:
        record(session, "test.view", "m2", "thing", "2")
        raise RuntimeError("the unit fails: its entries go with it")
    with db.session() as session:
        record(session, "test.view", "m3", "thing", "3")
        session.rollback()  # rolled back, then the unit goes on and commits
    with db.session() as session:
        rows = session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
    assert [r.actor_id for r in rows] == ["m1"]
    db.dispose()
