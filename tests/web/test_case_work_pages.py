"""Case pages: find by number and filter, edit, move the status with a reason."""

from __future__ import annotations

from tests.web.conftest import csrf_of, sign_in


def _new_case(web, title, issues=("8050",)):
    page = web.get("/cases/new")
    response = web.post(
        "/cases/new",
        data={
            "csrf_token": csrf_of(page.text),
            "title": title,
            "summary": "概要",
            "notes": "記録",
            "issues": list(issues),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return response.headers["location"].split("/")[-1]


def test_find_edit_and_move_a_case(web, people):
    sign_in(web, "demo-coordinator")
    first = _new_case(web, "山田世帯の見守り")
    second = _new_case(web, "川辺世帯", issues=("young_carer",))
    detail = web.get(f"/cases/{second}").text
    number = detail.split('class="case-number">')[1].split("<")[0]
    assert number.startswith("R") and "-" in number

    found = web.get("/cases", params={"q": number}).text
    assert "川辺世帯" in found and "山田世帯" not in found and "1件" in found
    found = web.get("/cases", params={"issue": "8050", "status": "potential"}).text
    assert "山田世帯" in found and "川辺世帯" not in found
    assert "条件に合う事例はありません" in web.get("/cases", params={"q": "存在しない"}).text
    # Bad values in the query are dropped, not sent on.
    assert web.get("/cases", params={"status": "x", "sort": "y", "issue": "z"}).status_code == 200

    edit = web.get(f"/cases/{first}/edit")
    assert 'value="山田世帯の見守り"' in edit.text
    saved = web.post(
        f"/cases/{first}/edit",
        data={
            "csrf_token": csrf_of(edit.text),
            "title": "山田世帯（改）",
            "summary": "概要2",
            "notes": "記録2",
            "issues": ["8050", "isolation"],
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert "山田世帯（改）" in web.get(f"/cases/{first}").text

    page = web.get(f"/cases/{first}")
    missing = web.post(
        f"/cases/{first}/status",
        data={"csrf_token": csrf_of(page.text), "status": "active", "on": "2026-11-30"},
    )
    assert missing.status_code == 422 and 'id="f-reason-error"' in missing.text
    for target, reason in (("active", "面談できた"), ("closed", "目標を達成")):
        moved = web.post(
            f"/cases/{first}/status",
            data={
                "csrf_token": csrf_of(page.text),
                "status": target,
                "on": "2026-11-30",
                "reason": reason,
            },
            follow_redirects=False,
        )
        assert moved.status_code == 303
    detail = web.get(f"/cases/{first}").text
    assert '<dd id="case-status">終結</dd>' in detail and "支援中→終結: 目標を達成" in detail
