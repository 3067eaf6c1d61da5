"""Records with an origin (issue 18, finding 4): a writer of agenda's database who reads the
public keys can seal a record that every AEAD and HPKE check accepts, and can move a sealed
record under another case; agenda's origin MAC refuses both, before anything is shown.
"""

from __future__ import annotations

import json

from sqlalchemy import select, text

from agenda.base import AuditEntry
from agenda.cases.models import Case
from tests.agenda import scenario as sc
from tests.origin_attacks import FORGED, mint
from tests.helpers import assert_problem


def _failures(suite) -> set[tuple[str, str]]:
    with suite.dbs["agenda"].session() as session:
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "agenda.integrity_failure")
        ).all()
        for row in rows:  # ids only
            assert FORGED not in json.dumps(row.details, ensure_ascii=False)
        return {(r.target_type, r.target_id) for r in rows}


def test_a_record_minted_with_public_keys_is_refused(suite, people, coordinator):
    case = coordinator.ok(coordinator.post("/cases", sc.case_body(people)), 201)
    other = coordinator.ok(coordinator.post("/cases", sc.case_body(people, title="別件")), 201)
    assert coordinator.ok(coordinator.get(f"/cases/{case['id']}"))["title"] == sc.TITLE

    mint(suite, Case, case["id"])

    response = coordinator.get(f"/cases/{case['id']}")
    assert FORGED not in response.text
    assert_problem(response, 409, "integrity_failure")
    listed = {c["id"]: c for c in coordinator.ok(coordinator.get("/cases"))}
    assert listed[case["id"]]["unreadable"] is True and listed[case["id"]]["title"] is None
    assert listed[other["id"]]["title"] == "別件"
    assert ("case", case["id"]) in _failures(suite)


def test_a_plan_moved_to_another_case_is_refused(suite, people, coordinator):
    case = coordinator.ok(coordinator.post("/cases", sc.case_body(people)), 201)
    other = coordinator.ok(coordinator.post("/cases", sc.case_body(people, title="別件")), 201)
    plan = coordinator.ok(
        coordinator.post(
            f"/cases/{case['id']}/plans", {"status": "plan_creation", "goals": "目標センチネルG4"}
        ),
        201,
    )
    assert coordinator.ok(coordinator.get(f"/cases/{other['id']}/plans")) == []

    with suite.dbs["agenda"].session() as session:
        session.execute(
            text("UPDATE plans SET case_id = :c WHERE id = :id"),
            {"c": other["id"], "id": plan["id"]},
        )

    response = coordinator.get(f"/cases/{other['id']}/plans")
    assert "目標センチネルG4" not in response.text
    assert_problem(response, 409, "integrity_failure")
    assert ("plan", plan["id"]) in _failures(suite)


def test_a_ciphertext_moved_from_another_record_is_refused(suite, people, coordinator):
    case = coordinator.ok(coordinator.post("/cases", sc.case_body(people)), 201)
    other = coordinator.ok(coordinator.post("/cases", sc.case_body(people, title="別件")), 201)
    with suite.dbs["agenda"].session() as session:
        source = session.get(Case, other["id"])
        session.execute(
            text(
                "UPDATE cases SET sealed_fields = :f, escrow_wraps = :e, origin_mac = :m "
                "WHERE id = :id"
            ),
            {
                "f": json.dumps(source.sealed_fields),
                "e": json.dumps(source.escrow_wraps),
                "m": source.origin_mac,
                "id": case["id"],
            },
        )
    response = coordinator.get(f"/cases/{case['id']}")
    assert "別件" not in response.text
    assert_problem(response, 409, "integrity_failure")
    assert ("case", case["id"]) in _failures(suite)


def test_seal_open_grant_and_reseal_still_work(suite, people, coordinator, api):
    case = coordinator.ok(coordinator.post("/cases", sc.case_body(people)), 201)
    member = people.members["demo-member-1"]
    meeting = coordinator.ok(
        coordinator.post("/meetings", sc.meeting_body("shien", [{"member_id": member}])), 201
    )
    coordinator.ok(
        coordinator.post(f"/meetings/{meeting['id']}/items", sc.item_body(case["id"], "shien")),
        201,
    )
    coordinator.distribute(meeting["id"])
    view = api("demo-member-1").ok(api("demo-member-1").get(f"/meetings/{meeting['id']}/agenda"))
    assert view["items"][0]["title"] and not view["items"][0].get("unreadable")
    coordinator.ok(coordinator.patch(f"/cases/{case['id']}", {"title": "改題センチネルR2"}))
    assert coordinator.ok(coordinator.get(f"/cases/{case['id']}"))["title"] == "改題センチネルR2"
    with suite.dbs["agenda"].session() as session:
        stored = session.get(Case, case["id"])
        assert stored.seal_version >= 2 and stored.origin_mac
    assert _failures(suite) == set()
