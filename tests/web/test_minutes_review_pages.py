"""Minutes review pages: case named per item, members confirm and comment, reasons, versions."""

from __future__ import annotations

import re

from tests.agenda.scenario import TITLE, case_body, item_body, meeting_body
from tests.helpers import auth, token_for
from tests.web.conftest import csrf_of, sign_in


def _minutes_in_review(web, people) -> str:
    coordinator = auth(token_for(web, "demo-coordinator"))
    case = web.post("/agenda/cases", json=case_body(people), headers=coordinator).json()
    member = people.members["demo-member-1"]
    attendees = [{"member_id": member, "required": True}]
    meeting = web.post(
        "/agenda/meetings", json=meeting_body("shien", attendees), headers=coordinator
    ).json()
    item = web.post(
        f"/agenda/meetings/{meeting['id']}/items",
        json=item_body(case["id"], "shien"),
        headers=coordinator,
    ).json()
    body = {
        "attendance": [member],
        "items": [{"agenda_item_id": item["id"], "discussion": "見守り体制を確認した。"}],
    }
    path = f"/minutes/meetings/{meeting['id']}/minutes"
    assert web.put(path, json=body, headers=coordinator).status_code == 200
    return meeting["id"]


def test_member_confirms_and_comments_the_coordinator_sees_who(web, people):
    meeting_id = _minutes_in_review(web, people)
    sign_in(web, "demo-member-1")
    hidden = web.get(f"/meetings/{meeting_id}/minutes")  # a draft stays with the coordinators
    assert "会議録はまだありません。" in hidden.text and "見守り体制" not in hidden.text
    sign_in(web, "demo-coordinator")
    page = web.get(f"/meetings/{meeting_id}/minutes")
    assert re.search(rf"R\d+-\d{{4}}</span> {TITLE} —", page.text)
    web.post(f"/meetings/{meeting_id}/minutes/submit", data={"csrf_token": csrf_of(page.text)})

    sign_in(web, "demo-member-1")
    page = web.get(f"/meetings/{meeting_id}/minutes")
    assert "確認しました" in page.text and "見守り体制を確認した。" in page.text
    token = csrf_of(page.text)
    blank = web.post(
        f"/meetings/{meeting_id}/minutes/comments", data={"csrf_token": token, "text": " "}
    )
    assert blank.status_code == 422 and "この欄を入力してください。" in blank.text
    said = web.post(
        f"/meetings/{meeting_id}/minutes/comments",
        data={"csrf_token": token, "text": "日付の誤りがあります"},
    )
    assert "日付の誤りがあります" in said.text
    done = web.post(f"/meetings/{meeting_id}/minutes/confirm", data={"csrf_token": token})
    assert "この版は確認済みです。" in done.text
    twice = web.post(f"/meetings/{meeting_id}/minutes/confirm", data={"csrf_token": token})
    assert twice.status_code == 409 and "すでに確認済み" in twice.text

    sign_in(web, "demo-coordinator")
    page = web.get(f"/meetings/{meeting_id}/minutes")
    confirmed = page.text[page.text.index('id="confirmations"') :]
    assert "✓" in confirmed.split("</ul>")[0] and "日付の誤りがあります" in page.text


def test_correction_asks_for_a_reason_and_the_history_shows_it(web, people):
    meeting_id = _minutes_in_review(web, people)
    sign_in(web, "demo-coordinator")
    token = csrf_of(web.get(f"/meetings/{meeting_id}/minutes").text)
    for step in ("submit", "approve"):
        web.post(f"/meetings/{meeting_id}/minutes/{step}", data={"csrf_token": token})
    refused = web.post(
        f"/meetings/{meeting_id}/minutes/correction", data={"csrf_token": token, "reason": ""}
    )
    assert refused.status_code == 422 and "訂正の理由を1000文字以内で" in refused.text
    started = web.post(
        f"/meetings/{meeting_id}/minutes/correction",
        data={"csrf_token": token, "reason": "出席者の記載漏れ"},
    )
    assert started.status_code == 200 and "下書き" in started.text
    history = web.get(f"/meetings/{meeting_id}/minutes/versions")
    assert history.status_code == 200
    rows = history.text[history.text.index('id="versions"') :]
    assert "第1版" in rows and "第2版" in rows and "出席者の記載漏れ" in rows
    sign_in(web, "demo-member-1")
    kept = web.get(f"/meetings/{meeting_id}/minutes")
    assert "承認済み" in kept.text and "第1版" in kept.text
    member_history = web.get(f"/meetings/{meeting_id}/minutes/versions").text
    assert "第2版" not in member_history  # the correction is still a draft
