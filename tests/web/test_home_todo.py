"""ホーム as a to-do list: invitations, unread agendas, minutes to confirm and approve, pledges."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import update

from identity.pledges.models import Pledge
from tests.agenda.scenario import case_body, item_body, meeting_body
from tests.helpers import auth, distribute, token_for
from tests.web.conftest import sign_in
from web.home.service import expiring


def _section(html: str, key: str) -> str:
    match = re.search(
        rf'<section aria-labelledby="h-todo-{key}" data-todo="{key}">(.*?)</section>', html, re.S
    )
    assert match, key
    return match.group(1)


def _meeting(web, people, coordinator) -> tuple[str, str]:
    attendees = [{"member_id": people.members["demo-member-1"], "required": True}]
    start = (datetime.now(UTC) + timedelta(days=3)).replace(microsecond=0)
    when = {"starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=1)).isoformat()}
    meeting = web.post(
        "/agenda/meetings", json=meeting_body("shien", attendees) | when, headers=coordinator
    ).json()
    case = web.post("/agenda/cases", json=case_body(people), headers=coordinator).json()
    item = web.post(
        f"/agenda/meetings/{meeting['id']}/items",
        json=item_body(case["id"], "shien"),
        headers=coordinator,
    ).json()
    return meeting["id"], item["id"]


def test_member_and_coordinator_see_what_waits(suite, web, people):
    coordinator = auth(token_for(web, "demo-coordinator"))
    invited, _ = _meeting(web, people, coordinator)
    reviewed, item_id = _meeting(web, people, coordinator)
    distribute(web, coordinator, reviewed)
    path = f"/minutes/meetings/{reviewed}/minutes"
    body = {
        "attendance": [people.members["demo-member-1"]],
        "items": [{"agenda_item_id": item_id, "discussion": "見守り体制を確認した。"}],
    }
    assert web.put(path, json=body, headers=coordinator).status_code == 200
    assert web.post(f"{path}/submit", headers=coordinator).status_code == 200
    soon = date.today() + timedelta(days=10)
    with suite.dbs["identity"].session() as session:
        session.execute(
            update(Pledge)
            .where(Pledge.member_id == people.members["demo-member-1"])
            .where(Pledge.conference_kind == "shien")
            .values(valid_until=soon)
        )

    sign_in(web, "demo-member-1")
    home = web.get("/")
    assert home.status_code == 200
    assert '<h2 id="h-todo">やること</h2>' in home.text
    invitations = _section(home.text, "invitations")
    assert f'href="/meetings/{invited}"' in invitations and "2件" in invitations
    unread = _section(home.text, "unread")
    assert f'href="/meetings/{reviewed}"' in unread and f'/meetings/{invited}"' not in unread
    confirm = _section(home.text, "to_confirm")
    assert f'href="/meetings/{reviewed}/minutes"' in confirm and "第1版" in confirm
    assert "いまはありません。" in _section(home.text, "to_approve")
    pledges = _section(home.text, "pledges")
    assert "支援会議" in pledges and 'href="/pledges/shien"' in pledges
    assert 'data-todo="due"' not in home.text  # coordinators only

    web.get(f"/meetings/{reviewed}")  # reading the agenda takes it off the list
    assert f'href="/meetings/{reviewed}"' not in _section(web.get("/").text, "unread")

    sign_in(web, "demo-coordinator")
    home = web.get("/")
    assert f'href="/meetings/{reviewed}/minutes"' in _section(home.text, "to_approve")
    assert 'data-todo="due"' in home.text


def test_english_labels(web, people):
    sign_in(web, "demo-member-2")
    web.cookies.set("kasane_lang", "en")
    home = web.get("/").text
    assert '<h2 id="h-todo">To do</h2>' in home and "Nothing right now." in home


def test_expiring_keeps_the_latest_pledge_of_each_kind():
    today = date(2026, 11, 30)
    pledges = [
        {"conference_kind": "shien", "valid": True, "valid_until": "2026-12-20"},
        {"conference_kind": "jusou", "valid": True, "valid_until": "2026-12-20"},
        {"conference_kind": "jusou", "valid": True, "valid_until": "2027-03-31"},
        {"conference_kind": "shien", "valid": False, "valid_until": "2027-03-31"},
    ]
    assert [p["conference_kind"] for p in expiring(pledges, today)] == ["shien"]
    assert expiring(pledges, date(2026, 10, 1)) == []
