"""Web pages: sign-in messages, CSRF refusal, security headers, no-store, language, session end."""

from __future__ import annotations

from tests.helpers import auth, token_for
from tests.web.conftest import csrf_of, sign_in


def test_security_headers_on_every_page(web, people):
    for path in ("/login", "/static/kasane.css"):
        response = web.get(path)
        assert response.status_code == 200
        csp = response.headers["content-security-policy"]
        assert (
            "default-src 'self'" in csp
            and "frame-ancestors 'none'" in csp
            and "'unsafe-inline'" not in csp
        )
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "same-origin"
    assert web.get("/login").headers["cache-control"] == "no-store"
    assert 'lang="ja"' in web.get("/login").text


def test_not_signed_in_goes_to_sign_in(web, people):
    response = web.get("/meetings", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")


def test_login_errors_next_to_fields(web, people):
    page = web.get("/login")
    empty = web.post("/login", data={"csrf_token": csrf_of(page.text), "login": "", "password": ""})
    assert empty.status_code == 422
    assert 'id="f-login-error"' in empty.text and "ログインIDを入力してください。" in empty.text
    assert 'aria-describedby="f-login-error"' in empty.text
    assert 'id="f-password-error"' in empty.text
    wrong = web.post(
        "/login",
        data={
            "csrf_token": csrf_of(page.text),
            "login": "demo-member-1",
            "password": "wrong-password",
        },
    )
    assert wrong.status_code == 401
    assert (
        'id="f-password-error"' in wrong.text
        and "ログインIDまたはパスワードが正しくありません。" in wrong.text
    )
    assert "wrong-password" not in wrong.text


def test_csrf_missing_or_wrong_is_refused_and_changes_nothing(web, people, suite):
    sign_in(web, "demo-coordinator")
    coordinator = auth(token_for(web, "demo-coordinator"))
    before = web.get("/agenda/cases", headers=coordinator).json()
    missing = web.post("/cases/new", data={"title": "CSRFなし事例"})
    wrong = web.post("/cases/new", data={"title": "CSRF誤り事例", "csrf_token": "0" * 64})
    for response in (missing, wrong):
        assert response.status_code == 403
        assert "何も変更していません" in response.text
    assert web.get("/agenda/cases", headers=coordinator).json() == before
    # A token taken before sign-in does not fit the signed-in session either.
    assert web.post("/login", data={"login": "demo-member-1", "password": "x"}).status_code == 403


def test_case_page_is_not_cached_and_shows_tax_spans(web, people):
    sign_in(web, "demo-coordinator")
    form = web.get("/cases/new")
    created = web.post(
        "/cases/new",
        data={
            "csrf_token": csrf_of(form.text),
            "title": "架空の事例",
            "notes": "本人は固定資産税を3年分滞納している。",
        },
        follow_redirects=False,
    )
    assert created.status_code == 303
    page = web.get(created.headers["location"])
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert '<mark class="tax">固定資産税を3年分滞納している</mark>' in page.text


def test_form_error_from_the_service_sits_next_to_its_field(web, people):
    sign_in(web, "demo-coordinator")
    form = web.get("/meetings/new")
    body = {
        "csrf_token": csrf_of(form.text),
        "kind": "shien",
        "title": "会議",
        "date": "2026-12-01",
        "start_time": "11:00",
        "end_time": "10:00",
        "place": "会議室",
        "action": "create",
    }
    response = web.post("/meetings/new", data=body)
    assert response.status_code == 422
    assert "終了日時は開始日時より後にしてください。" in response.text
    no_date = web.post("/meetings/new", data=body | {"date": ""})
    assert 'id="f-date-error"' in no_date.text


def test_english_switch(web, people):
    page = web.get("/login")
    switched = web.post(
        "/lang",
        data={"csrf_token": csrf_of(page.text), "lang": "en", "next": "/login"},
        follow_redirects=False,
    )
    assert switched.status_code == 303 and switched.headers["location"] == "/login"
    english = web.get("/login")
    assert (
        'lang="en"' in english.text
        and "Sign in" in english.text
        and "ログインID" not in english.text
    )
    back = web.post(
        "/lang", data={"csrf_token": csrf_of(english.text), "lang": "ja", "next": "/login"}
    )
    assert "ログインID" in back.text


def test_sign_out_and_ended_session_send_to_sign_in(web, people):
    sign_in(web, "demo-member-1")
    home = web.get("/")
    assert home.status_code == 200 and "社協 二郎" in home.text
    # Identity ends the session (as on idle time-out): the next page sends the person to sign in.
    assert web.delete("/identity/session").status_code == 204
    response = web.get("/meetings", follow_redirects=False)
    assert response.status_code == 303 and "reason=expired" in response.headers["location"]
    sign_in(web, "demo-member-1")
    out = web.post(
        "/logout", data={"csrf_token": csrf_of(web.get("/").text)}, follow_redirects=False
    )
    assert (
        out.status_code == 303
        and web.get("/", follow_redirects=False).headers["location"] == "/login"
    )


def test_roles_guard_pages(web, people):
    sign_in(web, "demo-member-1")
    for path in ("/cases", "/admin", "/audit", "/meetings/new"):
        assert web.get(path).status_code == 403, path


def test_audit_api_is_for_auditors_only(web, people):
    member = auth(token_for(web, "demo-member-1"))
    assert web.get("/agenda/audit", headers=member).status_code == 403
    auditor = auth(token_for(web, "demo-auditor"))
    for service in ("identity", "agenda", "minutes"):
        assert web.get(f"/{service}/audit/verify", headers=auditor).json()["ok"] is True
    entries = web.get(
        "/identity/audit", params={"action": "session.login", "limit": 5}, headers=auditor
    ).json()
    sign_in(web, "demo-auditor")
    assert entries and all(e["action"].startswith("session.login") for e in entries)
    page = web.get("/audit", params={"service_name": "identity", "action": "session."})
    table = page.text.split("<tbody>", 1)[1]
    assert page.status_code == 200 and "ログイン" in table and "session.login" not in table
    assert 'id="verify-agenda"' in web.get("/audit/verify").text


def test_admin_page_lists_and_validates(web, people):
    sign_in(web, "demo-admin")
    page = web.get("/admin")
    assert page.status_code == 200 and "かさね市 税務課" in page.text
    bad = web.post(
        "/admin/members",
        data={
            "csrf_token": csrf_of(page.text),
            "login": "X",
            "display_name": "",
            "organization_id": "",
            "password": "short",
        },
    )
    assert bad.status_code == 422
    assert 'id="f-member-login-error"' in bad.text and 'id="f-member-password-error"' in bad.text


def test_word_copy_is_fetched_with_the_token_not_the_cookie(web, people, suite):
    coordinator = auth(token_for(web, "demo-coordinator"))
    member = people.members["demo-member-1"]
    meeting = web.post(
        "/agenda/meetings",
        json={
            "kind": "shien",
            "title": "Word版の会議",
            "starts_at": "2026-12-01T10:00:00+09:00",
            "ends_at": "2026-12-01T11:00:00+09:00",
            "place": "会議室",
            "attendees": [{"member_id": member, "required": True}],
        },
        headers=coordinator,
    ).json()
    drafted = web.put(
        f"/minutes/meetings/{meeting['id']}/minutes",
        json={"attendance": [member], "items": []},
        headers=coordinator,
    )
    assert drafted.status_code == 200, drafted.text
    for step in ("submit", "approve"):
        done = web.post(f"/minutes/meetings/{meeting['id']}/minutes/{step}", headers=coordinator)
        assert done.status_code == 200, done.text
    sign_in(web, "demo-member-1")
    copy = web.get(f"/meetings/{meeting['id']}/word")
    assert copy.status_code == 200, copy.text
    assert copy.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert copy.headers["content-disposition"].startswith("attachment;")
    assert copy.content[:2] == b"PK"
    sign_in(web, "demo-member-3")
    refused = web.get(f"/meetings/{meeting['id']}/word")
    assert refused.status_code == 404 and refused.headers["content-type"].startswith("text/html")
