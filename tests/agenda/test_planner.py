"""Scheduling help through the API: series, double bookings, free slots, the due list, .ics."""

from __future__ import annotations

from datetime import date, timedelta

from tests.agenda import scenario as sc
from tests.helpers import assert_problem


def test_monthly_series(coordinator, people):
    m1 = people.members["demo-member-1"]
    # 2026-12-08 is the second Tuesday: every 2nd Tuesday, four meetings.
    body = sc.meeting_body(
        "shien",
        [{"member_id": m1}],
        starts_at="2026-12-08T14:00:00+09:00",
        ends_at="2026-12-08T15:30:00+09:00",
        recurrence={"frequency": "monthly", "weekday": 1, "week_of_month": 2, "count": 4},
    )
    made = coordinator.ok(coordinator.post("/meetings", body), 201)
    assert len(made["series"]) == 4 and made["series_id"]
    starts = [
        coordinator.ok(coordinator.get(f"/meetings/{i}"))["starts_at"] for i in made["series"]
    ]
    assert starts == [
        "2026-12-08T14:00:00+09:00",
        "2027-01-12T14:00:00+09:00",
        "2027-02-09T14:00:00+09:00",
        "2027-03-09T14:00:00+09:00",
    ]
    assert "第2火曜" in made["recurrence_label"]
    assert len(coordinator.ok(coordinator.get("/meetings"))) == 4


def test_weekly_series_defaults_to_meeting_weekday(coordinator, people):
    made = coordinator.ok(
        coordinator.post(
            "/meetings",
            sc.meeting_body(
                "jusou", [], recurrence={"frequency": "weekly", "interval": 2, "count": 3}
            ),
        ),
        201,
    )
    starts = [
        coordinator.ok(coordinator.get(f"/meetings/{i}"))["starts_at"][:10] for i in made["series"]
    ]
    assert starts == ["2026-12-01", "2026-12-15", "2026-12-29"]


def test_double_booking_warned(coordinator, people):
    m1, m2 = people.members["demo-member-1"], people.members["demo-member-2"]
    first = coordinator.ok(
        coordinator.post("/meetings", sc.meeting_body("shien", [{"member_id": m1}])), 201
    )
    second = coordinator.ok(
        coordinator.post(
            "/meetings",
            sc.meeting_body(
                "jusou",
                [{"member_id": m1}, {"member_id": m2}],
                starts_at="2026-12-01T10:30:00+09:00",
                ends_at="2026-12-01T12:00:00+09:00",
            ),
        ),
        201,
    )
    assert [(c["member_id"], c["other_meeting_id"]) for c in second["conflicts"]] == [
        (m1, first["id"])
    ]
    assert [(w["code"], w["member_id"]) for w in second["warnings"]] == [("double_booking", m1)]
    assert [
        c["other_meeting_id"]
        for c in coordinator.ok(coordinator.get(f"/meetings/{first['id']}/conflicts"))
    ] == [second["id"]]
    # Touching is not clashing.
    third = coordinator.ok(
        coordinator.post(
            "/meetings",
            sc.meeting_body(
                "shien",
                [{"member_id": m1}],
                starts_at="2026-12-01T12:00:00+09:00",
                ends_at="2026-12-01T13:00:00+09:00",
            ),
        ),
        201,
    )
    assert third["conflicts"] == []


def test_free_slots(coordinator, people):
    m1, m2 = people.members["demo-member-1"], people.members["demo-member-2"]
    coordinator.ok(
        coordinator.post(
            "/meetings",
            sc.meeting_body(
                "shien",
                [{"member_id": m1}],
                starts_at="2026-12-01T09:00:00+09:00",
                ends_at="2026-12-01T11:00:00+09:00",
            ),
        ),
        201,
    )
    params = {
        "member_id": [m1],
        "required": [m2],
        "from": "2026-12-01T00:00:00+09:00",
        "to": "2026-12-02T00:00:00+09:00",
        "duration_minutes": 60,
        "limit": 3,
    }
    body = coordinator.ok(coordinator.get("/scheduling/free-slots", params=params))
    assert body["member_ids"] == [m1, m2]
    assert [s["starts_at"] for s in body["slots"]] == [
        "2026-12-01T11:00:00+09:00",
        "2026-12-01T13:00:00+09:00",
        "2026-12-01T13:30:00+09:00",
    ]
    assert_problem(
        coordinator.get("/scheduling/free-slots", params=params | {"from": "2026-12-01T00:00:00"}),
        422,
    )


def test_due_list(coordinator, people):
    today = date.today()
    soon = coordinator.ok(coordinator.post("/cases", sc.case_body(people, status="active")), 201)
    later = coordinator.ok(
        coordinator.post("/cases", sc.case_body(people, status="active", title="後の事例")), 201
    )
    no_plan = coordinator.ok(
        coordinator.post("/cases", sc.case_body(people, status="active", title="プラン無し")), 201
    )
    closed = coordinator.ok(
        coordinator.post("/cases", sc.case_body(people, status="closed", title="終結")), 201
    )
    coordinator.ok(
        coordinator.post(
            f"/cases/{soon['id']}/plans",
            {
                "status": "plan_creation",
                "goals": "g",
                "monitoring_on": (today + timedelta(days=3)).isoformat(),
            },
        ),
        201,
    )
    coordinator.ok(
        coordinator.post(
            f"/cases/{later['id']}/plans",
            {
                "status": "plan_creation",
                "goals": "g",
                "monitoring_on": (today + timedelta(days=60)).isoformat(),
            },
        ),
        201,
    )
    coordinator.ok(
        coordinator.post(
            f"/cases/{closed['id']}/plans",
            {"status": "termination", "monitoring_on": today.isoformat()},
        ),
        201,
    )
    due = coordinator.ok(coordinator.get("/due"))
    assert [(d["case_id"], d["reason"]) for d in due] == [
        (no_plan["id"], "no_plan"),
        (soon["id"], "monitoring"),
    ]
    assert {d["suggested_purpose"] for d in due} <= {"plan_change", "plan_creation"}
    assert sc.TITLE not in str(due)
    assert later["id"] in {
        d["case_id"] for d in coordinator.ok(coordinator.get("/due", params={"days": 90}))
    }


def test_invitation_has_time_and_place_only(suite, coordinator, people, api):
    m1 = people.members["demo-member-1"]
    case = coordinator.ok(coordinator.post("/cases", sc.case_body(people)), 201)
    meeting = coordinator.ok(
        coordinator.post(
            "/meetings",
            sc.meeting_body("shien", [{"member_id": m1}], online_url="https://meet.example.jp/abc"),
        ),
        201,
    )
    coordinator.ok(
        coordinator.post(f"/meetings/{meeting['id']}/items", sc.item_body(case["id"], "shien")), 201
    )
    response = api("demo-member-1").get(f"/meetings/{meeting['id']}/invitation.ics")
    assert response.status_code == 200 and response.headers["content-type"].startswith(
        "text/calendar"
    )
    ics = response.content.decode("utf-8")
    assert (
        "BEGIN:VEVENT" in ics
        and "DTSTART:20261201T010000Z" in ics
        and "SUMMARY:支援会議 12月1日" in ics
    )
    assert "会議室A" in ics.replace("\r\n ", "")
    for sentinel in sc.ALL_SENTINELS:
        assert sentinel not in ics.replace("\r\n ", ""), sentinel
    assert_problem(api("demo-member-2").get(f"/meetings/{meeting['id']}/invitation.ics"), 404)
    # A member without a pledge still gets time and place.
    coordinator.ok(
        coordinator.post(
            f"/meetings/{meeting['id']}/attendees",
            {"attendees": [{"member_id": people.members["demo-member-4"]}]},
        )
    )
    assert api("demo-member-4").get(f"/meetings/{meeting['id']}/invitation.ics").status_code == 200
