"""Print views in Chromium: a plan with four 役割分担 rows and an agenda, as paper shows them."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from kasane_shared.wareki import format_date
from tests.browser.conftest import SCREENSHOTS, axe_violations, shot
from tests.browser.test_scenario import sign_in

pytestmark = pytest.mark.browser
NOTICE = "社会福祉法第106条の6"
PAGE_RULES = """() => [...document.styleSheets]
  .flatMap(s => [...s.cssRules]).filter(r => r instanceof CSSPageRule)
  .map(r => r.cssText).join('\\n')"""


def _today() -> str:
    return format_date(datetime.now(ZoneInfo("Asia/Tokyo")).date())


def _pdf(page, name: str) -> bytes:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    data = page.pdf(path=str(SCREENSHOTS / f"{name}.pdf"), prefer_css_page_size=True)
    assert data.startswith(b"%PDF")
    return data


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


def _pdf_text(name: str) -> str:
    """The PDF's text as poppler reads it (CI installs poppler-utils; skipped where absent)."""
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = SCREENSHOTS / f"{name}.pdf"
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def _check_every_page(name: str, pages: int) -> None:
    """取扱注意, the Art. 106-6 line and 「n / N ページ」 on every printed page."""
    text = _pdf_text(name)
    for n in range(1, pages + 1):
        assert f"{n} / {pages} ページ" in text, text
    assert text.count("取扱注意") >= pages and text.count("守秘義務の対象") >= pages


def test_a_plan_with_four_roles_prints(server, browser):
    context, page = sign_in(browser, server, "demo-coordinator", bypass_csp=True)
    page.goto("/cases")
    page.locator("tbody tr a").first.click()
    page.wait_for_url(re.compile(r"/cases/[0-9a-f]+$"))
    page.get_by_role("link", name="支援プランを作成・変更する").click()
    assert axe_violations(page) == []
    page.get_by_label("プラン策定").check()
    page.get_by_label("目標", exact=True).fill("週1回、地域のサロンに通う")
    page.get_by_label("本人の意向").fill("できるだけ家で暮らしたい")
    while page.locator(".role-row").count() < 4:
        page.get_by_role("button", name="役割分担の行を追加").click()
    assert page.get_by_label("本人の意向").input_value() == "できるだけ家で暮らしたい"
    for n in range(4):
        page.get_by_label(f"機関 {n + 1}", exact=True).select_option(index=n + 1)
        page.get_by_label(f"役割 {n + 1}", exact=True).fill(f"印刷試験の役割{n + 1}")
    page.get_by_role("button", name="この内容で保存する").click()
    page.wait_for_url(re.compile(r"/plans/[0-9a-f]+$"))
    assert "支援プランを保存しました。" in page.locator("main").inner_text()
    assert page.locator("table.plan-roles tbody tr").count() == 4
    assert axe_violations(page) == []
    page.get_by_role("link", name="印刷用の表示").click()
    page.wait_for_url(re.compile(r"/print$"))
    assert axe_violations(page) == []
    page.emulate_media(media="print")
    assert not page.locator(".print-tools").is_visible()
    text = page.locator("main").inner_text()
    assert "取扱注意" in text and NOTICE in text and "守秘義務" in text and _today() in text
    assert all(f"印刷試験の役割{n}" in text for n in range(1, 5))
    assert "できるだけ家で暮らしたい" in text and "関係機関" in text
    rules = page.evaluate(PAGE_RULES)
    assert "counter(page)" in rules and "counter(pages)" in rules and "取扱注意" in rules
    assert page.evaluate("getComputedStyle(document.querySelector('main')).page") == "kasane-ja"
    shot(page, "print-01-plan")
    pages = _pages(_pdf(page, "print-plan"))
    assert pages >= 1
    context.close()
    _check_every_page("print-plan", pages)


def test_the_agenda_prints_with_invitees_and_date(server, browser):
    context, page = sign_in(browser, server, "demo-member-1", bypass_csp=True)
    page.goto("/meetings")
    page.locator("tr", has_text="定例支援会議").last.get_by_role("link", name="議題").click()
    page.wait_for_url(re.compile(r"/meetings/[0-9a-f]+$"))
    page.get_by_role("link", name="印刷用の表示").click()
    page.wait_for_url(re.compile(r"/print$"))
    assert axe_violations(page) == []
    page.emulate_media(media="print")
    text = page.locator("main").inner_text()
    assert "取扱注意" in text and NOTICE in text and _today() in text
    invitees = page.locator("#invitees")
    assert invitees.is_visible() and invitees.locator("tbody tr").count() >= 3
    assert page.locator("article.item").count() >= 1
    shot(page, "print-02-agenda")
    pages = _pages(_pdf(page, "print-agenda"))
    assert pages >= 1
    context.close()
    _check_every_page("print-agenda", pages)
