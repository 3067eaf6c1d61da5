"""The pages of a member without a pledge: time, place and kind label; minutes refused with why."""

from __future__ import annotations

from tests.agenda.scenario import MEETING_TITLE, TITLE, case_body, item_body, meeting_body
from tests.helpers import auth, distribute, token_for
from tests.web.conftest import sign_in

# path → the status the page answers ("{m}" the meeting)
PAGES = {
    "/": 200,
    "/meetings": 200,
    "/meetings/{m}": 200,
    "/meetings/{m}/minutes": 200,
    "/meetings/{m}/minutes/versions": 403,
    "/meetings/{m}/word": 403,
}


def _approved_meeting(web, people) -> tuple[str, str]:
    coordinator = auth(token_for(web, "demo-coordinator"))
    invited = [
        {"member_id": people.members[m], "required": True}
        for m in ("demo-member-1", "demo-member-4")
    ]
    case = web.post("/agenda/cases", json=case_body(people), headers=coordinator).json()
    meeting = web.post(
        "/agenda/meetings", json=meeting_body("shien", invited), headers=coordinator
    ).json()
    item = web.post(
        f"/agenda/meetings/{meeting['id']}/items",
        json=item_body(case["id"], "shien"),
        headers=coordinator,
    ).json()
    distribute(web, coordinator, meeting["id"])
    path = f"/minutes/meetings/{meeting['id']}/minutes"
    body = {
        "attendance": [m["member_id"] for m in invited],
        "items": [{"agenda_item_id": item["id"], "discussion": "見守り体制を確認した。"}],
    }
    assert web.put(path, json=body, headers=coordinator).status_code == 200
    for step in ("submit", "approve"):
        done = web.post(f"{path}/{step}", headers=coordinator)
        assert done.status_code == 200, done.text
    return meeting["id"], done.json()["content_hash"]


def test_pages_without_a_pledge_show_the_kind_not_the_title(web, people):
    meeting_id, content_hash = _approved_meeting(web, people)
    sign_in(web, "demo-member-1")
    assert MEETING_TITLE in web.get("/meetings").text  # the title is there to be hidden
    sign_in(web, "demo-member-4")
    for template, status in PAGES.items():
        path = template.format(m=meeting_id)
        page = web.get(path)
        assert page.status_code == status, (path, page.text)
        assert page.headers["content-type"].startswith("text/html"), path
        for secret in (MEETING_TITLE, TITLE, content_hash, "見守り体制", "社協 二郎"):
            assert secret not in page.text, (path, secret)
        if status == 403:
            assert "誓約書" in page.text, path
    listed = web.get("/meetings").text
    assert "支援会議" in listed
    minutes = web.get(f"/meetings/{meeting_id}/minutes").text
    assert f"/pledges/shien?next=/meetings/{meeting_id}/minutes" in minutes
