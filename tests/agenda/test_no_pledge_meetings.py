"""Without a valid pledge: time, place and the kind label on every agenda endpoint, nothing else.

Each row takes one pledge state (none, expired, revoked), then walks THE table of agenda
endpoints a member reaches and searches each whole response for the meeting's title, the
cancel reason, case and item ids, other invitees' ids and every case sentinel.
"""

from __future__ import annotations

import pytest

from tests.agenda import scenario as sc

KIND_LABEL = "支援会議"
CANCEL_REASON = "中止理由センチネルC1"
# pledge state → the demo member in that state
MEMBERS = {"none": "demo-member-4", "expired": "demo-member-2", "revoked": "demo-member-3"}
# (path, what the body must hold): "{m}" the meeting, "{c}" the cancelled one
ENDPOINTS = [
    ("/meetings", "list"),
    ("/meetings/{m}", "meeting"),
    ("/meetings/{m}/agenda", "view"),
    ("/meetings/{c}", "meeting"),
    ("/meetings/{c}/agenda", "view"),
    ("/meetings/{m}/invitation.ics", "ics"),
    ("/meetings/{c}/invitation.ics", "ics"),
]
INVITED = ("demo-member-1", "demo-member-2", "demo-member-3", "demo-member-4")


def _world(coordinator, people) -> dict[str, str]:
    attendees = [{"member_id": people.members[m], "required": True} for m in INVITED]
    case = coordinator.ok(coordinator.post("/cases", sc.case_body(people)), 201)
    meeting = coordinator.ok(
        coordinator.post("/meetings", sc.meeting_body("shien", attendees)), 201
    )
    item = coordinator.ok(
        coordinator.post(f"/meetings/{meeting['id']}/items", sc.item_body(case["id"], "shien")),
        201,
    )
    coordinator.distribute(meeting["id"])
    cancelled = coordinator.ok(
        coordinator.post(
            "/meetings",
            sc.meeting_body(
                "shien",
                attendees,
                starts_at="2026-12-08T10:00:00+09:00",
                ends_at="2026-12-08T11:00:00+09:00",
            ),
        ),
        201,
    )
    coordinator.ok(
        coordinator.post(f"/meetings/{cancelled['id']}/cancel", {"reason": CANCEL_REASON})
    )
    return {
        "meeting": meeting["id"],
        "cancelled": cancelled["id"],
        "case": case["id"],
        "number": case["number"],
        "item": item["id"],
    }


def _secrets(world: dict[str, str], people, reader: str) -> list[str]:
    others = [people.members[m] for m in INVITED if m != reader]
    return [
        sc.MEETING_TITLE,
        CANCEL_REASON,
        world["case"],
        world["number"],
        world["item"],
        people.members["demo-coordinator"],
        *others,
        *sc.ALL_SENTINELS,
    ]


@pytest.mark.parametrize("pledge", list(MEMBERS))
def test_no_pledge_sees_time_place_and_kind_only(suite, people, tokens, coordinator, api, pledge):
    world = _world(coordinator, people)
    login = MEMBERS[pledge]
    if pledge == "expired":
        sc.expire_pledges(suite, people.members[login])
    elif pledge == "revoked":
        sc.revoke_pledges(suite, people.members[login], tokens[login])
    member = api(login)
    for template, shape in ENDPOINTS:
        path = template.format(m=world["meeting"], c=world["cancelled"])
        response = member.get(path)
        assert response.status_code == 200, (path, response.text)
        for secret in _secrets(world, people, login):
            assert secret not in response.text, (path, secret)
        if shape == "ics":
            assert "かさね市役所" in response.text, path
            continue
        body = response.json()
        meetings = {
            "list": lambda b: b,
            "meeting": lambda b: [b],
            "view": lambda b: [b["meeting"]],
        }[shape](body)
        assert {m["id"] for m in meetings} >= (
            {world["meeting"], world["cancelled"]} if shape == "list" else set()
        )
        for shown in meetings:
            assert shown["title"] == KIND_LABEL, (path, shown)
            assert shown["place"] == "かさね市役所 3階 会議室A" and shown["starts_at"], path
            assert shown.get("cancel_reason") is None, path
            assert shown.get("attendees") is None, path
        if shape == "view":
            assert body["items"] == [] and body["pledge_valid"] is False, path
            assert body["notice"] == "誓約書が未提出のため、日時と場所のみ表示しています。"


def test_with_a_pledge_the_same_endpoints_hold_the_title(people, coordinator, api):
    """The searches above find what is there: a pledged invitee reads title and reason."""
    world = _world(coordinator, people)
    member = api("demo-member-1")
    listed = {m["id"]: m for m in member.ok(member.get("/meetings"))}
    assert listed[world["meeting"]]["title"] == sc.MEETING_TITLE
    assert listed[world["cancelled"]]["cancel_reason"] == CANCEL_REASON
    view = member.ok(member.get(f"/meetings/{world['meeting']}/agenda"))
    assert view["meeting"]["title"] == sc.MEETING_TITLE
    assert view["items"][0]["case_id"] == world["case"]
    assert member.ok(member.get(f"/meetings/{world['cancelled']}"))["title"] == sc.MEETING_TITLE
