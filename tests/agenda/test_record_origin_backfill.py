"""Records sealed before origins: migration 0011 lists them, agenda checks and MACs them once
(its first request holding its keys). What can be checked without a key is checked first
(each escrow wrap bound to its record, every ciphertext committing to the escrow's data
key); a record that fails is audited and stays closed. A MAC nulled later, or a list
written after the backfill, never gets a new one.
"""

from __future__ import annotations

import json

from sqlalchemy import insert, select, text, update

from agenda.base import AuditEntry
from agenda.cases.models import Case
from agenda.integrity.models import RecordOriginBackfill
from agenda.integrity.origin import SEALED_MODELS
from kasane_shared.record_origin import origin_holds
from tests.agenda import scenario as sc
from tests.helpers import assert_problem

ACTION = "agenda.record_origin_backfill"


def _world(coordinator, people) -> dict[str, str]:
    case = coordinator.ok(coordinator.post("/cases", sc.case_body(people)), 201)
    other = coordinator.ok(coordinator.post("/cases", sc.case_body(people, title="別件")), 201)
    return {"case": case["id"], "other": other["id"]}


def _as_before_the_upgrade(suite, only: tuple[str, str] | None = None) -> None:
    """What migration 0011 leaves behind: records listed, none with a MAC (or just ``only``)."""
    with suite.dbs["agenda"].session() as session:
        for table_name, model in SEALED_MODELS.items():
            table = model.__table__
            for (row_id,) in session.execute(select(table.c.id)):
                if only is not None and only != (table_name, row_id):
                    continue
                session.execute(update(table).where(table.c.id == row_id).values(origin_mac=None))
                session.execute(
                    insert(RecordOriginBackfill).values(table_name=table_name, row_id=row_id)
                )
    suite.suite.agenda.state.origin_backfill = True  # as has_origin_backfill finds at start


def _runs(suite) -> list[AuditEntry]:
    with suite.dbs["agenda"].session() as session:
        return list(
            session.scalars(
                select(AuditEntry).where(AuditEntry.action == ACTION).order_by(AuditEntry.seq)
            )
        )


def _sound(suite, record_id: str) -> bool:
    with suite.dbs["agenda"].session() as session:
        return origin_holds(session, session.get(Case, record_id))


def test_first_request_gives_the_listed_records_their_origin_once(suite, people, coordinator):
    world = _world(coordinator, people)
    _as_before_the_upgrade(suite)
    # Before the upgrade, a writer put the other case's escrow wrap on this one.
    with suite.dbs["agenda"].session() as session:
        other = session.get(Case, world["other"])
        session.execute(
            text("UPDATE cases SET escrow_wraps = :e WHERE id = :id"),
            {"e": json.dumps(other.escrow_wraps), "id": world["case"]},
        )

    listed = {c["id"]: c for c in coordinator.ok(coordinator.get("/cases"))}
    assert listed[world["other"]]["title"] == "別件"
    assert listed[world["case"]]["unreadable"] is True
    assert _sound(suite, world["other"]) and not _sound(suite, world["case"])
    [done] = _runs(suite)
    assert done.outcome == "ok" and done.details["refused"] == 1
    with suite.dbs["agenda"].session() as session:
        assert session.scalar(select(RecordOriginBackfill.row_id)) is None
        failures = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "agenda.integrity_failure")
        ).all()
        assert ("case", world["case"]) in {(f.target_type, f.target_id) for f in failures}
    assert suite.suite.agenda.state.origin_backfill is False


def test_a_record_listed_again_after_the_backfill_is_refused(suite, people, coordinator):
    world = _world(coordinator, people)
    _as_before_the_upgrade(suite)
    coordinator.ok(coordinator.get(f"/cases/{world['case']}"))
    _as_before_the_upgrade(suite, only=("cases", world["case"]))

    assert_problem(coordinator.get(f"/cases/{world['case']}"), 409, "integrity_failure")
    ok, refused = _runs(suite)
    assert ok.outcome == "ok"
    assert refused.outcome == "refused" and refused.details["reason"] == "done_before"
    assert not _sound(suite, world["case"])


def test_a_nulled_origin_that_is_not_listed_stays_refused(suite, people, coordinator):
    world = _world(coordinator, people)
    with suite.dbs["agenda"].session() as session:
        session.execute(text("UPDATE cases SET origin_mac = NULL"))
    assert_problem(coordinator.get(f"/cases/{world['case']}"), 409, "integrity_failure")
    assert _runs(suite) == []
