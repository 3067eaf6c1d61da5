"""Print views: agenda and plan with 取扱注意, the Art. 106-6 notice, invitees, the print date."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from kasane_shared.wareki import format_date
from tests.agenda.scenario import case_body, item_body, meeting_body
from tests.helpers import auth, distribute, token_for
from tests.web.conftest import sign_in

NOTICE = "社会福祉法第106条の6"


def _today() -> str:
    return format_date(datetime.now(ZoneInfo("Asia/Tokyo")).date())


def _meeting(web, people) -> tuple[str, str]:
    headers = auth(token_for(web, "demo-coordinator"))
    case = web.post("/agenda/cases", json=case_body(people), headers=headers).json()
    attendees = [
        {"member_id": people.members[m], "required": True}
        for m in ("demo-member-1", "demo-member-4")
    ]
    meeting = web.post(
        "/agenda/meetings",
        json=meeting_body("shien", attendees, host_organization_id=people.organizations["welfare"]),
        headers=headers,
    ).json()
    web.post(
        f"/agenda/meetings/{meeting['id']}/items",
        json=item_body(case["id"], "shien"),
        headers=headers,
    )
    distribute(web, headers, meeting["id"])
    return meeting["id"], case["id"]


def test_agenda_print_for_a_member(web, people):
    meeting_id, _ = _meeting(web, people)
    sign_in(web, "demo-member-1")
    assert f'href="/meetings/{meeting_id}/print"' in web.get(f"/meetings/{meeting_id}").text
    page = web.get(f"/meetings/{meeting_id}/print")
    assert page.status_code == 200
    html = page.text
    assert 'id="handling-mark">取扱注意<' in html and NOTICE in html and "守秘義務" in html
    assert _today() in html and "print.css" in html
    invitees = re.search(r'id="invitees">(.*?)</section>', html, re.S)
    assert invitees and "社協 二郎" in invitees.group(1) and "（2）" in invitees.group(1)
    assert "［税情報］" in html and "site-nav" not in html


def test_agenda_print_without_a_pledge_shows_no_content(web, people):
    meeting_id, _ = _meeting(web, people)
    sign_in(web, "demo-member-4")
    html = web.get(f"/meetings/{meeting_id}/print").text
    assert "取扱注意" in html and 'id="invitees"' not in html and "［税情報］" not in html


def test_plan_print_with_four_roles(web, people):
    _, case_id = _meeting(web, people)
    headers = auth(token_for(web, "demo-coordinator"))
    orgs = list(people.organizations.values())
    roles = [{"organization_id": orgs[n], "duty": f"印刷役割{n + 1}"} for n in range(4)]
    plan = web.post(
        f"/agenda/cases/{case_id}/plans",
        json={"status": "plan_creation", "goals": "外出", "wishes": "家にいたい", "roles": roles},
        headers=headers,
    ).json()
    sign_in(web, "demo-coordinator")
    html = web.get(f"/cases/{case_id}/plans/{plan['id']}/print").text
    assert "取扱注意" in html and NOTICE in html and _today() in html
    assert all(f"印刷役割{n}" in html for n in range(1, 5)) and "家にいたい" in html
    assert 'id="agencies"' in html
    sign_in(web, "demo-member-1")
    refused = web.get(f"/cases/{case_id}/plans/{plan['id']}/print", follow_redirects=False)
    assert refused.status_code in (303, 403) and "印刷役割1" not in refused.text


def test_english_print_keeps_the_marks(web, people):
    meeting_id, _ = _meeting(web, people)
    sign_in(web, "demo-member-1")
    page = web.get(f"/meetings/{meeting_id}/print")
    token = re.search(r'name="csrf_token" value="([^"]+)"', web.get("/").text).group(1)
    web.post("/lang", data={"csrf_token": token, "lang": "en", "next": "/"})
    html = web.get(f"/meetings/{meeting_id}/print").text
    assert (
        "Handle with care" in html
        and "Art. 106-6" in html
        and 'class="print-view print-en"' in html
    )
    assert page.status_code == 200
