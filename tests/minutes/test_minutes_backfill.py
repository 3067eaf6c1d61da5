"""Versions hashed before the MACs: migration 0006 lists them, the first request MACs them once.

A version not on that list (its MAC nulled later), or a list written after the backfill,
never gets a MAC; a listed hash that no longer matches what is stored is refused.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import func, insert, select, text, update

from kasane_shared.db import Database, make_engine, utcnow
from minutes.base import AuditEntry
from minutes.integrity.content import approval_holds, rows_key, version_rows
from minutes.integrity.models import IntegrityBackfill
from minutes.meeting_minutes.models import Minutes
from tests.helpers import assert_problem
from tests.minutes.test_minutes_flow import TAX_SAID, _minutes
from tests.minutes.test_minutes_integrity import _approved, _repoint, unkeyed_hash


def _as_before_the_upgrade(suite, meeting_id: str) -> str:
    """What 0006 finds and leaves: an unkeyed hash, the version listed; then a restart."""
    with suite.dbs["minutes"].session() as session:
        minutes = session.scalar(select(Minutes).where(Minutes.meeting_id == meeting_id))
        legacy = unkeyed_hash(session, minutes)
        session.execute(
            update(Minutes)
            .where(Minutes.id == minutes.id)
            .values(content_hash=legacy, checked_hash=legacy)
        )
        session.execute(insert(IntegrityBackfill).values(table_name="minutes", row_id=minutes.id))
    suite.suite.minutes.state.integrity_backfill = True
    return minutes.id


def _backfills(suite) -> list[AuditEntry]:
    with suite.dbs["minutes"].session() as session:
        return list(
            session.scalars(
                select(AuditEntry).where(AuditEntry.action == "minutes.integrity_backfill")
            )
        )


def _listed(suite) -> int:
    with suite.dbs["minutes"].session() as session:
        return session.scalar(select(func.count()).select_from(IntegrityBackfill))


def test_listed_versions_get_their_mac_once(suite, coordinator, people, tokens):
    meeting_id = _approved(suite, coordinator, people, tokens)
    minutes_id = _as_before_the_upgrade(suite, meeting_id)
    # Unkeyed, the hash would refuse the view; the first request MACs it first.
    shown = _minutes(suite, tokens["demo-coordinator"], meeting_id)
    assert shown.status_code == 200 and TAX_SAID in shown.text
    with suite.dbs["minutes"].session() as session:
        minutes = session.get(Minutes, minutes_id)
        assert approval_holds(rows_key(session), minutes, *version_rows(session, minutes))
        assert minutes.checked_hash is not None and minutes.checked_hash != minutes.content_hash
    assert _listed(suite) == 0 and suite.suite.minutes.state.integrity_backfill is False
    [done] = _backfills(suite)
    assert done.outcome == "ok" and done.details == {"count": 1, "refused": 0}


def test_a_nulled_mac_and_a_forged_list_get_no_mac(suite, coordinator, people, tokens):
    meeting_id = _approved(suite, coordinator, people, tokens)
    _as_before_the_upgrade(suite, meeting_id)
    assert _minutes(suite, tokens["demo-member-1"], meeting_id).status_code == 200
    # Later, someone who can write the database puts the unkeyed hash back and lists it again.
    _as_before_the_upgrade(suite, meeting_id)
    assert_problem(_minutes(suite, tokens["demo-member-1"], meeting_id), 409, "integrity_failure")
    refused = [e for e in _backfills(suite) if e.outcome == "refused"]
    assert [e.details["reason"] for e in refused] == ["done_before"]
    assert _listed(suite) == 0


def test_a_listed_hash_that_does_not_match_is_refused(suite, coordinator, people, tokens):
    meeting_id = _approved(suite, coordinator, people, tokens)
    other_id = _approved(suite, coordinator, people, tokens)
    minutes_id = _as_before_the_upgrade(suite, meeting_id)
    _repoint(suite, meeting_id, other_id, rehash=False)  # changed, the listed hash is not
    assert_problem(_minutes(suite, tokens["demo-member-1"], meeting_id), 409, "integrity_failure")
    [done] = _backfills(suite)
    assert done.details == {"count": 0, "refused": 1}
    with suite.dbs["minutes"].session() as session:
        tampered = session.scalars(
            select(AuditEntry).where(
                AuditEntry.action == "minutes.integrity_failure",
                AuditEntry.target_id == minutes_id,
            )
        ).all()
    assert {e.outcome for e in tampered} == {"tampered", "refused"}


def test_migration_lists_the_hashed_versions(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'minutes.db'}"
    config = Config()
    config.set_main_option("script_location", "minutes:migrations")
    config.set_main_option("sqlalchemy.url", url)
    command.upgrade(config, "0005")
    engine = make_engine(url)
    with engine.begin() as connection:
        for minutes_id, content_hash in (("a", "f" * 64), ("b", None)):
            connection.execute(
                text(
                    "INSERT INTO minutes (id, meeting_id, version, conference_kind, status,"
                    " attendance, created_by, created_at, updated_at, content_hash)"
                    " VALUES (:id, 'm', :v, 'shien', 'approved', '[]', 'c', :t, :t, :h)"
                ),
                {"id": minutes_id, "v": ord(minutes_id), "t": utcnow(), "h": content_hash},
            )
    command.upgrade(config, "head")
    with Database(engine).session() as session:
        listed = session.execute(select(IntegrityBackfill.table_name, IntegrityBackfill.row_id))
        assert set(listed) == {("minutes", "a")}
    engine.dispose()
