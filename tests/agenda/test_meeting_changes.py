"""Moving, editing, cancelling meetings: SEQUENCE, 「中止」 with its reason, series, bad input."""

from __future__ import annotations

from sqlalchemy import select

from agenda.meetings.models import Meeting, MeetingNote
from tests.agenda import scenario as sc
from tests.helpers import assert_problem

REASON = "台風接近のため中止します（架空理由R5）"


def _meeting(coordinator, people, *logins, **extra):
    attendees = [{"member_id": people.members[login]} for login in logins]
    body = sc.meeting_body("shien", attendees, **extra)
    return coordinator.ok(coordinator.post("/meetings", body), 201)


def _ics(member, meeting_id):
    response = member.get(f"/meetings/{meeting_id}/invitation.ics")
    assert response.status_code == 200, response.text
    return response.content.decode("utf-8").replace("\r\n ", "")


def test_cancel_tells_members_and_cancels_their_invitation(coordinator, people, api, suite):
    meeting = _meeting(coordinator, people, "demo-member-1", "demo-member-4")
    member = api("demo-member-1")
    assert "SEQUENCE:0" in _ics(member, meeting["id"])
    out = coordinator.ok(
        coordinator.post(f"/meetings/{meeting['id']}/cancel", {"reason": f"  {REASON} "})
    )
    assert (out["status"], out["status_label"], out["sequence"]) == ("cancelled", "中止", 1)
    assert out["cancel_reason"] == REASON

    listed = member.ok(member.get("/meetings"))[0]
    assert (listed["status_label"], listed["cancel_reason"]) == ("中止", REASON)
    view = member.ok(member.get(f"/meetings/{meeting['id']}/agenda"))
    assert view["meeting"]["status_label"] == "中止" and view["items"] == []
    assert view["meeting"]["cancel_reason"] == REASON
    ics = _ics(member, meeting["id"])
    assert "METHOD:CANCEL" in ics and "STATUS:CANCELLED" in ics and "SEQUENCE:1" in ics
    assert REASON not in ics

    # Without a pledge: 「中止」, but the sealed reason stays closed.
    unpledged = api("demo-member-4")
    view = unpledged.ok(unpledged.get(f"/meetings/{meeting['id']}/agenda"))
    assert view["meeting"]["status_label"] == "中止" and view["meeting"]["cancel_reason"] is None
    assert "METHOD:CANCEL" in _ics(unpledged, meeting["id"])

    # The reason is sealed at rest.
    with suite.dbs["agenda"].session() as session:
        note = session.scalar(select(MeetingNote).where(MeetingNote.meeting_id == meeting["id"]))
        assert note is not None and REASON not in str(note.sealed_fields)


def test_cancelled_meeting_refuses_changes(coordinator, people):
    meeting = _meeting(coordinator, people, "demo-member-1")
    case = coordinator.ok(coordinator.post("/cases", sc.case_body(people)), 201)
    coordinator.ok(coordinator.post(f"/meetings/{meeting['id']}/cancel", {"reason": REASON}))
    path = f"/meetings/{meeting['id']}"
    assert_problem(coordinator.post(f"{path}/cancel", {"reason": REASON}), 409, "already_cancelled")
    assert_problem(coordinator.patch(path, {"place": "別室"}), 409, "meeting_cancelled")
    assert_problem(
        coordinator.post(f"{path}/items", sc.item_body(case["id"], "shien")),
        409,
        "meeting_cancelled",
    )
    assert_problem(
        coordinator.post(
            f"{path}/attendees", {"attendees": [{"member_id": people.members["demo-member-2"]}]}
        ),
        409,
        "meeting_cancelled",
    )
    assert coordinator.ok(coordinator.get(path))["sequence"] == 1


def test_bad_cancel_input_changes_nothing(coordinator, people):
    meeting = _meeting(coordinator, people, "demo-member-1")
    path = f"/meetings/{meeting['id']}/cancel"
    for body in ({}, {"reason": ""}, {"reason": "   "}, {"reason": "理" * 2000}):
        assert_problem(coordinator.post(path, body), 422)
    assert_problem(coordinator.post(path, {"reason": REASON, "scope": "all"}), 422)
    assert_problem(coordinator.post(path, {"reason": REASON, "extra": 1}), 422)
    assert_problem(coordinator.post("/meetings/nope/cancel", {"reason": REASON}), 404)
    assert coordinator.ok(coordinator.get(f"/meetings/{meeting['id']}"))["status"] == "scheduled"


def test_members_cannot_cancel_or_move(coordinator, people, api):
    meeting = _meeting(coordinator, people, "demo-member-1")
    member = api("demo-member-1")
    assert_problem(member.post(f"/meetings/{meeting['id']}/cancel", {"reason": REASON}), 403)
    assert_problem(member.patch(f"/meetings/{meeting['id']}", {"place": "別室"}), 403)


def test_every_change_of_time_or_place_raises_sequence(coordinator, people, api):
    meeting = _meeting(coordinator, people, "demo-member-1")
    path = f"/meetings/{meeting['id']}"
    assert coordinator.ok(coordinator.patch(path, {"title": "題名だけ変更"}))["sequence"] == 0
    moved = coordinator.ok(
        coordinator.patch(
            path,
            {"starts_at": "2027-01-12T10:00:00+09:00", "ends_at": "2027-01-12T11:30:00+09:00"},
        )
    )
    assert moved["sequence"] == 1 and moved["starts_at"] == "2027-01-12T10:00:00+09:00"
    assert coordinator.ok(coordinator.patch(path, {"place": "別館 会議室"}))["sequence"] == 2
    ics = _ics(api("demo-member-1"), meeting["id"])
    assert "SEQUENCE:2" in ics and "DTSTART:20270112T010000Z" in ics and "別館 会議室" in ics
    assert "METHOD:REQUEST" in ics
    # A move that ends before it starts is refused and changes nothing.
    assert_problem(coordinator.patch(path, {"ends_at": "2027-01-12T09:00:00+09:00"}), 422)
    assert coordinator.ok(coordinator.get(path))["sequence"] == 2


def _series(coordinator, people, **recurrence):
    body = sc.meeting_body(
        "shien",
        [{"member_id": people.members["demo-member-1"]}],
        starts_at="2027-02-02T14:00:00+09:00",
        ends_at="2027-02-02T15:00:00+09:00",
        recurrence={"frequency": "monthly", "count": 4, **recurrence},
    )
    return coordinator.ok(coordinator.post("/meetings", body), 201)


def _starts(coordinator, ids):
    return [coordinator.ok(coordinator.get(f"/meetings/{i}"))["starts_at"] for i in ids]


def test_series_this_and_following(coordinator, people, suite):
    made = _series(coordinator, people, weekday=1, week_of_month=1)
    ids = made["series"]
    assert made["recurrence_label"].startswith("毎月第1火曜日")
    assert _starts(coordinator, ids) == [
        "2027-02-02T14:00:00+09:00",
        "2027-03-02T14:00:00+09:00",
        "2027-04-06T14:00:00+09:00",
        "2027-05-04T14:00:00+09:00",
    ]
    # Only this one: the next meeting keeps its time.
    coordinator.ok(
        coordinator.patch(
            f"/meetings/{ids[0]}",
            {"starts_at": "2027-02-02T15:00:00+09:00", "ends_at": "2027-02-02T16:00:00+09:00"},
        )
    )
    assert _starts(coordinator, ids)[1] == "2027-03-02T14:00:00+09:00"
    # This and the following: one hour later each, in a series of their own.
    out = coordinator.ok(
        coordinator.patch(
            f"/meetings/{ids[1]}",
            {
                "starts_at": "2027-03-02T13:00:00+09:00",
                "ends_at": "2027-03-02T14:00:00+09:00",
                "scope": "following",
            },
        )
    )
    assert out["changed"] == ids[1:]
    assert _starts(coordinator, ids) == [
        "2027-02-02T15:00:00+09:00",
        "2027-03-02T13:00:00+09:00",
        "2027-04-06T13:00:00+09:00",
        "2027-05-04T13:00:00+09:00",
    ]
    later = coordinator.ok(coordinator.get(f"/meetings/{ids[2]}"))
    assert later["sequence"] == 1 and later["series_id"] != made["series_id"]
    assert later["recurrence_label"].startswith("毎月第1火曜日 13:00〜14:00")
    # Cancel the third and the following.
    done = coordinator.ok(
        coordinator.post(f"/meetings/{ids[2]}/cancel", {"reason": REASON, "scope": "following"})
    )
    assert done["changed"] == ids[2:]
    with suite.dbs["agenda"].session() as session:
        statuses = [session.get(Meeting, i).status for i in ids]
    assert statuses == ["scheduled", "scheduled", "cancelled", "cancelled"]


def test_closed_days_move_or_skip(coordinator, people):
    # 23 November 2027 is 勤労感謝の日; 23 January 2028 a Sunday.
    def series(rule):
        body = sc.meeting_body(
            "shien",
            [],
            starts_at="2027-11-23T10:00:00+09:00",
            ends_at="2027-11-23T11:00:00+09:00",
            recurrence={"frequency": "monthly", "count": 3, "closed_days": rule},
        )
        made = coordinator.ok(coordinator.post("/meetings", body), 201)
        return [s[:10] for s in _starts(coordinator, made["series"])], made["recurrence_label"]

    assert series("ignore")[0] == ["2027-11-23", "2027-12-23", "2028-01-23"]
    moved, label = series("next")
    assert moved == ["2027-11-24", "2027-12-23", "2028-01-24"]
    assert "（土日祝日・年末年始は翌開庁日）" in label
    assert series("previous")[0] == ["2027-11-22", "2027-12-23", "2028-01-21"]
    assert series("skip")[0] == ["2027-12-23"]
    assert_problem(
        coordinator.post(
            "/meetings",
            sc.meeting_body("shien", [], recurrence={"frequency": "monthly", "closed_days": "x"}),
        ),
        422,
    )


def test_check_before_saving(coordinator, people):
    m1 = people.members["demo-member-1"]
    first = _meeting(
        coordinator,
        people,
        "demo-member-1",
        starts_at="2030-12-03T10:00:00+09:00",
        ends_at="2030-12-03T11:00:00+09:00",
    )
    proposal = sc.meeting_body(
        "shien",
        [{"member_id": m1}],
        starts_at="2030-12-03T10:30:00+09:00",
        ends_at="2030-12-03T11:30:00+09:00",
        place="かさね市役所３階 会議室Ａ",
    )
    found = coordinator.ok(coordinator.post("/meetings/check", proposal))
    assert found["needs_confirmation"] is True
    assert [c["other_meeting_id"] for c in found["conflicts"]] == [first["id"]]
    assert [r["other_meeting_id"] for r in found["room_conflicts"]] == [first["id"]]
    assert {w["code"] for w in found["warnings"]} == {"double_booking", "room_clash"}
    # Nothing was saved by the check.
    assert len(coordinator.ok(coordinator.get("/meetings"))) == 1

    past = sc.meeting_body(
        "shien",
        [],
        starts_at="2020-01-11T10:00:00+09:00",
        ends_at="2020-01-11T11:00:00+09:00",
        place="別の部屋",
    )
    found = coordinator.ok(coordinator.post("/meetings/check", past))
    assert found["past"] and found["closed_days"][0]["reason"] == "土曜日"
    assert {w["code"] for w in found["warnings"]} == {"past_date", "closed_day"}

    # Moving the first meeting onto itself is no clash; a cancelled meeting clashes with nothing.
    assert not coordinator.ok(coordinator.post(f"/meetings/{first['id']}/check", {"title": "x"}))[
        "needs_confirmation"
    ]
    coordinator.ok(coordinator.post(f"/meetings/{first['id']}/cancel", {"reason": REASON}))
    found = coordinator.ok(coordinator.post("/meetings/check", proposal))
    assert not found["conflicts"] and not found["room_conflicts"]
    assert_problem(coordinator.post(f"/meetings/{first['id']}/check", {"title": "x"}), 409)
    assert_problem(coordinator.post("/meetings/check", {"kind": "shien"}), 422)
