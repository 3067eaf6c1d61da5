"""Meetings, attendees and agenda items: warnings, order, invitations per case, revocation."""

from __future__ import annotations

from sqlalchemy import select

from agenda.keys.models import Wrap
from tests.agenda import scenario as sc
from tests.helpers import assert_problem


def _setup(coordinator, people, kind="shien", attendees=None):
    case = coordinator.ok(coordinator.post("/cases", sc.case_body(people)), 201)
    attendees = (
        attendees
        if attendees is not None
        else [{"member_id": people.members["demo-member-1"], "required": True}]
    )
    meeting = coordinator.ok(coordinator.post("/meetings", sc.meeting_body(kind, attendees)), 201)
    return case, meeting


def test_meeting_warns_of_invitees_without_pledge(coordinator, people):
    m1, m4 = people.members["demo-member-1"], people.members["demo-member-4"]
    meeting = coordinator.ok(
        coordinator.post(
            "/meetings", sc.meeting_body("shien", [{"member_id": m1}, {"member_id": m4}])
        ),
        201,
    )
    assert [(w["code"], w["member_id"]) for w in meeting["warnings"]] == [("no_pledge", m4)]
    assert (
        meeting["kind_label"] == "支援会議" and meeting["starts_at"] == "2026-12-01T10:00:00+09:00"
    )


def test_members_see_only_their_meetings(coordinator, people, api):
    _, meeting = _setup(coordinator, people)
    assert [m["id"] for m in api("demo-member-1").ok(api("demo-member-1").get("/meetings"))] == [
        meeting["id"]
    ]
    assert api("demo-member-2").ok(api("demo-member-2").get("/meetings")) == []
    assert_problem(api("demo-member-2").get(f"/meetings/{meeting['id']}"), 404)
    assert_problem(api("demo-member-2").get(f"/meetings/{meeting['id']}/agenda"), 404)
    assert_problem(api("demo-admin").get(f"/meetings/{meeting['id']}/agenda"), 404)
    assert (
        api("demo-member-1").ok(api("demo-member-1").get(f"/meetings/{meeting['id']}"))["attendees"]
        is None
    )


def test_item_purpose_must_fit_kind(coordinator, people):
    case, meeting = _setup(coordinator, people, "shien")
    body = assert_problem(
        coordinator.post(f"/meetings/{meeting['id']}/items", sc.item_body(case["id"], "jusou")), 422
    )
    assert body["errors"][0]["field"] == "purpose"
    assert coordinator.ok(coordinator.get(f"/meetings/{meeting['id']}/items")) == []


def test_item_warnings_scope_pledge_time(coordinator, people):
    m1, m2, m4 = (people.members[f"demo-member-{i}"] for i in (1, 2, 4))
    case, meeting = _setup(
        coordinator, people, "jusou", [{"member_id": m1}, {"member_id": m2}, {"member_id": m4}]
    )
    coordinator.ok(
        coordinator.post(
            f"/cases/{case['id']}/consents",
            {"obtained_on": "2026-04-01", "organization_ids": [people.organizations["council"]]},
        ),
        201,
    )
    item = coordinator.ok(
        coordinator.post(
            f"/meetings/{meeting['id']}/items", sc.item_body(case["id"], "jusou", minutes=90)
        ),
        201,
    )
    codes = {(w["code"], w.get("member_id")) for w in item["warnings"]}
    assert ("outside_consent_scope", m2) in codes and ("outside_consent_scope", m4) in codes
    assert ("no_pledge", m4) in codes and ("over_time", None) in codes
    assert ("outside_consent_scope", m1) not in codes
    assert all(w["message"] and w["message_en"] for w in item["warnings"])


def test_reorder_patch_delete(coordinator, people):
    case, meeting = _setup(coordinator, people)
    mid = meeting["id"]
    ids = [
        coordinator.ok(
            coordinator.post(
                f"/meetings/{mid}/items",
                sc.item_body(case["id"], "shien", minutes=10, allow_duplicate=True),
            ),
            201,
        )["id"]
        for _ in range(3)
    ]
    reordered = coordinator.ok(
        coordinator.post(f"/meetings/{mid}/items/reorder", {"item_ids": list(reversed(ids))})
    )
    assert [i["id"] for i in reordered] == list(reversed(ids))
    assert_problem(coordinator.post(f"/meetings/{mid}/items/reorder", {"item_ids": ids[:2]}), 422)
    patched = coordinator.ok(
        coordinator.patch(
            f"/meetings/{mid}/items/{ids[0]}",
            {"order": 1, "briefing": "新しい説明", "purpose": "emergency"},
        )
    )
    assert (
        patched["order"] == 1
        and patched["briefing"] == "新しい説明"
        and patched["purpose"] == "emergency"
    )
    assert coordinator.delete(f"/meetings/{mid}/items/{ids[1]}").status_code == 204
    assert [i["order"] for i in coordinator.ok(coordinator.get(f"/meetings/{mid}/items"))] == [1, 2]
    assert_problem(coordinator.delete(f"/meetings/{mid}/items/{ids[1]}"), 404)


def test_general_attendee_sees_only_their_cases(coordinator, people, api):
    m1, m2 = people.members["demo-member-1"], people.members["demo-member-2"]
    case_a = coordinator.ok(coordinator.post("/cases", sc.case_body(people)), 201)
    case_b = coordinator.ok(coordinator.post("/cases", sc.case_body(people, title="別の事例")), 201)
    meeting = coordinator.ok(
        coordinator.post(
            "/meetings",
            sc.meeting_body(
                "shien",
                [
                    {"member_id": m1, "required": True},
                    {"member_id": m2, "required": False, "case_ids": [case_b["id"]]},
                ],
            ),
        ),
        201,
    )
    for case in (case_a, case_b):
        coordinator.ok(
            coordinator.post(f"/meetings/{meeting['id']}/items", sc.item_body(case["id"], "shien")),
            201,
        )
    coordinator.distribute(meeting["id"])
    general = api("demo-member-2").ok(api("demo-member-2").get(f"/meetings/{meeting['id']}/agenda"))
    assert [i["title"] for i in general["items"]] == ["別の事例"]
    assert sc.TITLE not in str(general)
    required = api("demo-member-1").ok(
        api("demo-member-1").get(f"/meetings/{meeting['id']}/agenda")
    )
    assert [i["title"] for i in required["items"]] == [sc.TITLE, "別の事例"]


def test_removing_attendee_deletes_their_wraps(suite, coordinator, people, api):
    m1 = people.members["demo-member-1"]
    case, meeting = _setup(coordinator, people)
    coordinator.ok(
        coordinator.post(f"/meetings/{meeting['id']}/items", sc.item_body(case["id"], "shien")), 201
    )
    coordinator.distribute(meeting["id"])
    with suite.dbs["agenda"].session() as session:
        assert session.scalars(select(Wrap).where(Wrap.member_id == m1)).all()
    assert coordinator.delete(f"/meetings/{meeting['id']}/attendees/{m1}").status_code == 204
    with suite.dbs["agenda"].session() as session:
        assert session.scalars(select(Wrap).where(Wrap.member_id == m1)).all() == []
    assert_problem(api("demo-member-1").get(f"/meetings/{meeting['id']}/agenda"), 404)
    assert_problem(coordinator.delete(f"/meetings/{meeting['id']}/attendees/{m1}"), 404)
    # Invited again: keys are granted again.
    again = coordinator.ok(
        coordinator.post(f"/meetings/{meeting['id']}/attendees", {"attendees": [{"member_id": m1}]})
    )
    assert again["warnings"] == []
    assert (
        api("demo-member-1").ok(api("demo-member-1").get(f"/meetings/{meeting['id']}/agenda"))[
            "items"
        ][0]["title"]
        == sc.TITLE
    )


def test_segment_of_existing_body(coordinator, people):
    body = sc.meeting_body(
        "shien",
        [],
        segment={
            "body": "community_care",
            "starts_at": "2026-12-01T10:30:00+09:00",
            "ends_at": "2026-12-01T11:00:00+09:00",
        },
    )
    meeting = coordinator.ok(coordinator.post("/meetings", body), 201)
    assert (
        meeting["segment"]["body_label"] == "地域ケア会議"
        and meeting["segment"]["starts_at"] == "2026-12-01T10:30:00+09:00"
    )
    outside = sc.meeting_body(
        "shien",
        [],
        segment={
            "body": "community_care",
            "starts_at": "2026-12-01T09:30:00+09:00",
            "ends_at": "2026-12-01T11:00:00+09:00",
        },
    )
    assert_problem(coordinator.post("/meetings", outside), 422)


def test_patch_meeting(coordinator, people):
    _, meeting = _setup(coordinator, people)
    changed = coordinator.ok(
        coordinator.patch(
            f"/meetings/{meeting['id']}",
            {
                "place": "第2会議室",
                "starts_at": "2026-12-01T13:00:00+09:00",
                "ends_at": "2026-12-01T14:00:00+09:00",
            },
        )
    )
    assert changed["place"] == "第2会議室" and changed["starts_at"] == "2026-12-01T13:00:00+09:00"
    assert_problem(
        coordinator.patch(f"/meetings/{meeting['id']}", {"ends_at": "2026-12-01T12:00:00+09:00"}),
        422,
    )
