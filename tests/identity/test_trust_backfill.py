"""Trust rows older than their MACs: migration 0008 lists them, the first start MACs them once.

A row not on that list (or a list written after the backfill) never gets a MAC: nulling a
MAC is no way to have a forged row signed. Keys swapped before the upgrade are refused.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import func, insert, select, text, update

from identity.app import prepare_database
from identity.base import AuditEntry
from identity.custody.models import MemberKey
from identity.custody.service import current_key, escrow_owner, public_keys
from identity.integrity.backfill import MODELS
from identity.integrity.models import TrustRowBackfill
from identity.integrity.rows import TamperedRow, verify
from identity.integrity.service import AnchorBook
from identity.members.models import Member
from identity.signing.service import published_jwks
from kasane_shared.audit_anchor import Anchorer, anchor_sender
from kasane_shared.crypto import encode_public_key, generate_member_keypair
from kasane_shared.db import Database, make_engine, utcnow
from tests.helpers import seed_people


def _config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", "identity:migrations")
    config.set_main_option("sqlalchemy.url", url)
    return config


@pytest.fixture
def own_db(tmp_path: Path) -> Iterator[tuple[str, Database]]:
    """Identity's database in a file of this test, migrated to head."""
    url = f"sqlite:///{tmp_path / 'identity.db'}"
    command.upgrade(_config(url), "head")
    db = Database(make_engine(url))
    yield url, db
    db.dispose()


def _as_before_the_upgrade(db: Database) -> None:
    """What migration 0008 leaves behind: every row listed, none with a MAC."""
    with db.session() as session:
        for table_name, model in MODELS.items():
            table, pk = model.__table__, model.__trust_pk__
            session.execute(update(table).values(row_mac=None))
            for (row_id,) in session.execute(select(table.c[pk])):
                session.execute(
                    insert(TrustRowBackfill).values(table_name=table_name, row_id=row_id)
                )


def _restart(url: str, kek, anchors: Path | None = None) -> Database:
    """A fresh process on the database (anchoring its chain as identity does, if asked):
    prepare_database runs the backfill."""
    db = Database(make_engine(url))
    book = None
    if anchors is not None:
        book = AnchorBook(kek, anchors)
        db.anchorer = Anchorer(
            anchor_sender(
                db, AuditEntry, lambda seq, h, keyed: book.anchor(None, "identity", seq, h, keyed)
            ),
            0,
        )
    prepare_database(db, kek, None, book)
    return db


def test_migration_lists_the_rows_that_exist(tmp_path, kek):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    command.upgrade(_config(url), "0006")
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO organizations (id, name, kind, created_at) VALUES ('o','o','other',:t)"
            ),
            {"t": utcnow()},
        )
        connection.execute(
            text(
                "INSERT INTO members (id, login, display_name, organization_id, roles,"
                " password_hash, totp_enabled, active, failed_logins, created_at)"
                " VALUES ('m', 'm', 'm', 'o', '[]', 'x', 0, 1, 0, :t)"
            ),
            {"t": utcnow()},
        )
    command.upgrade(_config(url), "head")
    with Database(engine).session() as session:
        listed = session.execute(select(TrustRowBackfill.table_name, TrustRowBackfill.row_id))
        assert set(listed) == {("members", "m")}
        assert session.scalar(select(Member.row_mac).where(Member.id == "m")) is None
    db = _restart(url, kek)
    with db.session() as session:
        assert verify(session, session.get(Member, "m")).login == "m"
        assert session.scalar(select(func.count()).select_from(TrustRowBackfill)) == 0
    db.dispose()
    engine.dispose()


def test_backfill_macs_listed_rows_once_and_refuses_swapped_keys(own_db, kek):
    url, db = own_db
    prepare_database(db, kek)
    people = seed_people(db, kek)
    member = people.members["demo-member-1"]
    _as_before_the_upgrade(db)
    # Before the upgrade, someone swapped agenda's escrow public key for their own.
    _, attacker_public = generate_member_keypair()
    with db.session() as session:
        row = session.scalar(select(MemberKey).where(MemberKey.owner_id == escrow_owner("agenda")))
        escrow_id = row.id
        session.execute(
            update(MemberKey.__table__)
            .where(MemberKey.id == escrow_id)
            .values(public_key=encode_public_key(attacker_public))
        )
    restarted = _restart(url, kek)
    with restarted.session() as session:
        assert [k.owner_id for k in public_keys(session, [member])] == [member]
        assert published_jwks(session)["keys"]
        with pytest.raises(TamperedRow) as refused:
            current_key(session, escrow_owner("agenda"))
        assert refused.value.row_id == escrow_id
        entries = {
            (e.action, e.outcome, e.target_id): e.details
            for e in session.scalars(
                select(AuditEntry).where(AuditEntry.action.like("trust_row.%"))
            )
        }
    assert ("trust_row.integrity_failure", "tampered", escrow_id) in entries
    [(done, details)] = [(k, v) for k, v in entries.items() if k[0] == "trust_row.backfill"]
    assert done[1] == "ok" and details["refused"] == 1 and details["count"] > 10
    restarted.dispose()


def test_a_nulled_mac_and_a_forged_list_get_no_mac(own_db, kek):
    url, db = own_db
    prepare_database(db, kek)
    people = seed_people(db, kek)
    _as_before_the_upgrade(db)
    _restart(url, kek).dispose()  # the one legitimate backfill
    member = people.members["demo-coordinator"]
    with db.session() as session:
        session.execute(
            update(Member.__table__)
            .where(Member.id == member)
            .values(roles=["admin", "coordinator"], row_mac=None)
        )
        session.execute(insert(TrustRowBackfill).values(table_name="members", row_id=member))
    restarted = _restart(url, kek)
    with restarted.session() as session:
        with pytest.raises(TamperedRow):
            verify(session, session.get(Member, member))
        refusal = session.scalars(
            select(AuditEntry).where(
                AuditEntry.action == "trust_row.backfill", AuditEntry.outcome == "refused"
            )
        ).one()
        assert refusal.details["reason"] == "done_before"
        assert session.scalar(select(func.count()).select_from(TrustRowBackfill)) == 0
    restarted.dispose()


def test_backfill_refuses_when_the_chain_was_cut(own_db, kek, tmp_path):
    """Deleting the backfill's audit entry (to allow a second one) cuts the anchored chain."""
    url, db = own_db
    anchors = tmp_path / "anchors.jsonl"
    prepare_database(db, kek)
    seed_people(db, kek)
    _as_before_the_upgrade(db)
    _restart(url, kek, anchors).dispose()
    with db.session() as session:
        session.execute(
            AuditEntry.__table__.delete().where(AuditEntry.action == "trust_row.backfill")
        )
        session.execute(insert(TrustRowBackfill).values(table_name="members", row_id="x"))
    restarted = _restart(url, kek, anchors)
    with restarted.session() as session:
        reasons = [
            e.details.get("reason")
            for e in session.scalars(
                select(AuditEntry).where(AuditEntry.action == "trust_row.backfill")
            )
        ]
    assert reasons == ["audit_chain"]
    restarted.dispose()
