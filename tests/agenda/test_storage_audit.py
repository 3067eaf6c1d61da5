"""Agenda stores no plaintext and audits views and changes (tampering: test_unreadable_records)."""

from __future__ import annotations

import json

from sqlalchemy import select

from agenda.base import AuditEntry
from kasane_shared.audit import verify_chain
from tests.agenda import scenario as sc
from tests.agenda.rows import dump
from tests.helpers import assert_problem


def _world(coordinator, people, kind="jusou"):
    m1 = people.members["demo-member-1"]
    case = coordinator.ok(
        coordinator.post(
            "/cases",
            sc.case_body(
                people,
                subjects=[{"relation": "本人", "name": "氏名センチネルN5", "age": 80}],
                issues=["課題センチネルI3"],
            ),
        ),
        201,
    )
    coordinator.ok(
        coordinator.post(
            f"/cases/{case['id']}/consents",
            {
                "obtained_on": "2026-04-01",
                "organization_ids": [people.organizations["council"]],
                "covers_tax": True,
            },
        ),
        201,
    )
    coordinator.ok(
        coordinator.post(
            f"/cases/{case['id']}/plans",
            {
                "status": "plan_creation",
                "goals": "目標センチネルG6",
                "policy": "方針センチネルP8",
                "roles": [
                    {"organization_id": people.organizations["council"], "duty": "役割センチネルR2"}
                ],
            },
        ),
        201,
    )
    meeting = coordinator.ok(
        coordinator.post("/meetings", sc.meeting_body(kind, [{"member_id": m1}])), 201
    )
    item = coordinator.ok(
        coordinator.post(f"/meetings/{meeting['id']}/items", sc.item_body(case["id"], kind)), 201
    )
    coordinator.distribute(meeting["id"])
    return case, meeting, item


def test_no_plaintext_in_any_agenda_row(suite, coordinator, people, api):
    case, meeting, _ = _world(coordinator, people)
    api("demo-member-1").ok(api("demo-member-1").get(f"/meetings/{meeting['id']}/agenda"))
    coordinator.ok(
        coordinator.post(
            f"/cases/{case['id']}/tax-marks",
            {"field": "notes", "action": "mark", "start": 0, "end": 2},
        )
    )
    rows = json.dumps(dump(suite), ensure_ascii=False, default=str)
    secrets = (
        *sc.GENERAL_SENTINELS,
        *sc.TAX_SENTINELS,
        "氏名センチネルN5",
        "課題センチネルI3",
        "目標センチネルG6",
        "方針センチネルP8",
        "役割センチネルR2",
        "架空 太郎",
    )
    for sentinel in secrets:
        assert sentinel not in rows, sentinel
    assert len(rows) > 1000  # the rows are there, sealed


def test_views_and_changes_are_audited(suite, coordinator, people, api):
    case, meeting, item = _world(coordinator, people)
    api("demo-member-1").ok(api("demo-member-1").get(f"/meetings/{meeting['id']}/agenda"))
    coordinator.ok(coordinator.get(f"/cases/{case['id']}"))
    coordinator.ok(
        coordinator.post(
            f"/cases/{case['id']}/tax-marks",
            {"field": "notes", "action": "mark", "start": 0, "end": 2},
        )
    )
    coordinator.ok(
        coordinator.post(
            f"/meetings/{meeting['id']}/items/{item['id']}/tax-marks",
            {"field": "briefing", "action": "unmark", "start": 0, "end": 3},
        )
    )
    api("demo-member-1").get(f"/meetings/{meeting['id']}/invitation.ics")
    with suite.dbs["agenda"].session() as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
        actions = [e.action for e in entries]
        for action in (
            "case.create",
            "consent.create",
            "plan.create",
            "meeting.create",
            "item.create",
            "agenda.view",
            "case.read",
            "case.tax_mark",
            "item.tax_unmark",
            "meeting.invitation",
        ):
            assert action in actions, action
        view = next(e for e in entries if e.action == "agenda.view")
        assert (
            view.actor_id == people.members["demo-member-1"]
            and view.target_id == meeting["id"]
            and view.details["items"] == [item["id"]]
        )
        assert verify_chain(session, AuditEntry).ok
        details = json.dumps([e.details for e in entries], ensure_ascii=False)
        for sentinel in sc.ALL_SENTINELS:
            assert sentinel not in details
    # Unwraps and grants are audited by identity (the key custodian).
    from identity.base import AuditEntry as IdentityAudit

    with suite.dbs["identity"].session() as session:
        grants = session.scalars(
            select(IdentityAudit).where(IdentityAudit.action.in_(["key.grant", "key.unwrap"]))
        ).all()
        assert any(
            g.actor_id == people.members["demo-member-1"] and g.action == "key.unwrap"
            for g in grants
        )


def test_departed_member_gets_nothing(suite, coordinator, people, api):
    _, meeting, _ = _world(coordinator, people, kind="shien")
    m2 = people.members["demo-member-2"]
    suite.client.patch(
        f"/identity/members/{m2}", json={"active": False}, headers=api("demo-admin").headers
    )
    refused = assert_problem(
        coordinator.post(
            f"/meetings/{meeting['id']}/attendees", {"attendees": [{"member_id": m2}]}
        ),
        422,
    )
    assert refused["errors"][0]["field"].endswith("member_id")
