"""The minutes editor: 役割分担 rows beyond three (each save brings an empty row more)."""

from __future__ import annotations

from tests.agenda.scenario import case_body, item_body, meeting_body
from tests.helpers import auth, token_for
from tests.web.conftest import csrf_of, sign_in


def _meeting(web, people) -> tuple[str, str]:
    coordinator = auth(token_for(web, "demo-coordinator"))
    case = web.post("/agenda/cases", json=case_body(people), headers=coordinator).json()
    attendees = [{"member_id": people.members["demo-member-1"], "required": True}]
    meeting = web.post(
        "/agenda/meetings", json=meeting_body("shien", attendees), headers=coordinator
    ).json()
    item = web.post(
        f"/agenda/meetings/{meeting['id']}/items",
        json=item_body(case["id"], "shien"),
        headers=coordinator,
    ).json()
    return meeting["id"], item["id"]


def test_a_fourth_and_fifth_role_row(web, people):
    meeting_id, key = _meeting(web, people)
    orgs = list(people.organizations.values())
    sign_in(web, "demo-coordinator")
    page = web.get(f"/meetings/{meeting_id}/minutes").text
    assert page.count(f'name="{key}.roles.') == 3 * 3 and f'name="{key}.roles.3.duty"' not in page
    form = {"csrf_token": csrf_of(page), f"{key}.discussion": "役割を分けた。"}
    for n in range(4):
        form[f"{key}.roles.{n}.organization_id"] = orgs[n]
        form[f"{key}.roles.{n}.duty"] = f"分担{n + 1}"
    saved = web.post(f"/meetings/{meeting_id}/minutes", data=form)
    assert saved.status_code == 200, saved.text[-500:]
    page = web.get(f"/meetings/{meeting_id}/minutes").text
    assert all(f'value="分担{n}"' in page for n in range(1, 5))
    assert f'name="{key}.roles.4.duty"' in page and f'name="{key}.roles.5.duty"' not in page
