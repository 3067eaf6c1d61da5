"""Account pages: change password, forced change of an initial password, TOTP with a QR code,
own sessions, and sign-in messages about the lock."""

from __future__ import annotations

import re

import pyotp

from tests.helpers import PASSWORD, auth, token_for
from tests.web.conftest import csrf_of, sign_in

NEW_PASSWORD = "a-fresh-passphrase-7"


def _post(web, path: str, data: dict, page: str = "/account"):
    token = csrf_of(web.get(page).text)
    return web.post(path, data={"csrf_token": token, **data}, follow_redirects=False)


def test_change_password_then_sign_in_with_it(web, people):
    sign_in(web, "demo-member-2")
    short = _post(
        web,
        "/account/password",
        {"current_password": PASSWORD, "new_password": "short", "new_password_again": "short"},
    )
    assert short.status_code == 422
    # The summary at the top links to the field that needs attention.
    assert 'href="#f-new_password"' in short.text and "10文字以上" in short.text
    wrong = _post(
        web,
        "/account/password",
        {
            "current_password": "not-the-one",
            "new_password": NEW_PASSWORD,
            "new_password_again": NEW_PASSWORD,
        },
    )
    assert wrong.status_code == 422 and "現在のパスワードが違います" in wrong.text
    assert "not-the-one" not in wrong.text
    ok = _post(
        web,
        "/account/password",
        {
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "new_password_again": NEW_PASSWORD,
        },
    )
    assert ok.status_code == 303 and ok.headers["location"] == "/account"
    assert "パスワードを変更しました" in web.get("/account").text
    web.cookies.clear()
    sign_in(web, "demo-member-2", NEW_PASSWORD)
    assert web.get("/").status_code == 200


def test_initial_password_leads_to_the_change_page_and_nowhere_else(web, people, suite):
    admin = token_for(suite.client, "demo-admin")
    created = suite.client.post(
        "/identity/members",
        json={
            "login": "new-member",
            "display_name": "新任 構成",
            "organization_id": people.organizations["welfare"],
            "roles": ["member"],
            "password": "initial-pass-1234",
        },
        headers=auth(admin),
    )
    assert created.status_code == 201
    sign_in(web, "new-member", "initial-pass-1234")
    for path in ("/", "/meetings", "/pledges", "/account"):
        response = web.get(path, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"] == "/account/password"
    page = web.get("/account/password")
    assert "初期パスワード" in page.text and 'href="/meetings"' not in page.text
    changed = _post(
        web,
        "/account/password",
        {
            "current_password": "initial-pass-1234",
            "new_password": NEW_PASSWORD,
            "new_password_again": NEW_PASSWORD,
        },
        page="/account/password",
    )
    assert changed.status_code == 303
    assert web.get("/meetings").status_code == 200


def test_enrol_totp_with_a_qr_code_drawn_here(web, people):
    sign_in(web, "demo-member-1")
    missing = _post(web, "/account/totp/start", {"current_password": ""})
    assert missing.status_code == 422 and 'href="#f-start-current_password"' in missing.text
    started = _post(web, "/account/totp/start", {"current_password": PASSWORD})
    assert started.status_code == 200
    assert "<svg" in started.text and "<img" not in started.text
    secret = re.search(r'name="secret" value="([A-Z2-7]+)"', started.text).group(1)
    code = pyotp.TOTP(secret).now()
    wrong = "000000" if code != "000000" else "111111"
    bad = web.post(
        "/account/totp/confirm",
        data={"csrf_token": csrf_of(started.text), "code": wrong, "secret": secret, "uri": ""},
    )
    assert bad.status_code == 422 and "<svg" not in bad.text  # no URI came back: no QR
    uri = re.search(r'name="uri" value="([^"]+)"', started.text).group(1).replace("&amp;", "&")
    again = web.post(
        "/account/totp/confirm",
        data={"csrf_token": csrf_of(started.text), "code": wrong, "secret": secret, "uri": uri},
    )
    assert again.status_code == 422 and "<svg" in again.text
    huge = web.post(
        "/account/totp/confirm",
        data={
            "csrf_token": csrf_of(started.text),
            "code": wrong,
            "secret": secret,
            "uri": "x" * 5000,
        },
    )
    assert huge.status_code == 422 and "<svg" not in huge.text
    done = web.post(
        "/account/totp/confirm",
        data={"csrf_token": csrf_of(started.text), "code": code, "secret": secret, "uri": ""},
    )
    assert done.status_code == 200
    codes = re.findall(r"<li>([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})</li>", done.text)
    assert len(codes) == 10
    account = web.get("/account").text
    assert "二段階認証を解除する" in account
    # Signing in again asks for the code; a recovery code is accepted in its place.
    web.cookies.clear()
    login_page = web.get("/login")
    asked = web.post(
        "/login",
        data={
            "csrf_token": csrf_of(login_page.text),
            "login": "demo-member-1",
            "password": PASSWORD,
        },
    )
    assert 'id="f-totp"' in asked.text
    recovered = web.post(
        "/login",
        data={
            "csrf_token": csrf_of(asked.text),
            "login": "demo-member-1",
            "password": PASSWORD,
            "totp": codes[0],
            "totp_shown": "1",
        },
        follow_redirects=False,
    )
    assert recovered.status_code == 303


def test_own_sessions_can_be_ended(web, people, suite):
    elsewhere = token_for(suite.client, "demo-member-3")
    sign_in(web, "demo-member-3")
    page = web.get("/account").text
    ends = re.findall(r'action="(/account/sessions/[0-9a-f]+/end)"', page)
    assert len(ends) == 1 and "この画面" in page
    assert _post(web, ends[0], {}).status_code == 303
    assert suite.client.get("/identity/me", headers=auth(elsewhere)).status_code == 401
    assert web.get("/account").status_code == 200


def test_sign_in_warns_before_the_lock_and_says_how_long(web, people, suite):
    # Pauses start at a minute and grow with further failures.
    limit, minutes = suite.settings.login_max_failures, 1
    texts = []
    for _ in range(limit):
        page = web.get("/login")
        texts.append(
            web.post(
                "/login",
                data={
                    "csrf_token": csrf_of(page.text),
                    "login": "demo-member-4",
                    "password": "wrong-password",
                },
            ).text
        )
    assert "次に間違えると" not in texts[0]
    assert f"次に間違えると、このアカウントは{minutes}分間" in texts[-2]
    assert f"あと{minutes}分間ログインできません" in texts[-1]
