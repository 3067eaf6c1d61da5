"""Sign-in: passwords, lock-out, second factor, refresh and a logout that really ends it."""

from __future__ import annotations

from datetime import timedelta

import pyotp
from sqlalchemy import func, select, update

from identity.base import AuditEntry
from identity.members.models import Member
from identity.sessions.models import LoginThrottle
from kasane.demo import DEMO_PASSWORD
from kasane_shared.db import utcnow
from tests.helpers import PASSWORD, assert_problem, auth, login, token_for


def test_login_returns_token_and_httponly_cookie(suite, people):
    response = login(suite.client, "demo-coordinator")
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer" and 30 <= body["expires_in"] <= 3600
    cookie = response.headers["set-cookie"]
    assert "kasane_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    me = suite.client.get("/identity/me", headers=auth(body["access_token"]))
    assert me.status_code == 200
    assert set(me.json()) >= {"id", "login", "display_name", "organization_id", "roles"}
    assert me.json()["login"] == "demo-coordinator"
    assert set(me.json()["roles"]) == {"coordinator", "member"}


def test_wrong_password_and_unknown_login_answer_alike(suite, people):
    wrong = assert_problem(
        login(suite.client, "demo-member-1", "not-the-password"), 401, "invalid_credentials"
    )
    unknown = assert_problem(
        login(suite.client, "nobody-here", "not-the-password"), 401, "invalid_credentials"
    )
    assert wrong == unknown
    assert "ログインID" in wrong["detail"]


def test_messages_in_english_on_request(suite, people):
    body = assert_problem(
        suite.client.post(
            "/identity/session",
            json={"login": "x", "password": "y"},
            headers={"Accept-Language": "en-US,en;q=0.9"},
        ),
        401,
    )
    assert body["lang"] == "en" and "password" in body["detail"]


def test_lockout_after_repeated_failures(suite, people):
    limit = suite.settings.login_max_failures
    for _ in range(limit - 2):
        first = assert_problem(login(suite.client, "demo-member-2", "wrong-password"), 401)
        assert "次に間違えると" not in first["detail"]
    # The last try before the pause says so, and for how long (pauses start at a minute).
    last = assert_problem(login(suite.client, "demo-member-2", "wrong-password"), 401)
    assert "次に間違えると、このアカウントは1分間" in last["detail"]
    # The failure that pauses says how long.
    pausing = login(suite.client, "demo-member-2", "wrong-password")
    locking = assert_problem(pausing, 429, "locked")
    assert "あと1分間ログインできません" in locking["detail"]
    assert pausing.headers["retry-after"] == "60"
    # Now even the right password from this (unknown) browser waits until the pause passes.
    locked = assert_problem(login(suite.client, "demo-member-2"), 429, "locked")
    assert "1分間" in locked["detail"] and "管理者" in locked["detail"]
    _end_pauses(suite)
    # The next failure pauses twice as long: the delays grow.
    longer = login(suite.client, "demo-member-2", "wrong-password")
    assert longer.status_code == 429 and longer.headers["retry-after"] == "120"
    _end_pauses(suite)
    with suite.dbs["identity"].session() as session:
        lockouts = session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "session.lockout")
        )
        assert lockouts == 2
    assert login(suite.client, "demo-member-2").status_code == 200


def _end_pauses(suite) -> None:
    with suite.dbs["identity"].session() as session:
        session.execute(update(LoginThrottle).values(paused_until=utcnow() - timedelta(seconds=1)))


def test_success_resets_failure_count(suite, people):
    for _ in range(suite.settings.login_max_failures - 1):
        login(suite.client, "demo-member-3", "wrong-password")
    assert login(suite.client, "demo-member-3").status_code == 200
    assert login(suite.client, "demo-member-3", "wrong-password").status_code == 401
    assert login(suite.client, "demo-member-3").status_code == 200


def test_demo_password_refused_outside_demo_mode(suite, people):
    with suite.dbs["identity"].session() as session:
        from identity.passwords import hash_password

        member = session.scalar(select(Member).where(Member.login == "demo-member-1"))
        member.password_hash = hash_password(DEMO_PASSWORD)
    assert_problem(login(suite.client, "demo-member-1", DEMO_PASSWORD), 401, "invalid_credentials")
    suite.settings.demo = True
    assert login(suite.client, "demo-member-1", DEMO_PASSWORD).status_code == 200


def test_logout_ends_session_and_its_tokens(suite, people):
    response = login(suite.client, "demo-member-1")
    token = response.json()["access_token"]
    assert suite.client.get("/identity/me", headers=auth(token)).status_code == 200
    assert (
        suite.client.post("/identity/session/refresh").status_code == 200
    )  # cookie kept by the client
    assert suite.client.delete("/identity/session").status_code == 204
    assert_problem(suite.client.get("/identity/me", headers=auth(token)), 401, "session_ended")
    assert_problem(suite.client.post("/identity/session/refresh"), 401, "session_ended")


def test_logout_by_bearer_token(suite, people):
    token = token_for(suite.client, "demo-member-2")
    suite.client.cookies.clear()
    assert suite.client.delete("/identity/session", headers=auth(token)).status_code == 204
    assert_problem(suite.client.get("/identity/me", headers=auth(token)), 401, "session_ended")
    assert_problem(suite.client.delete("/identity/session", headers=auth(token)), 401)


def test_refresh_gives_new_token_for_open_session(suite, people):
    first = login(suite.client, "demo-member-3").json()["access_token"]
    second = suite.client.post("/identity/session/refresh").json()["access_token"]
    assert second != first
    assert suite.client.get("/identity/me", headers=auth(second)).json()["login"] == "demo-member-3"


def test_idle_session_expires(suite, people):
    from identity.sessions.models import LoginSession

    token = token_for(suite.client, "demo-member-3")
    with suite.dbs["identity"].session() as session:
        for row in session.scalars(select(LoginSession)):
            row.last_seen_at = utcnow() - timedelta(minutes=suite.settings.session_idle_minutes + 1)
    assert_problem(suite.client.get("/identity/me", headers=auth(token)), 401, "session_ended")
    assert_problem(suite.client.post("/identity/session/refresh"), 401)


def test_totp_second_factor(suite, people):
    token = token_for(suite.client, "demo-member-1")
    secret = suite.client.post(
        "/identity/me/totp", json={"current_password": PASSWORD}, headers=auth(token)
    ).json()["secret"]
    totp = pyotp.TOTP(secret)
    assert_problem(
        suite.client.post(
            "/identity/me/totp/confirm",
            json={"code": "000000" if totp.now() != "000000" else "111111"},
            headers=auth(token),
        ),
        422,
    )
    assert (
        suite.client.post(
            "/identity/me/totp/confirm", json={"code": totp.now()}, headers=auth(token)
        ).status_code
        == 200
    )
    assert_problem(login(suite.client, "demo-member-1"), 401, "totp_required")
    wrong = "123456" if totp.now() != "123456" else "654321"
    assert_problem(login(suite.client, "demo-member-1", totp=wrong), 401, "invalid_credentials")
    at_next_step = totp.at(utcnow() + timedelta(seconds=30))
    assert login(suite.client, "demo-member-1", totp=at_next_step).status_code == 200
    # The same code cannot be replayed.
    assert_problem(login(suite.client, "demo-member-1", totp=at_next_step), 401)


def test_totp_secret_not_stored_in_clear(suite, people):
    token = token_for(suite.client, "demo-member-1")
    secret = suite.client.post(
        "/identity/me/totp", json={"current_password": PASSWORD}, headers=auth(token)
    ).json()["secret"]
    with suite.dbs["identity"].session() as session:
        member = session.scalar(select(Member).where(Member.login == "demo-member-1"))
        assert secret.encode() not in member.totp_secret_sealed


def test_change_own_password(suite, people):
    token = token_for(suite.client, "demo-member-2")
    bad = suite.client.put(
        "/identity/me/password",
        json={"current_password": "wrong-one", "new_password": "a-new-passphrase"},
        headers=auth(token),
    )
    assert assert_problem(bad, 422)["errors"][0]["field"] == "current_password"
    ok = suite.client.put(
        "/identity/me/password",
        json={"current_password": PASSWORD, "new_password": "a-new-passphrase"},
        headers=auth(token),
    )
    assert ok.status_code == 204
    assert login(suite.client, "demo-member-2", "a-new-passphrase").status_code == 200
    assert login(suite.client, "demo-member-2").status_code == 401


def test_password_is_argon2id(suite, people):
    with suite.dbs["identity"].session() as session:
        member = session.scalar(select(Member).where(Member.login == "demo-member-2"))
        assert member.password_hash.startswith("$argon2id$")
        assert PASSWORD not in member.password_hash
