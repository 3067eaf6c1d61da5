"""The hash-chained audit log: appends chain, any edit, deletion or reordering is found."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select, update

from identity.base import AuditEntry
from kasane_shared import audit


@pytest.fixture
def chain(dbs):
    db = dbs["identity"]
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


def _verify(db):
    with db.session() as session:
        return audit.verify_chain(session, AuditEntry)


def test_intact_chain_verifies(chain):
    report = _verify(chain)
    assert report.ok and report.entries == 5


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
    assert not report.ok and report.broken_at == 3
