"""Accounts, admin and audit pages in Chromium, and every main page on a 390 px phone."""

from __future__ import annotations

import csv
import io
import re
import time
from pathlib import Path

import pyotp
import pytest

from tests.browser.conftest import axe_violations, shot

pytestmark = pytest.mark.browser
PASSWORD = "demo-password"
NEW_PASSWORD = "a-fresh-passphrase-7"
RAW_CODE = re.compile(r"\b[a-z_]+\.[a-z_]+\b")


def open_page(browser, base: str, *, phone: bool = False):
    """A fresh browser context (axe needs CSP bypassed to be injected)."""
    size = {"width": 390, "height": 844} if phone else {"width": 1366, "height": 900}
    context = browser.new_context(
        base_url=base, locale="ja-JP", accept_downloads=True, bypass_csp=True, viewport=size
    )
    context.set_default_timeout(15000)
    return context, context.new_page()


def sign_in(page, login: str, password: str = PASSWORD, landing: str = r"/$") -> None:
    """Through the sign-in form."""
    page.goto("/login")
    page.get_by_label("ログインID").fill(login)
    page.get_by_label("パスワード").fill(password)
    page.get_by_role("button", name="ログイン", exact=True).click()
    page.wait_for_url(re.compile(landing))


def no_serious(page, where: str, found: dict) -> None:
    """Collect axe-core's serious and critical findings for this page."""
    found[where] = axe_violations(page)


def test_password_totp_and_sessions(server, browser):
    found: dict = {}
    context, page = open_page(browser, server)
    sign_in(page, "demo-member-2")
    page.get_by_role("link", name="アカウント").click()
    no_serious(page, "/account", found)
    page.get_by_role("link", name="パスワードを変更する").click()
    no_serious(page, "/account/password", found)
    page.get_by_label("現在のパスワード").fill(PASSWORD)
    page.locator("#f-new_password").fill("short")
    page.locator("#f-new_password_again").fill("short")
    page.get_by_role("button", name="パスワードを変更する").click()
    summary = page.locator("#form-errors")
    assert "10文字以上" in summary.inner_text()
    no_serious(page, "/account/password (errors)", found)
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "f-new_password"
    page.locator("#f-new_password").fill(NEW_PASSWORD)
    page.locator("#f-new_password_again").fill(NEW_PASSWORD)
    page.get_by_label("現在のパスワード").fill(PASSWORD)
    page.get_by_role("button", name="パスワードを変更する").click()
    page.wait_for_url(re.compile(r"/account$"))
    assert "パスワードを変更しました" in page.content()
    context.close()

    context, page = open_page(browser, server)
    sign_in(page, "demo-member-2", NEW_PASSWORD)
    # Two-step sign-in: the QR code is drawn here; the code comes from the secret.
    page.goto("/account")
    page.get_by_label("現在のパスワード").fill(NEW_PASSWORD)
    page.get_by_role("button", name="設定を始める").click()
    assert page.locator(".qr svg").count() == 1
    no_serious(page, "/account/totp/start", found)
    shot(page, "20-totp-setup")
    secret = page.locator("input[name=secret]").get_attribute("value")
    page.get_by_label("アプリに表示された6桁の数字").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="設定を完了する").click()
    codes = page.locator(".recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    no_serious(page, "recovery codes", found)
    context.close()

    context, page = open_page(browser, server)
    page.goto("/login")
    page.get_by_label("ログインID").fill("demo-member-2")
    page.get_by_label("パスワード").fill(NEW_PASSWORD)
    page.get_by_role("button", name="ログイン", exact=True).click()
    page.get_by_label("パスワード").fill(NEW_PASSWORD)
    page.get_by_label("確認コード（6桁）").fill(pyotp.TOTP(secret).at(time.time() + 30))
    page.get_by_role("button", name="ログイン", exact=True).click()
    page.wait_for_url(re.compile(r"/$"))
    context.close()
    assert not {k: v for k, v in found.items() if v}, found


def test_forced_change_and_admin_pages(server, browser):
    found: dict = {}
    admin_ctx, admin = open_page(browser, server)
    sign_in(admin, "demo-admin")
    admin.goto("/admin")
    no_serious(admin, "/admin", found)
    admin.get_by_label("ログインID").fill("new-member-7")
    admin.get_by_label("氏名").fill("新任 七海")
    admin.get_by_label("所属機関").select_option(label="かさね市社会福祉協議会")
    admin.locator("#f-member-role-member").check()
    admin.get_by_label("初期パスワード").fill("initial-pass-1234")
    admin.get_by_role("button", name="構成員を登録する").click()
    admin.wait_for_url(re.compile(r"/admin$"))

    context, page = open_page(browser, server)
    sign_in(page, "new-member-7", "initial-pass-1234", landing=r"/account/password$")
    assert "初期パスワード" in page.content()
    page.goto("/meetings")
    assert page.url.endswith("/account/password")
    page.get_by_label("現在のパスワード").fill("initial-pass-1234")
    page.locator("#f-new_password").fill(NEW_PASSWORD)
    page.locator("#f-new_password_again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="パスワードを変更する").click()
    page.wait_for_url(re.compile(r"/account$"))
    page.goto("/meetings")
    assert page.url.endswith("/meetings")
    context.close()

    # A lock, seen and lifted by the admin.
    context, page = open_page(browser, server)
    for attempt in range(5):
        page.goto("/login")
        page.get_by_label("ログインID").fill("demo-member-3")
        page.get_by_label("パスワード").fill("wrong-password")
        page.get_by_role("button", name="ログイン", exact=True).click()
        if attempt == 3:  # the last try before the lock says so
            assert "次に間違えると" in page.locator("#f-password-error").inner_text()
    assert re.search(r"あと\d+分間ログインできません", page.locator("#form-errors").inner_text())
    admin.goto("/admin")
    admin.get_by_role("button", name="停止を解除する").click()
    assert "すぐにログインできます" in admin.content()
    sign_in(page, "demo-member-3")
    context.close()

    admin.goto("/admin/pledges")
    no_serious(admin, "/admin/pledges", found)
    admin.get_by_role("link", name="新任 七海").click()
    no_serious(admin, "/admin/members/{id}", found)
    admin.locator("#f-member-role-coordinator").check()
    admin.get_by_role("button", name="この内容で保存する").click()
    assert "構成員を更新しました" in admin.content()
    admin_ctx.close()
    assert not {k: v for k, v in found.items() if v}, found


def test_audit_page_and_csv(server, browser):
    found: dict = {}
    context, page = open_page(browser, server)
    sign_in(page, "demo-auditor")
    page.goto("/audit")
    table = page.locator("table.audit-log tbody").inner_text()
    assert "ログイン" in table and not RAW_CODE.search(table), RAW_CODE.search(table)
    no_serious(page, "/audit", found)
    shot(page, "21-audit")
    with page.expect_download() as download:
        page.get_by_role("link", name="この条件でCSVに書き出す").click()
    raw = Path(download.value.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:5] == ["日時", "サービス", "番号", "操作した人", "操作"] and len(rows) > 1
    page.goto("/audit/verify")
    no_serious(page, "/audit/verify", found)
    context.close()
    assert not {k: v for k, v in found.items() if v}, found


PHONE_PAGES = {
    "demo-coordinator": ["/", "/meetings", "/meetings/new", "/cases", "/cases/new", "/pledges"],
    "demo-member-1": ["/", "/meetings", "/pledges", "/account"],
    "demo-admin": ["/admin", "/admin/pledges"],
    "demo-auditor": ["/audit"],
}
MEASURE = """() => {
  const narrow = [...document.querySelectorAll('main td')]
    .filter(td => td.offsetParent !== null)
    .map(td => td.getBoundingClientRect().width)
    .filter(w => w < 40);
  const small = [...document.querySelectorAll(
      'button, a.button, .site-nav a, select, input:not([type=hidden]):not([type=checkbox])'
      + ':not([type=radio])')]
    .filter(el => el.offsetParent !== null && el.getBoundingClientRect().height < 44)
    .map(el => el.outerHTML.slice(0, 80));
  return {scroll: document.documentElement.scrollWidth, view: window.innerWidth,
          narrow: narrow.length, small: small};
}"""


def test_phone_width_nothing_scrolls_sideways_and_targets_are_44px(server, browser):
    problems = {}
    for login, paths in PHONE_PAGES.items():
        context, page = open_page(browser, server, phone=True)
        sign_in(page, login)
        paths = list(paths)
        if login == "demo-coordinator":
            page.goto("/meetings")
            link = page.locator("a", has_text="会議の管理").first
            meeting = link.get_attribute("href").split("/")[2]
            paths += [f"/meetings/{meeting}", f"/meetings/{meeting}/manage"]
            paths += [f"/meetings/{meeting}/minutes"]
        for path in paths:
            page.goto(path)
            measured = page.evaluate(MEASURE)
            if measured["scroll"] > measured["view"] or measured["narrow"] or measured["small"]:
                problems[f"{login} {path}"] = measured
        shot(page, f"22-phone-{login}")
        context.close()
    assert not problems, problems


def test_word_link_without_minutes_is_a_japanese_page(server, browser):
    context, page = open_page(browser, server)
    sign_in(page, "demo-coordinator")
    page.goto("/meetings/new")
    page.get_by_label("会議名").fill("会議録のない会議")
    page.get_by_label("開催日").fill("2031-02-04")
    page.get_by_label("開始時刻").fill("10:00")
    page.get_by_label("終了時刻").fill("11:00")
    page.get_by_label("場所").fill("会議室C")
    page.get_by_label("社協 二郎").check()
    page.get_by_role("button", name="この内容で会議を設定する").click()
    if "登録の前に確認してください" in page.content():
        page.locator("button[name=confirmed]").first.click()
    page.wait_for_url(re.compile(r"/meetings/[0-9a-f]+/manage$"))
    meeting = page.url.split("/")[-2]
    # As a browser follows the link from the meeting page (it sends where it came from).
    page.goto(f"/meetings/{meeting}/word", referer=f"{server}/meetings/{meeting}")
    assert page.locator("html").get_attribute("lang") == "ja"
    assert "application/problem+json" not in page.content()
    assert page.locator(".notice-error").count() == 1
    assert page.get_by_role("link", name="前の画面に戻る").count() == 1
    assert "会議録のない会議" not in page.title()
    found = {"word error": axe_violations(page)}
    context.close()
    assert not {k: v for k, v in found.items() if v}, found
