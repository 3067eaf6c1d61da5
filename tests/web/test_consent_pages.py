"""Consent pages: ticks kept after a failed form, withdrawal explained first, corrections."""

from __future__ import annotations

import re

from tests.web.conftest import csrf_of, sign_in


def _case(web):
    page = web.get("/cases/new")
    made = web.post(
        "/cases/new",
        data={"csrf_token": csrf_of(page.text), "title": "同意試験の世帯", "notes": "記録"},
        follow_redirects=False,
    )
    return made.headers["location"].split("/")[-1]


def test_consent_form_keeps_ticks_and_correction_is_not_withdrawal(web, people):
    sign_in(web, "demo-coordinator")
    case_id = _case(web)
    council = people.organizations["council"]
    page = web.get(f"/cases/{case_id}")
    failed = web.post(
        f"/cases/{case_id}/consents",
        data={"csrf_token": csrf_of(page.text), "organization_ids": [council], "covers_tax": "yes"},
    )
    assert failed.status_code == 422
    assert re.search(rf'value="{council}" checked', failed.text)
    assert re.search(r'id="f-covers_tax" name="covers_tax" value="yes" checked', failed.text)
    web.post(
        f"/cases/{case_id}/consents",
        data={
            "csrf_token": csrf_of(page.text),
            "obtained_on": "2016-04-01",
            "organization_ids": [council],
        },
    )
    consent_id = re.search(r"/consents/([0-9a-f]+)/correct", web.get(f"/cases/{case_id}").text)[1]

    withdraw = web.get(f"/cases/{case_id}/consents/{consent_id}/withdraw").text
    assert "重層的支援会議の議題にできなくなり" in withdraw and "訂正する" in withdraw

    form = web.get(f"/cases/{case_id}/consents/{consent_id}/correct")
    assert 'value="2016-04-01"' in form.text and re.search(rf'value="{council}" checked', form.text)
    done = web.post(
        f"/cases/{case_id}/consents/{consent_id}/correct",
        data={
            "csrf_token": csrf_of(form.text),
            "reason": "wrong_date",
            "obtained_on": "2026-04-01",
            "organization_ids": [council],
        },
        follow_redirects=False,
    )
    assert done.status_code == 303
    detail = web.get(f"/cases/{case_id}").text
    assert "訂正済み" in detail and "同意を得た日の誤り" in detail
    assert "令和8年4月1日" in detail and "撤回</span>" not in detail
