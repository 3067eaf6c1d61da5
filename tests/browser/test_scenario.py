"""The issue's scenario in a real browser: schedule, masked read, pledge, minutes, Word, audit."""

from __future__ import annotations

import re
import zipfile
from datetime import date, timedelta

import httpx
import pytest

from agenda.scheduling.holidays import is_closed
from tests.browser.conftest import SCREENSHOTS, axe_violations, shot
from tests.helpers import check_minutes, distribute

pytestmark = pytest.mark.browser
PASSWORD = "demo-password"
TAX_FACT = "固定資産税を3年分滞納"
CASE_TITLE = "ブラウザ試験の架空世帯"
MEETING_TITLE = "ブラウザ試験の支援会議"


def _open_day(start: date) -> str:
    """The first day from ``start`` the offices are open (no confirm step for a closed day)."""
    day = start
    while is_closed(day):
        day += timedelta(days=1)
    return day.isoformat()


MEETING_DAY = _open_day(date.today() + timedelta(days=40))


def sign_in(browser, base: str, login: str, *, bypass_csp: bool = False):
    """A fresh browser context signed in as ``login`` (axe needs CSP bypassed to be injected)."""
    context = browser.new_context(
        base_url=base, locale="ja-JP", accept_downloads=True, bypass_csp=bypass_csp
    )
    context.set_default_timeout(15000)
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("ログインID").fill(login)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン", exact=True).click()
    page.wait_for_url(re.compile(r"/$"))
    return context, page


def test_the_issue_scenario(server, browser):
    base = server
    coordinator_ctx, coordinator = sign_in(browser, base, "demo-coordinator")
    shot(coordinator, "01-coordinator-home")

    # The coordinator opens a case whose notes hold tax data.
    coordinator.goto("/cases/new")
    coordinator.get_by_label("事例名").fill(CASE_TITLE)
    coordinator.get_by_label("概要").fill("80代の母と50代の長男の世帯。")
    coordinator.get_by_label("記録", exact=True).fill(
        f"本人は{TAX_FACT}している。長男は自室にこもりがち。"
    )
    coordinator.get_by_label("8050問題").check()
    coordinator.get_by_role("button", name="登録する").click()
    coordinator.wait_for_url(re.compile(r"/cases/[0-9a-f]+$"))
    case_id = coordinator.url.rsplit("/", 1)[-1]
    assert coordinator.locator("mark.tax", has_text=TAX_FACT).count() == 1
    shot(coordinator, "02-case")

    # ...schedules a 支援会議 with members 1 and 4 (the picker shows pledge status)...
    coordinator.goto("/meetings/new")
    coordinator.get_by_label("支援会議", exact=True).check()
    coordinator.get_by_label("会議名").fill(MEETING_TITLE)
    coordinator.get_by_label("開催日").fill(MEETING_DAY)
    coordinator.get_by_label("開始時刻").fill("10:00")
    coordinator.get_by_label("終了時刻").fill("11:00")
    coordinator.get_by_label("場所").fill("かさね市役所 3階 会議室B")
    for name in ("調整 一郎", "社協 二郎", "民生 五月"):
        coordinator.get_by_label(name).check()
    assert "未提出" in coordinator.locator("tr", has_text="民生 五月").inner_text()
    shot(coordinator, "03-schedule")
    coordinator.get_by_role("button", name="この内容で会議を設定する").click()
    coordinator.wait_for_load_state()
    if coordinator.locator("#check").count():  # a weekend or holiday is confirmed first
        coordinator.get_by_role("button", name="確認して登録する").click()
    coordinator.wait_for_url(re.compile(r"/meetings/[0-9a-f]+/manage$"))
    meeting_id = coordinator.url.split("/")[-2]
    assert "民生 五月" in coordinator.locator(".notice-warn").inner_text()

    # ...and builds the agenda.
    coordinator.get_by_label("事例").select_option(label=CASE_TITLE)
    coordinator.get_by_label("時間（分）").last.fill("30")
    coordinator.get_by_label("説明").fill("住民税非課税世帯で、見守りが必要。")
    coordinator.get_by_role("button", name="議題を追加する").click()
    coordinator.wait_for_url(re.compile(r"/manage$"))
    assert coordinator.locator("#running-total").inner_text() == "30"
    shot(coordinator, "04-agenda-builder")
    with httpx.Client(base_url=base, timeout=60) as api:
        token = api.post(
            "/identity/session", json={"login": "demo-coordinator", "password": PASSWORD}
        ).json()["access_token"]
        distribute(api, {"Authorization": f"Bearer {token}"}, meeting_id)

    # Member 1 reads the agenda: the tax part is masked and says why.
    member1_ctx, member1 = sign_in(browser, base, "demo-member-1")
    member1.goto(f"/meetings/{meeting_id}")
    assert CASE_TITLE in member1.content()
    assert TAX_FACT not in member1.content()
    assert member1.locator(".redacted", has_text="［税情報］").count() >= 1
    shot(member1, "05-member1-agenda")

    # Member 4 sees the time and place only, signs the pledge, then sees the agenda.
    member4_ctx, member4 = sign_in(browser, base, "demo-member-4")
    member4.goto(f"/meetings/{meeting_id}")
    assert "日時と場所のみ表示" in member4.content()
    assert CASE_TITLE not in member4.content() and MEETING_TITLE not in member4.content()
    assert "会議室B" in member4.content()
    shot(member4, "06-member4-time-and-place")
    member4.get_by_role("link", name="誓約書を読んで署名する").click()
    shot(member4, "07-pledge")
    member4.get_by_label("上記の内容を読み、誓約します。").check()
    member4.get_by_role("button", name="署名する").click()
    member4.wait_for_url(re.compile(rf"/meetings/{meeting_id}$"))
    # No coordinator step: the first view after signing grants the keys the rules now allow.
    assert CASE_TITLE in member4.content() and TAX_FACT not in member4.content()
    shot(member4, "08-member4-agenda")
    member4.goto("/pledges")
    assert re.search(r"[0-9a-f]{64}", member4.locator("table").inner_text())
    shot(member4, "09-member4-pledges")

    # The coordinator writes the minutes, sends them for review and approves them.
    coordinator.goto(f"/meetings/{meeting_id}/minutes")
    for name in ("調整 一郎", "社協 二郎", "民生 五月"):
        coordinator.get_by_label(name).check()
    coordinator.get_by_label("検討内容").fill(
        f"本人は{TAX_FACT}しており、督促が続いている。長男とは会話ができた。"
    )
    coordinator.get_by_label("決定事項").fill("社会福祉協議会が月1回訪問する。")
    coordinator.get_by_label("機関 1").select_option(label="かさね市社会福祉協議会")
    coordinator.get_by_label("役割 1").fill("月1回の訪問")
    coordinator.get_by_label("モニタリング時期").fill(
        (date.today() + timedelta(days=90)).isoformat()
    )
    shot(coordinator, "10-minutes-editor")
    coordinator.get_by_role("button", name="下書きを保存する").click()
    coordinator.get_by_role("button", name="確認に回す").click()
    with httpx.Client(base_url=base, timeout=60) as api:
        token = api.post(
            "/identity/session", json={"login": "demo-coordinator", "password": PASSWORD}
        ).json()["access_token"]
        check_minutes(api, {"Authorization": f"Bearer {token}"}, meeting_id)
    coordinator.get_by_role("button", name="承認する").click()
    assert "承認済み" in coordinator.locator("dl.facts").first.inner_text()
    shot(coordinator, "11-minutes-approved")

    # Member 1 reads the minutes (tax masked) and downloads the Word copy.
    member1.goto(f"/meetings/{meeting_id}/minutes")
    assert TAX_FACT not in member1.content()
    assert member1.locator(".redacted").count() >= 1
    shot(member1, "12-member1-minutes")
    with member1.expect_download() as download_info:
        member1.get_by_role("link", name="Word版をダウンロード").click()
    saved = SCREENSHOTS.parent / "member1-minutes.docx"
    download_info.value.save_as(saved)
    with zipfile.ZipFile(saved) as docx:
        body = docx.read("word/document.xml").decode()
    assert "長男とは会話ができた" in body and TAX_FACT not in body

    # The auditor finds each step in the logs, and every chain verifies.
    auditor_ctx, auditor = sign_in(browser, base, "demo-auditor")
    # Each event by its filter: the checks before distribution and approval log many entries.
    for code, event, target in (
        ("case.create", "事例の登録", case_id),
        ("meeting.create", "会議の設定", meeting_id),
        ("item.create", "議題の追加", ""),
        ("agenda.view", "議題の閲覧", meeting_id),
        ("pledge.sign", "誓約書の署名", ""),
        ("minutes.save", "会議録の保存", ""),
        ("minutes.approve", "会議録の承認", ""),
        ("minutes.export", "会議録（Word）の書き出し", ""),
    ):
        auditor.goto(f"/audit?per_page=100&action={code}&target_id={target}")
        assert event in auditor.locator("table").inner_text(), event
    auditor.goto("/audit/verify")
    for service in ("identity", "agenda", "minutes"):
        assert "正常" in auditor.locator(f"#verify-{service}").inner_text()
    auditor.goto("/audit?service_name=minutes&action=minutes.export")
    assert "社協 二郎" in auditor.locator("table").inner_text()
    shot(auditor, "13-audit")
    for context in (coordinator_ctx, member1_ctx, member4_ctx, auditor_ctx):
        context.close()


MAIN_PAGES = {
    "demo-coordinator": ["/", "/meetings", "/meetings/new", "/cases", "/cases/new", "/pledges"],
    "demo-member-1": ["/", "/meetings", "/pledges", "/pledges/shien"],
    "demo-admin": ["/admin"],
    "demo-auditor": ["/audit"],
}


def test_main_pages_have_no_serious_accessibility_violations(server, browser):
    context = browser.new_context(base_url=server, locale="ja-JP", bypass_csp=True)
    page = context.new_page()
    page.goto("/login")
    found = {"/login": axe_violations(page)}
    context.close()
    for login, paths in MAIN_PAGES.items():
        context, page = sign_in(browser, server, login, bypass_csp=True)
        paths = list(paths)
        if login == "demo-coordinator":
            page.goto("/meetings")
            first = page.locator("a", has_text="会議の管理").first
            if first.count():
                meeting = first.get_attribute("href").split("/")[2]
                paths += [
                    f"/meetings/{meeting}",
                    f"/meetings/{meeting}/manage",
                    f"/meetings/{meeting}/minutes",
                ]
        for path in paths:
            page.goto(path)
            found[f"{login} {path}"] = axe_violations(page)
        context.close()
    bad = {where: v for where, v in found.items() if v}
    assert not bad, bad
