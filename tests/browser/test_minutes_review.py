"""Minutes review in a browser: a member confirms, a second coordinator approves.

The city requires a separate approver (KASANE_MINUTES_SEPARATE_APPROVER=true), so the author's
own 「承認する」 is refused with a message and the second coordinator's goes through.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta

import httpx
import pytest

from tests.browser.conftest import serving, shot
from tests.browser.test_scenario import PASSWORD, sign_in

pytestmark = pytest.mark.browser
SECOND = "second-coordinator"
SECOND_PASSWORD = "kasane-second-coordinator-2026"
SAID = "見守り訪問を月2回に増やすことを確認した。"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo suite in a city that then asks for minutes approved by someone else."""
    data_dir = tmp_path_factory.mktemp("review-data")
    # The demo's own minutes are approved by their author while seeding, so the city turns the
    # setting on afterwards: the server is started again on the same data.
    with serving(data_dir):
        pass
    extra = {"KASANE_MINUTES_SEPARATE_APPROVER": "true"}
    with serving(data_dir, extra) as base:
        yield base


def _token(http: httpx.Client, login: str, password: str = PASSWORD) -> dict[str, str]:
    signed = http.post("/identity/session", json={"login": login, "password": password})
    assert signed.status_code == 200, signed.text
    return {"Authorization": f"Bearer {signed.json()['access_token']}"}


def _prepare(base: str) -> str:
    """A second coordinator (initial password changed, pledges signed) and minutes in draft."""
    with httpx.Client(base_url=base, timeout=30) as http:
        admin = _token(http, "demo-admin")
        people = {m["login"]: m for m in http.get("/identity/members", headers=admin).json()}
        body = {
            "login": SECOND,
            "display_name": "承認 三郎",
            "organization_id": people["demo-coordinator"]["organization_id"],
            "roles": ["coordinator"],
            "password": "kasane-initial-2026-x",
        }
        created = http.post("/identity/members", json=body, headers=admin)
        assert created.status_code == 201, created.text
        initial = _token(http, SECOND, body["password"])
        changed = http.put(
            "/identity/me/password",
            json={"current_password": body["password"], "new_password": SECOND_PASSWORD},
            headers=initial,
        )
        assert changed.status_code == 204, changed.text
        second = _token(http, SECOND, SECOND_PASSWORD)
        for template in http.get("/identity/pledge-templates", headers=second).json():
            if template["current"]:
                http.post(
                    f"/identity/members/{created.json()['id']}/pledges",
                    json={"template_id": template["id"]},
                    headers=second,
                )
        author = _token(http, "demo-coordinator")
        member = people["demo-member-1"]["id"]
        day = (date.today() + timedelta(days=45)).isoformat()
        meeting = http.post(
            "/agenda/meetings",
            json={
                "kind": "shien",
                "title": "確認試験の支援会議",
                "starts_at": f"{day}T14:00:00+09:00",
                "ends_at": f"{day}T15:00:00+09:00",
                "place": "かさね市役所 4階 確認試験室",
                "attendees": [{"member_id": member, "required": True}],
            },
            headers=author,
        )
        assert meeting.status_code == 201, meeting.text
        meeting_id = meeting.json()["id"]
        draft = http.put(
            f"/minutes/meetings/{meeting_id}/minutes",
            json={"attendance": [member], "items": [], "next_meeting_at": None},
            headers=author,
        )
        assert draft.status_code == 200, draft.text
        return meeting_id


def _sign_in_as(browser, base: str, login: str, password: str):
    context = browser.new_context(base_url=base, locale="ja-JP")
    context.set_default_timeout(15000)
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("ログインID").fill(login)
    page.get_by_label("パスワード").fill(password)
    page.get_by_role("button", name="ログイン", exact=True).click()
    page.wait_for_url(re.compile(r"/$"))
    return context, page


def test_member_confirms_and_a_second_coordinator_approves(server, browser):
    meeting_id = _prepare(server)
    minutes = f"/meetings/{meeting_id}/minutes"
    author_ctx, author = sign_in(browser, server, "demo-coordinator")
    author.goto(minutes)
    author.get_by_role("button", name="確認に回す").click()
    author.wait_for_url(re.compile(r"/minutes$"))
    assert "作成者以外の担当者が承認します" in author.content()
    author.get_by_role("button", name="承認する").click()
    assert "作成者以外の担当者が承認してください" in author.content()

    member_ctx, member = sign_in(browser, server, "demo-member-1")
    member.goto(minutes)
    assert "確認中" in member.locator("dl.facts").first.inner_text()
    member.get_by_label("コメント").fill("次回の日程も記載してください。")
    member.get_by_role("button", name="コメントを送る").click()
    member.wait_for_url(re.compile(r"/minutes(\?version=\d+)?$"))
    member.get_by_role("button", name="確認しました").click()
    member.wait_for_url(re.compile(r"/minutes(\?version=\d+)?$"))
    assert "この版は確認済みです。" in member.content()
    shot(member, "review-01-member-confirmed")

    author.goto(minutes)
    confirmed = author.locator("#confirmations").inner_text()
    assert "福祉 花子" in confirmed or "✓" in confirmed
    assert "✓" in confirmed and "次回の日程も記載してください。" in author.content()

    second_ctx, second = _sign_in_as(browser, server, SECOND, SECOND_PASSWORD)
    second.goto(minutes)
    second.get_by_role("button", name="承認する").click()
    second.wait_for_url(re.compile(r"/minutes$"))
    facts = second.locator("dl.facts").first.inner_text()
    assert "承認済み" in facts and "承認 三郎" in facts
    shot(second, "review-02-second-coordinator-approved")
    second.goto(f"{minutes}/versions")
    assert "承認 三郎" in second.locator("#versions").inner_text()
    for context in (author_ctx, member_ctx, second_ctx):
        context.close()
