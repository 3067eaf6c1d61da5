"""Monotonic record versions (issue 18, finding 12's first point): a writer of agenda's
database who kept an older copy of a record's row and wraps (a backup, an earlier dump) can
put them back; every MAC in them is genuine. Agenda's marks of each record's newest version
refuse the older one instead of showing it.
"""

from __future__ import annotations

from sqlalchemy import select, text

from agenda.base import AuditEntry
from tests.agenda import scenario as sc
from tests.helpers import assert_problem
from tests.origin_attacks import restore, snapshot

RENAMED = "改題後の題名センチネルN8"


def _failures(suite) -> list[AuditEntry]:
    with suite.dbs["agenda"].session() as session:
        return list(
            session.scalars(
                select(AuditEntry).where(AuditEntry.action == "agenda.integrity_failure")
            )
        )


def test_an_older_version_restored_with_its_wraps_is_refused(suite, people, coordinator):
    case = coordinator.ok(coordinator.post("/cases", sc.case_body(people)), 201)
    older = snapshot(suite, "cases", case["id"])
    coordinator.ok(coordinator.patch(f"/cases/{case['id']}", {"title": RENAMED}))
    assert coordinator.ok(coordinator.get(f"/cases/{case['id']}"))["title"] == RENAMED

    restore(suite, "cases", case["id"], older)

    response = coordinator.get(f"/cases/{case['id']}")
    assert sc.TITLE not in response.text
    assert_problem(response, 409, "integrity_failure")
    listed = {c["id"]: c for c in coordinator.ok(coordinator.get("/cases"))}
    assert listed[case["id"]]["unreadable"] is True and listed[case["id"]]["title"] is None
    failures = _failures(suite)
    assert {(f.target_type, f.target_id) for f in failures} == {("case", case["id"])}
    assert all(f.details["check"] == "version" for f in failures)


def test_an_older_copy_of_the_marks_is_refused(suite, people, coordinator):
    case = coordinator.ok(coordinator.post("/cases", sc.case_body(people)), 201)
    older = snapshot(suite, "cases", case["id"])
    with suite.dbs["agenda"].session() as session:
        marks = [dict(r) for r in session.execute(text("SELECT * FROM record_versions")).mappings()]
        head = dict(session.execute(text("SELECT * FROM record_version_head")).mappings().one())
    coordinator.ok(coordinator.patch(f"/cases/{case['id']}", {"title": RENAMED}))

    restore(suite, "cases", case["id"], older)
    with suite.dbs["agenda"].session() as session:  # the marks of that time, consistently
        session.execute(text("DELETE FROM record_versions"))
        for mark in marks:
            session.execute(
                text(
                    "INSERT INTO record_versions (record_table, record_id, version) "
                    "VALUES (:record_table, :record_id, :version)"
                ),
                mark,
            )
        session.execute(
            text(
                "UPDATE record_version_head SET seq = :seq, count = :count, total = :total, "
                "mac = :mac WHERE id = 1"
            ),
            head,
        )

    response = coordinator.get(f"/cases/{case['id']}")
    assert sc.TITLE not in response.text
    assert_problem(response, 409, "integrity_failure")


def test_an_edited_mark_is_refused(suite, people, coordinator):
    case = coordinator.ok(coordinator.post("/cases", sc.case_body(people)), 201)
    older = snapshot(suite, "cases", case["id"])
    coordinator.ok(coordinator.patch(f"/cases/{case['id']}", {"title": RENAMED}))
    restore(suite, "cases", case["id"], older)
    with suite.dbs["agenda"].session() as session:
        session.execute(
            text("UPDATE record_versions SET version = :v WHERE record_id = :id"),
            {"v": older["row"]["seal_version"], "id": case["id"]},
        )
    suite.dbs["agenda"].versions.forget()  # as a process started after the edit

    response = coordinator.get(f"/cases/{case['id']}")
    assert sc.TITLE not in response.text
    assert_problem(response, 409, "integrity_failure")
