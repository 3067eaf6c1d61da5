"""GET /agenda/todo: my invitations ahead and the distributed agendas I have not read since."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.agenda.scenario import case_body, item_body, meeting_body


def _when(days: int) -> dict[str, str]:
    start = (datetime.now(UTC) + timedelta(days=days)).replace(microsecond=0)
    return {
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=1)).isoformat(),
    }


def _meeting(coordinator, people, logins, days: int = 3) -> str:
    attendees = [{"member_id": people.members[m], "required": True} for m in logins]
    body = meeting_body("shien", attendees) | _when(days)
    meeting = coordinator.ok(coordinator.post("/meetings", body), 201)
    case = coordinator.ok(coordinator.post("/cases", case_body(people)), 201)
    coordinator.ok(
        coordinator.post(f"/meetings/{meeting['id']}/items", item_body(case["id"], "shien")), 201
    )
    return meeting["id"]


def _todo(api, login: str) -> tuple[list[str], list[str]]:
    body = api(login).ok(api(login).get("/todo"))
    return (
        [r["meeting_id"] for r in body["invitations"]],
        [r["meeting_id"] for r in body["unread_agendas"]],
    )


def test_invited_then_unread_until_read_and_again_after_redistribution(coordinator, people, api):
    meeting_id = _meeting(coordinator, people, ["demo-member-1", "demo-member-4"])
    assert _todo(api, "demo-member-1") == ([meeting_id], [])  # not distributed yet
    assert _todo(api, "demo-member-2") == ([], [])  # not invited
    api("demo-member-1").ok(api("demo-member-1").get(f"/meetings/{meeting_id}/agenda"))
    coordinator.distribute(meeting_id)
    # A look before distribution does not count as reading the distributed agenda.
    assert _todo(api, "demo-member-1") == ([meeting_id], [meeting_id])
    api("demo-member-1").ok(api("demo-member-1").get(f"/meetings/{meeting_id}/agenda"))
    assert _todo(api, "demo-member-1") == ([meeting_id], [])
    # Member 4 holds no pledge: the view shows time and place only, so the agenda stays unread.
    api("demo-member-4").ok(api("demo-member-4").get(f"/meetings/{meeting_id}/agenda"))
    assert _todo(api, "demo-member-4") == ([meeting_id], [meeting_id])
    # Handed out again: read before that is not read now.
    coordinator.distribute(meeting_id)
    assert _todo(api, "demo-member-1") == ([meeting_id], [meeting_id])


def test_ordered_by_time_without_cancelled_meetings(coordinator, people, api):
    later = _meeting(coordinator, people, ["demo-member-1"], days=10)
    sooner = _meeting(coordinator, people, ["demo-member-1"], days=2)
    cancelled = _meeting(coordinator, people, ["demo-member-1"], days=5)
    coordinator.ok(coordinator.post(f"/meetings/{cancelled}/cancel", {"reason": "会場の都合"}))
    invitations, _ = _todo(api, "demo-member-1")
    assert invitations == [sooner, later]


def test_needs_a_sign_in(suite):
    assert suite.client.get("/agenda/todo").status_code == 401
