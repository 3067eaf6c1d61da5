"""配布前確認 in a browser: one suspect masked, one kept, distribution refused until all are
decided, then distributed; the minutes' check stands before 「承認する」 the same way.

Suspects come from what the redactor flags today (see tests/agenda/test_distribution.py).
"""

from __future__ import annotations

from datetime import date, timedelta

import httpx
import pytest
from playwright.sync_api import expect

from tests.agenda.test_distribution import CLEAR, expected_suspects
from tests.browser.conftest import axe_violations, shot
from tests.browser.test_scenario import PASSWORD, sign_in

pytestmark = pytest.mark.browser
TITLE = "配布前確認の試験事例"


def _prepare(base: str) -> tuple[str, str]:
    """A case whose notes hold suspects on a new 支援会議 with member 1 (not distributed)."""
    with httpx.Client(base_url=base, timeout=60) as http:
        signed = http.post(
            "/identity/session", json={"login": "demo-coordinator", "password": PASSWORD}
        )
        headers = {"Authorization": f"Bearer {signed.json()['access_token']}"}
        members = {m["login"]: m for m in http.get("/identity/members", headers=headers).json()}
        case = http.post(
            "/agenda/cases",
            json={
                "title": TITLE,
                "summary": "80代の母と50代の長男の世帯。",
                "notes": CLEAR,
                "lead_organization_id": members["demo-coordinator"]["organization_id"],
                "issues": ["8050"],
            },
            headers=headers,
        )
        assert case.status_code == 201, case.text
        day = (date.today() + timedelta(days=50)).isoformat()
        meeting = http.post(
            "/agenda/meetings",
            json={
                "kind": "shien",
                "title": "配布前確認の試験会議",
                "starts_at": f"{day}T10:00:00+09:00",
                "ends_at": f"{day}T11:00:00+09:00",
                "place": "かさね市役所 2階 会議室C",
                "attendees": [{"member_id": members["demo-member-1"]["id"], "required": True}],
            },
            headers=headers,
        )
        assert meeting.status_code == 201, meeting.text
        meeting_id = meeting.json()["id"]
        item = http.post(
            f"/agenda/meetings/{meeting_id}/items",
            json={"case_id": case.json()["id"], "purpose": "info_sharing", "minutes": 20},
            headers=headers,
        )
        assert item.status_code == 201, item.text
        return meeting_id, item.json()["id"]


def _press(page, scope, name: str) -> None:
    """Press a button that posts a form, and wait for the page it leads to."""
    with page.expect_navigation():
        scope.get_by_role("button", name=name).click()


def _decide_all(page, section: str) -> None:
    """「税情報ではない」 on whatever is still open (bounded: the list shrinks each time)."""
    rows = page.locator(f"{section} li.suspect-row")
    for _ in range(rows.count()):
        _press(page, rows.first, "税情報ではない")
        expect(page.get_by_text("「税情報ではない」と記録しました。")).to_be_visible()
        if rows.count() == 0:
            return


def test_distribution_check_masks_keeps_and_distributes(server, browser):
    meeting_id, item_id = _prepare(server)
    (k_start, k_end, _), (m_start, m_end, _) = expected_suspects(CLEAR)[:2]
    context, page = sign_in(browser, server, "demo-coordinator", bypass_csp=True)
    page.goto(f"/meetings/{meeting_id}/manage")
    page.get_by_role("link", name="配布前確認").click()
    page.wait_for_url(f"**/meetings/{meeting_id}/distribution")
    notes = page.locator('[data-field="case.notes"]')
    expect(notes.locator("li.suspect-row")).to_have_count(len(expected_suspects(CLEAR)))
    assert page.locator("mark.mask-auto").count() >= 1
    assert axe_violations(page) == []
    shot(page, "check-01-distribution-check")

    _press(page, page, "配布する")
    expect(page.locator("#form-errors")).to_contain_text("確認が済んでいない疑い箇所が")

    masked = notes.locator(f'li.suspect-row[data-start="{m_start}"][data-end="{m_end}"]')
    _press(page, masked, "伏せる")
    expect(page.get_by_text("伏せる箇所に加えました。")).to_be_visible()
    expect(notes.locator("mark.mask-manual")).to_contain_text(CLEAR[m_start:m_end])
    kept = notes.locator(f'li.suspect-row[data-start="{k_start}"][data-end="{k_end}"]')
    _press(page, kept, "税情報ではない")
    expect(page.get_by_text("「税情報ではない」と記録しました。")).to_be_visible()
    expect(kept).to_have_count(0)
    expect(notes).to_contain_text("「税情報ではない」と判断済みの箇所：1件")
    shot(page, "check-02-decided")

    _decide_all(page, "main")
    expect(page.locator("#unresolved")).to_have_text("確認待ちの疑い箇所はありません。")
    _press(page, page, "配布する")
    expect(page.get_by_text("議題を配布しました。")).to_be_visible()
    expect(page.locator("#distribution-status")).to_have_text("配布済み")
    shot(page, "check-03-distributed")

    member_ctx, member = sign_in(browser, server, "demo-member-1")
    member.goto(f"/meetings/{meeting_id}")
    expect(member.locator("main")).to_contain_text(TITLE)
    assert CLEAR[m_start:m_end] not in member.content()
    assert CLEAR[k_start:k_end] in member.content()

    # The minutes: the same check stands before 「承認する」.
    with httpx.Client(base_url=server, timeout=60) as http:
        signed = http.post(
            "/identity/session", json={"login": "demo-coordinator", "password": PASSWORD}
        )
        headers = {"Authorization": f"Bearer {signed.json()['access_token']}"}
        base = f"/minutes/meetings/{meeting_id}/minutes"
        body = {"attendance": [], "items": [{"agenda_item_id": item_id, "discussion": CLEAR}]}
        assert http.put(base, json=body, headers=headers).status_code == 200
        assert http.post(f"{base}/submit", headers=headers).status_code == 200
    page.goto(f"/meetings/{meeting_id}/minutes")
    check = page.locator("#check")
    expect(check.locator("li.suspect-row")).to_have_count(len(expected_suspects(CLEAR)))
    _press(page, page, "承認する")
    expect(page.locator("#form-errors")).to_contain_text("確認が済んでいない疑い箇所が")
    shot(page, "check-04-minutes-check")
    first = page.locator("#check li.suspect-row").first
    _press(page, first, "伏せる")
    expect(page.get_by_text("税情報として指定しました。")).to_be_visible()
    _decide_all(page, "#check")
    _press(page, page, "承認する")
    expect(page.locator("dl.facts").first).to_contain_text("承認済み")
    shot(page, "check-05-minutes-approved")
    for opened in (context, member_ctx):
        opened.close()
