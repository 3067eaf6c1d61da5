"""Everyday work in a browser: cancel a meeting, move a case to 終結, correct a consent, find."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.browser.conftest import axe_violations, shot
from tests.browser.test_scenario import sign_in

pytestmark = pytest.mark.browser
DAY = (date.today() + timedelta(days=50)).isoformat()
TITLE = "日常業務試験の架空世帯"


def _new_case(page, title: str) -> str:
    page.goto("/cases/new")
    page.get_by_label("事例名").fill(title)
    page.get_by_label("概要").fill("70代の本人の単身世帯。")
    page.get_by_role("button", name="登録する").click()
    page.wait_for_url(re.compile(r"/cases/[0-9a-f]+$"))
    return page.url.rsplit("/", 1)[1]


def test_cancel_a_meeting_and_read_the_cancelled_invitation(server, browser):
    coordinator_ctx, coordinator = sign_in(browser, server, "demo-coordinator")
    coordinator.goto("/meetings/new")
    coordinator.get_by_label("支援会議", exact=True).check()
    coordinator.get_by_label("会議名").fill("中止試験の支援会議")
    coordinator.get_by_label("開催日").fill(DAY)
    coordinator.get_by_label("開始時刻").fill("10:00")
    coordinator.get_by_label("終了時刻").fill("11:00")
    coordinator.get_by_label("場所").fill("かさね市役所 5階 中止試験室")
    coordinator.get_by_label("社協 二郎").check()
    coordinator.get_by_role("button", name="この内容で会議を設定する").click()
    coordinator.wait_for_load_state()
    if coordinator.locator("#check").count():  # a closed day or a clash: confirm it
        coordinator.get_by_role("button", name="確認して登録する").click()
    coordinator.wait_for_url(re.compile(r"/meetings/[0-9a-f]+/manage$"))
    meeting_id = coordinator.url.split("/")[-2]
    coordinator.get_by_role("link", name="この会議を中止する").click()
    assert "元に戻せません" in coordinator.content()
    coordinator.get_by_label("中止の理由").fill("会場の空調故障のため")
    shot(coordinator, "everyday-01-cancel")
    coordinator.get_by_role("button", name="中止する").click()
    coordinator.wait_for_url(re.compile(r"/manage$"))
    assert "この会議は中止になりました。" in coordinator.locator("#cancelled").inner_text()

    member_ctx, member = sign_in(browser, server, "demo-member-1")
    member.goto("/meetings")
    row = member.locator("tr", has_text="中止試験の支援会議")
    assert "中止" in row.inner_text() and "会場の空調故障のため" in row.inner_text()
    member.goto(f"/meetings/{meeting_id}")
    assert "会場の空調故障のため" in member.locator("#cancelled").inner_text()
    shot(member, "everyday-02-member-cancelled")
    with member.expect_download() as download_info:
        member.get_by_role("link", name="予定表に追加（.ics）").click()
    ics = Path(download_info.value.path()).read_text(encoding="utf-8")
    assert "METHOD:CANCEL" in ics and "STATUS:CANCELLED" in ics and "SEQUENCE:1" in ics
    for context in (coordinator_ctx, member_ctx):
        context.close()


def test_move_a_case_to_closed_correct_a_consent_and_find_it(server, browser):
    context, page = sign_in(browser, server, "demo-coordinator")
    case_id = _new_case(page, TITLE)
    number = page.locator(".case-number").inner_text().strip()
    assert re.fullmatch(r"R\d+-\d{4}", number)

    # A consent entered with the wrong date is corrected, not withdrawn.
    page.get_by_label("同意を得た日").fill("2016-04-01")
    page.get_by_label("かさね市社会福祉協議会").check()
    page.get_by_role("button", name="同意を記録する").click()
    page.wait_for_url(re.compile(rf"/cases/{case_id}$"))
    page.get_by_role("link", name="訂正する").click()
    page.get_by_label("誤りの内容").select_option(label="同意を得た日の誤り")
    page.get_by_label("同意を得た日").fill("2026-04-01")
    shot(page, "everyday-03-consent-correction")
    page.get_by_role("button", name="訂正を記録する").click()
    page.wait_for_url(re.compile(rf"/cases/{case_id}$"))
    old_row = page.locator("tr", has_text="平成28年4月1日").inner_text()
    assert "訂正済み" in old_row and "同意を得た日の誤り" in old_row and "撤回" not in old_row
    assert "有効" in page.locator("tr", has_text="令和8年4月1日").inner_text()

    # 潜在 → 支援中 → 終結, each with a date and a reason.
    for target, reason in (("支援中", "本人と面談できた"), ("終結", "目標を達成した")):
        page.get_by_label("変更後の状況").select_option(label=target)
        page.get_by_label("変更日").fill(date.today().isoformat())
        page.get_by_label("理由").fill(reason)
        page.get_by_role("button", name="状況を変更する").click()
        page.wait_for_url(re.compile(rf"/cases/{case_id}$"))
    assert page.locator("#case-status").inner_text() == "終結"
    assert "支援中→終結: 目標を達成した" in page.content()
    shot(page, "everyday-04-case-closed")

    # Found by its number (typed in full width) and by a filter.
    page.goto("/cases")
    page.get_by_label("事例番号・事例名").fill(number.replace("R", "Ｒ"))
    page.get_by_role("button", name="絞り込む").click()
    assert page.locator("tbody tr").count() == 1 and TITLE in page.locator("tbody").inner_text()
    page.goto("/cases")
    page.get_by_label("終結").check()
    page.get_by_role("button", name="絞り込む").click()
    assert TITLE in page.locator("tbody").inner_text()
    assert all("終結" in row for row in page.locator("tbody tr").all_inner_texts())
    shot(page, "everyday-05-case-filter")
    context.close()


def test_home_is_a_to_do_list_for_each_role(server, browser):
    for login, sections in (
        ("demo-member-1", ["invitations", "unread", "to_confirm", "to_approve", "pledges"]),
        (
            "demo-coordinator",
            ["invitations", "unread", "to_confirm", "to_approve", "pledges", "due"],
        ),
    ):
        context, page = sign_in(browser, server, login, bypass_csp=True)
        page.goto("/")
        todo = page.get_by_role("region", name="やること")
        assert todo.count() == 1
        shown = todo.locator("section[data-todo]").evaluate_all(
            "nodes => nodes.map(n => n.dataset.todo)"
        )
        assert shown == sections
        assert axe_violations(page) == []
        shot(page, f"everyday-home-{login}")
        first = todo.locator("[data-todo=invitations] a").first
        if first.count():  # the demo's meetings ahead open from the list
            first.click()
            page.wait_for_url(re.compile(r"/meetings/[0-9a-f]+$"))
        context.close()
