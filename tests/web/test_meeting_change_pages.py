"""Meeting pages: confirm step before saving, move, cancel with a reason, 「中止」 for members."""

from __future__ import annotations

import re

from tests.web.conftest import csrf_of, sign_in


def _schedule(web, people, **values):
    page = web.get("/meetings/new")
    form = {
        "csrf_token": csrf_of(page.text),
        "kind": "shien",
        "title": "定例支援会議",
        "date": "2030-12-03",
        "start_time": "10:00",
        "end_time": "11:00",
        "place": "かさね市役所 3階 会議室A",
        "attendees": [people.members["demo-member-1"]],
        "rhythm": "adhoc",
        "action": "create",
        **values,
    }
    return web.post("/meetings/new", data=form, follow_redirects=False)


def test_double_booking_and_past_date_are_confirmed_before_saving(web, people):
    sign_in(web, "demo-coordinator")
    first = _schedule(web, people)
    assert first.status_code == 303
    clash = _schedule(web, people, start_time="10:30", end_time="11:30")
    assert clash.status_code == 200 and "登録の前に確認してください" in clash.text
    assert "社協 二郎さんは同じ時間帯" in clash.text and "同じ場所で別の会議" in clash.text
    # The typed values are still there, and nothing was saved yet.
    assert 'value="10:30"' in clash.text
    assert web.get("/meetings").text.count("定例支援会議") == 1
    confirmed = _schedule(web, people, start_time="10:30", end_time="11:30", confirmed="1")
    assert confirmed.status_code == 303
    past = _schedule(web, people, date="2020-01-14", place="別室")
    assert "過去の日時です" in past.text


def test_series_by_nth_weekday_with_holidays_moved(web, people):
    sign_in(web, "demo-coordinator")
    made = _schedule(
        web,
        people,
        date="2027-01-01",
        rhythm="monthly",
        count="2",
        monthly_by="nth",
        week_of_month="2",
        weekday="0",
        closed_days="next",
        confirmed="1",
    )
    assert made.status_code == 303
    manage = web.get(made.headers["location"]).text
    assert "毎月第2月曜日 10:00〜11:00（土日祝日・年末年始は翌開庁日）（全2回）" in manage


def test_move_and_cancel_from_the_pages(web, people, suite):
    sign_in(web, "demo-coordinator")
    meeting_id = _schedule(web, people).headers["location"].split("/")[-2]
    edit = web.get(f"/meetings/{meeting_id}/edit")
    moved = web.post(
        f"/meetings/{meeting_id}/edit",
        data={
            "csrf_token": csrf_of(edit.text),
            "title": "定例支援会議",
            "date": "2030-12-10",
            "start_time": "13:00",
            "end_time": "14:00",
            "place": "別館 会議室",
        },
        follow_redirects=False,
    )
    assert moved.status_code == 303
    assert "令和12年12月10日" in web.get(f"/meetings/{meeting_id}/manage").text
    page = web.get(f"/meetings/{meeting_id}/cancel")
    assert "元に戻せません" in page.text
    empty = web.post(
        f"/meetings/{meeting_id}/cancel", data={"csrf_token": csrf_of(page.text), "reason": ""}
    )
    assert empty.status_code == 422 and 'aria-invalid="true"' in empty.text
    done = web.post(
        f"/meetings/{meeting_id}/cancel",
        data={"csrf_token": csrf_of(page.text), "reason": "会場の都合により中止"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    web.post("/logout", data={"csrf_token": csrf_of(page.text)})
    sign_in(web, "demo-member-1")
    listing = web.get("/meetings").text
    assert re.search(r"中止</span>\s*定例支援会議", listing)
    assert "会場の都合により中止" in listing
    agenda = web.get(f"/meetings/{meeting_id}").text
    assert "この会議は中止になりました。" in agenda and "会場の都合により中止" in agenda
    ics = web.get(f"/meetings/{meeting_id}/invitation.ics")
    assert ics.headers["content-type"].startswith("text/calendar")
    assert "METHOD:CANCEL" in ics.text and "STATUS:CANCELLED" in ics.text
