"""Agenda building without a script: 「上へ」「下へ」, removal after a confirmation, duplicates."""

from __future__ import annotations

import re

from tests.agenda.scenario import case_body, item_body, meeting_body
from tests.helpers import auth, token_for
from tests.web.conftest import csrf_of, sign_in


def _agenda(web, people, n: int = 3) -> tuple[str, list[str], list[str]]:
    coordinator = auth(token_for(web, "demo-coordinator"))
    attendees = [{"member_id": people.members["demo-member-1"], "required": True}]
    meeting = web.post(
        "/agenda/meetings", json=meeting_body("shien", attendees), headers=coordinator
    ).json()
    cases, items = [], []
    for k in range(n):
        case = web.post(
            "/agenda/cases", json=case_body(people, title=f"並べ替え{k}"), headers=coordinator
        ).json()
        item = web.post(
            f"/agenda/meetings/{meeting['id']}/items",
            json=item_body(case["id"], "shien"),
            headers=coordinator,
        ).json()
        cases.append(case["id"])
        items.append(item["id"])
    return meeting["id"], cases, items


def _shown(html: str) -> list[str]:
    return re.findall(r'<article class="item" id="item-([0-9a-f]+)"', html)


def _move(web, meeting_id, item_id, direction, order):
    token = csrf_of(web.get(f"/meetings/{meeting_id}/manage").text)
    return web.post(
        f"/meetings/{meeting_id}/items/{item_id}/move",
        data={"csrf_token": token, "direction": direction, "order": ",".join(order)},
        follow_redirects=False,
    )


def test_up_and_down_buttons_move_an_item(web, people):
    meeting_id, _, items = _agenda(web, people)
    sign_in(web, "demo-coordinator")
    page = web.get(f"/meetings/{meeting_id}/manage").text
    assert _shown(page) == items
    assert "「並べ替え0」を一つ上へ" in page and "上へ</button>" in page
    moved = _move(web, meeting_id, items[2], "up", items)
    assert moved.status_code == 303
    assert moved.headers["location"] == f"/meetings/{meeting_id}/manage#item-{items[2]}"
    after = web.get(moved.headers["location"]).text
    assert _shown(after) == [items[0], items[2], items[1]]
    assert "議題の順番を変えました。" in after
    # The first cannot go up; a page showing an older order changes nothing.
    assert _move(web, meeting_id, items[0], "up", [items[0], items[2], items[1]]).status_code == 303
    stale = _move(web, meeting_id, items[0], "down", items[:2])
    assert "別の操作で変わっていた" in web.get(stale.headers["location"]).text
    assert _shown(web.get(f"/meetings/{meeting_id}/manage").text) == [items[0], items[2], items[1]]


def test_the_script_gets_json_for_the_whole_order(web, people):
    meeting_id, _, items = _agenda(web, people)
    sign_in(web, "demo-coordinator")
    token = csrf_of(web.get(f"/meetings/{meeting_id}/manage").text)
    url, json_accept = f"/meetings/{meeting_id}/order", {"Accept": "application/json"}
    done = web.post(url, data={"csrf_token": token, "item_ids": items[::-1]}, headers=json_accept)
    assert done.status_code == 200 and done.json()["ok"] is True
    stale = web.post(url, data={"csrf_token": token, "item_ids": items[:1]}, headers=json_accept)
    assert stale.status_code == 409 and "読み込み直して" in stale.json()["message"]
    refused = web.post(url, data={"item_ids": items}, headers=json_accept)
    assert refused.status_code == 403
    assert _shown(web.get(f"/meetings/{meeting_id}/manage").text) == items[::-1]


def test_removal_asks_first_and_twice_says_it_is_gone(web, people):
    meeting_id, _, items = _agenda(web, people, n=2)
    sign_in(web, "demo-coordinator")
    manage = web.get(f"/meetings/{meeting_id}/manage").text
    assert f'href="/meetings/{meeting_id}/items/{items[0]}/delete"' in manage
    confirm = web.get(f"/meetings/{meeting_id}/items/{items[0]}/delete")
    assert confirm.status_code == 200 and "議題から外す前の確認" in confirm.text
    assert "並べ替え0" in confirm.text and "事例そのものは残ります" in confirm.text
    assert _shown(web.get(f"/meetings/{meeting_id}/manage").text) == items  # nothing yet
    token = csrf_of(confirm.text)
    url = f"/meetings/{meeting_id}/items/{items[0]}/delete"
    first = web.post(url, data={"csrf_token": token}, follow_redirects=False)
    assert "議題から外しました。" in web.get(first.headers["location"]).text
    second = web.post(url, data={"csrf_token": token}, follow_redirects=False)
    assert second.status_code == 303
    assert "すでに外されています" in web.get(second.headers["location"]).text
    gone = web.get(url, follow_redirects=False)
    assert gone.status_code == 303
    assert _shown(web.get(f"/meetings/{meeting_id}/manage").text) == items[1:]


def test_a_duplicate_case_asks_before_it_is_added(web, people):
    meeting_id, cases, items = _agenda(web, people, n=1)
    sign_in(web, "demo-coordinator")
    token = csrf_of(web.get(f"/meetings/{meeting_id}/manage").text)
    form = {"csrf_token": token, "case_id": cases[0], "purpose": "policy", "minutes": "15"}
    asked = web.post(f"/meetings/{meeting_id}/items", data={**form, "briefing": "二度目の説明"})
    assert asked.status_code == 409 and "この事例はすでに議題にあります" in asked.text
    assert 'name="allow_duplicate" value="1"' in asked.text and "二度目の説明" in asked.text
    assert _shown(asked.text) == items
    added = web.post(
        f"/meetings/{meeting_id}/items",
        data={**form, "allow_duplicate": "1"},
        follow_redirects=False,
    )
    assert added.status_code == 303
    assert len(_shown(web.get(f"/meetings/{meeting_id}/manage").text)) == 2
