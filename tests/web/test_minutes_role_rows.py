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


def test_a_rejected_save_gives_back_everything_typed(web, people):
    meeting_id, key = _meeting(web, people)
    orgs = list(people.organizations.values())
    member = people.members["demo-member-1"]
    sign_in(web, "demo-coordinator")
    page = web.get(f"/meetings/{meeting_id}/minutes").text
    form = {
        "csrf_token": csrf_of(page),
        "attendance": member,
        f"{key}.discussion": "支援の<方針>を話した。",
        f"{key}.decisions": "訪問を増やす。",
        f"{key}.monitoring_on": "2026-12-24",
        # Row 0 left empty: the rows sent are 1 and 2, the service numbers them 0 and 1.
        f"{key}.roles.1.organization_id": orgs[0],
        f"{key}.roles.1.duty": "週1回の見守り",
        f"{key}.roles.1.due": "2026-12-31",
        f"{key}.roles.2.organization_id": orgs[1],
        f"{key}.roles.2.duty": '"配食" & <調整>',
        f"{key}.roles.2.due": "2026-13-45",
    }
    saved = web.post(f"/meetings/{meeting_id}/minutes", data=form)
    assert saved.status_code == 422, saved.text[-500:]
    page = saved.text
    assert "支援の&lt;方針&gt;を話した。</textarea>" in page and "訪問を増やす。</textarea>" in page
    assert f'value="{member}" checked' in page
    assert 'value="2026-12-24"' in page
    assert 'value="週1回の見守り"' in page and 'value="2026-12-31"' in page
    assert 'value="&#34;配食&#34; &amp; &lt;調整&gt;"' in page
    assert 'value="2026-13-45"' in page and "<調整>" not in page
    for n, org in ((1, orgs[0]), (2, orgs[1])):
        select = page.split(f'name="{key}.roles.{n}.organization_id"', 1)[1].split("</select>")[0]
        assert f'<option value="{org}" selected>' in select
    # The error stands beside the malformed date (row 2 as typed), in Japanese.
    due = page.split(f'name="{key}.roles.2.due"', 1)[1].split("</div>", 1)[0]
    assert 'class="field-error"' in due, due
    error = due.split('class="field-error"', 1)[1]
    assert "日付" in error and "してください" in error, error
    assert (
        'class="field-error"'
        not in page.split(f'name="{key}.roles.1.due"', 1)[1].split("</div>", 1)[0]
    )


def test_a_row_with_only_a_due_date_is_refused_not_dropped(web, people):
    meeting_id, key = _meeting(web, people)
    sign_in(web, "demo-coordinator")
    page = web.get(f"/meetings/{meeting_id}/minutes").text
    form = {
        "csrf_token": csrf_of(page),
        f"{key}.discussion": "期日だけ決めた。",
        f"{key}.roles.0.due": "2027-01-31",
    }
    saved = web.post(f"/meetings/{meeting_id}/minutes", data=form)
    assert saved.status_code == 422, saved.text[-500:]
    assert 'value="2027-01-31"' in saved.text and "期日だけ決めた。</textarea>" in saved.text
    row = saved.text.split(f'name="{key}.roles.0.organization_id"', 1)[1].split("</div>", 1)[0]
    assert 'class="field-error"' in row, row
    assert "期日だけ決めた。" not in web.get(f"/meetings/{meeting_id}/minutes").text
