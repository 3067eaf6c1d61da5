"""支援プラン pages: 目標, 本人の意向, rows added one at a time without a script, 終結."""

from __future__ import annotations

import re

from tests.agenda.scenario import case_body
from tests.helpers import auth, token_for
from tests.web.conftest import csrf_of, sign_in

WISHES = "家で暮らし続けたい（本人の言葉）"


def _case(web, people) -> str:
    coordinator = auth(token_for(web, "demo-coordinator"))
    return web.post("/agenda/cases", json=case_body(people), headers=coordinator).json()["id"]


def _form(people, rows: int, **extra) -> dict:
    orgs = list(people.organizations.values())
    data = {
        "status": "plan_creation",
        "goals": "週1回の外出",
        "wishes": WISHES,
        "policy": "社協が訪問",
        "rows": str(rows),
        "monitoring_on": "2027-03-01",
    }
    for n in range(rows):
        data[f"roles.{n}.organization_id"] = orgs[n % len(orgs)]
        data[f"roles.{n}.duty"] = f"役割その{n + 1}"
    return {**data, **extra}


def test_rows_are_added_without_a_script_and_four_roles_are_saved(web, people):
    case_id = _case(web, people)
    sign_in(web, "demo-coordinator")
    page = web.get(f"/cases/{case_id}/plans/new")
    assert page.status_code == 200 and "本人の意向" in page.text and "目標" in page.text
    assert page.text.count('class="grid-2 role-row"') == 3
    token = csrf_of(page.text)
    more = web.post(
        f"/cases/{case_id}/plans/new",
        data={"csrf_token": token, **_form(people, 3), "action": "add_row"},
    )
    assert more.status_code == 200 and more.text.count('class="grid-2 role-row"') == 4
    assert WISHES in more.text and "役割その3" in more.text  # what was typed stays
    saved = web.post(
        f"/cases/{case_id}/plans/new",
        data={"csrf_token": token, **_form(people, 4), "action": "save"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    plan = web.get(saved.headers["location"]).text
    assert "支援プランを保存しました。" in plan and WISHES in plan
    assert all(f"役割その{n}" in plan for n in range(1, 5))
    assert re.search(r'href="/cases/[0-9a-f]+/plans/[0-9a-f]+/print"', plan)
    detail = web.get(f"/cases/{case_id}").text
    assert 'id="case-status">支援中' in detail and "表示・印刷" in detail
    # The next version starts from this one, with a spare row.
    again = web.get(f"/cases/{case_id}/plans/new").text
    assert WISHES in again and again.count('class="grid-2 role-row"') == 5


def test_bad_plan_forms_keep_what_was_typed(web, people):
    case_id = _case(web, people)
    sign_in(web, "demo-coordinator")
    token = csrf_of(web.get(f"/cases/{case_id}/plans/new").text)
    url = f"/cases/{case_id}/plans/new"
    no_org = _form(people, 1, **{"roles.0.organization_id": ""})
    refused = web.post(url, data={"csrf_token": token, **no_org, "action": "save"})
    assert refused.status_code == 422 and "役割分担 1 の機関を選んでください。" in refused.text
    assert WISHES in refused.text
    long = web.post(
        url, data={"csrf_token": token, **_form(people, 1, wishes="意" * 4001), "action": "save"}
    )
    assert long.status_code == 422 and "意" * 4001 in long.text
    only_due = _form(people, 2, **{"roles.1.organization_id": "", "roles.1.duty": ""})
    only_due["roles.1.due"] = "2027-01-31"
    dated = web.post(url, data={"csrf_token": token, **only_due, "action": "save"})
    assert dated.status_code == 422 and "役割分担 2 の機関を選んでください。" in dated.text
    assert 'value="2027-01-31"' in dated.text
    no_status = web.post(url, data={"csrf_token": token, **_form(people, 1, status="x")})
    assert no_status.status_code == 422 and "プランの時期を選んでください。" in no_status.text
    assert web.get(f"/cases/{case_id}/plans/nope").status_code == 404
    assert "支援プランはまだありません。" in web.get(f"/cases/{case_id}").text


def test_a_plan_typed_past_the_time_out_comes_back(web, suite, people):
    from tests.web.test_draft_pages import _sign_in_to, _time_out

    case_id = _case(web, people)
    path = f"/cases/{case_id}/plans/new"
    sign_in(web, "demo-coordinator")
    form = web.get(path)
    assert f'data-draft="{path}"' in form.text
    _time_out(suite)
    late = web.post(
        path,
        data={"csrf_token": csrf_of(form.text), **_form(people, 4), "action": "save"},
        follow_redirects=False,
    )
    assert "reason=draft_kept" in late.headers["location"]
    assert _sign_in_to(web, "demo-coordinator", path).headers["location"] == path
    restored = web.get(path).text
    assert WISHES in restored and "役割その4" in restored and "下書きから戻しました" in restored
    saved = web.post(
        path,
        data={"csrf_token": csrf_of(restored), **_form(people, 4), "action": "save"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert WISHES in web.get(path).text  # now from the saved version, the draft is gone
    assert "下書きから戻しました" not in web.get(path).text
