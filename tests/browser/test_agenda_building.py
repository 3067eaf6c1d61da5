"""Agenda building in Chromium: keyboard reorder in place, the no-script buttons, removal."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import axe_violations, shot
from tests.browser.test_scenario import sign_in

pytestmark = pytest.mark.browser


def _demo_agenda(page) -> str:
    """The manage page of the demo's first 定例支援会議 (three items); its meeting id."""
    page.goto("/meetings")
    page.locator("tr", has_text="定例支援会議").last.get_by_role("link", name="会議の管理").click()
    page.wait_for_url(re.compile(r"/meetings/[0-9a-f]+/manage$"))
    return page.url.split("/")[-2]


def _titles(page) -> list[str]:
    return page.locator("#agenda-items article").evaluate_all(
        "nodes => nodes.map(n => n.dataset.title)"
    )


def test_keyboard_reorder_saves_in_place_with_the_script(server, browser):
    context, page = sign_in(browser, server, "demo-coordinator")  # CSP left intact
    _demo_agenda(page)
    before = _titles(page)
    assert len(before) >= 3
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.evaluate("window.kasaneMarker = 1")  # gone if the page reloads
    first = page.locator("#agenda-items article").first
    first.get_by_role("button", name=f"「{before[0]}」を一つ下へ").focus()
    page.keyboard.press("Enter")
    expected = [before[1], before[0], *before[2:]]
    page.wait_for_function(
        "t => document.getElementById('order-status').textContent.includes(t)",
        arg=f"「{before[0]}」を2番目に移しました。",
    )
    assert _titles(page) == expected
    assert page.evaluate("window.kasaneMarker") == 1
    focused = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert focused == f"「{before[0]}」を一つ下へ"
    # The arrow keys on the reorder handle move it back up.
    handle = page.get_by_role("button", name=f"「{before[0]}」を並べ替える")
    handle.focus()
    page.keyboard.press("ArrowUp")
    page.wait_for_function(
        "t => document.getElementById('order-status').textContent.includes(t)",
        arg=f"「{before[0]}」を1番目に移しました。",
    )
    page.keyboard.press("ArrowDown")
    page.wait_for_function(
        "t => document.getElementById('order-status').textContent.includes(t)",
        arg=f"「{before[0]}」を2番目に移しました。",
    )
    assert page.evaluate("window.kasaneMarker") == 1
    shot(page, "agenda-building-01-keyboard")
    page.reload()
    assert _titles(page) == expected
    assert page.locator(".item-no").all_inner_texts()[:3] == ["1", "2", "3"]
    context.close()


def test_no_script_buttons_and_removal_with_confirmation(server, browser):
    context = browser.new_context(base_url=server, locale="ja-JP", java_script_enabled=False)
    context.set_default_timeout(15000)
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("ログインID").fill("demo-coordinator")
    page.get_by_label("パスワード").fill("demo-password")
    page.get_by_role("button", name="ログイン", exact=True).click()
    page.wait_for_url(re.compile(r"/$"))
    meeting_id = _demo_agenda(page)
    before = _titles(page)
    assert page.get_by_role("button", name=f"「{before[0]}」を並べ替える").count() == 0  # hidden
    page.get_by_role("button", name=f"「{before[2]}」を一つ上へ").click()
    page.wait_for_url(re.compile(rf"/meetings/{meeting_id}/manage#item-[0-9a-f]+$"))
    assert _titles(page) == [before[0], before[2], before[1], *before[3:]]
    assert "議題の順番を変えました。" in page.locator("main").inner_text()

    page.locator("#agenda-items article").nth(1).get_by_role("link", name="議題から外す").click()
    page.wait_for_url(re.compile(r"/items/[0-9a-f]+/delete$"))
    assert "議題から外す前の確認" in page.locator("h1").inner_text()
    assert before[2] in page.locator("main").inner_text()
    shot(page, "agenda-building-02-confirm-removal")
    page.get_by_role("link", name="外さずに戻る").click()
    assert _titles(page) == [before[0], before[2], before[1], *before[3:]]
    page.locator("#agenda-items article").nth(1).get_by_role("link", name="議題から外す").click()
    page.get_by_role("button", name="議題から外す").click()
    page.wait_for_url(re.compile(rf"/meetings/{meeting_id}/manage$"))
    assert "議題から外しました。" in page.locator("main").inner_text()
    assert _titles(page) == [before[0], before[1], *before[3:]]
    context.close()


def test_agenda_pages_have_no_axe_violations(server, browser):
    context, page = sign_in(browser, server, "demo-coordinator", bypass_csp=True)
    _demo_agenda(page)
    assert axe_violations(page) == []
    page.locator("#agenda-items article").first.get_by_role("link", name="議題から外す").click()
    page.wait_for_url(re.compile(r"/delete$"))
    assert axe_violations(page) == []
    # A duplicate case asks first, on the same page.
    page.go_back()
    title = _titles(page)[0]
    form = page.locator("form.panel", has_text="議題を追加する")
    form.get_by_label("事例").select_option(label=title)
    form.get_by_role("button", name="議題を追加する").click()
    assert "この事例はすでに議題にあります" in page.locator("#duplicate").inner_text()
    assert axe_violations(page) == []
    shot(page, "agenda-building-03-duplicate")
    page.get_by_role("link", name="追加しない").click()
    assert _titles(page).count(title) == 1
    context.close()
