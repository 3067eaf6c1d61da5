"""One's own account: forced change of an initial password, TOTP with recovery codes, sessions,
admins lifting locks."""

from __future__ import annotations

from datetime import timedelta

import pyotp
from sqlalchemy import select, update

from identity.base import AuditEntry
from identity.members.models import Member
from identity.sessions.models import LoginThrottle
from kasane_shared.db import utcnow
from tests.helpers import PASSWORD, assert_problem, auth, login, token_for

NEW_PASSWORD = "a-fresh-passphrase-7"


def _actions(suite, action: str) -> int:
    with suite.dbs["identity"].session() as session:
        return len(list(session.scalars(select(AuditEntry).where(AuditEntry.action == action))))


def test_initial_password_opens_nothing_until_changed(suite, people):
    admin = token_for(suite.client, "demo-admin")
    created = suite.client.post(
        "/identity/members",
        json={
            "login": "new-coordinator",
            "display_name": "新任 調整",
            "organization_id": people.organizations["welfare"],
            "roles": ["coordinator", "member", "admin"],
            "password": "initial-pass-1234",
        },
        headers=auth(admin),
    )
    assert created.status_code == 201 and created.json()["must_change_password"] is True
    token = token_for(suite.client, "new-coordinator", "initial-pass-1234")
    me = suite.client.get("/identity/me", headers=auth(token)).json()
    assert me["must_change_password"] is True
    # The token carries no role: agenda refuses it, identity's admin gate too.
    assert_problem(suite.client.get("/agenda/cases", headers=auth(token)), 403)
    refused = assert_problem(suite.client.get("/identity/locks", headers=auth(token)), 403)
    assert "パスワードを変更" in refused["detail"]
    same = suite.client.put(
        "/identity/me/password",
        json={"current_password": "initial-pass-1234", "new_password": "initial-pass-1234"},
        headers=auth(token),
    )
    assert assert_problem(same, 422)["errors"][0]["field"] == "new_password"
    changed = suite.client.put(
        "/identity/me/password",
        json={"current_password": "initial-pass-1234", "new_password": NEW_PASSWORD},
        headers=auth(token),
    )
    assert changed.status_code == 204
    fresh = token_for(suite.client, "new-coordinator", NEW_PASSWORD)
    assert (
        suite.client.get("/identity/me", headers=auth(fresh)).json()["must_change_password"]
        is False
    )
    assert suite.client.get("/agenda/cases", headers=auth(fresh)).status_code == 200
    # An admin's reset makes it an initial password again.
    member_id = created.json()["id"]
    reset = suite.client.patch(
        f"/identity/members/{member_id}", json={"password": "reset-pass-98765"}, headers=auth(admin)
    )
    assert reset.json()["must_change_password"] is True
    # The demo's own people are not asked to change theirs.
    assert (
        suite.client.get("/identity/me", headers=auth(admin)).json()["must_change_password"]
        is False
    )


def test_password_change_ends_the_other_sessions(suite, people):
    elsewhere = token_for(suite.client, "demo-member-3")
    here = token_for(suite.client, "demo-member-3")
    changed = suite.client.put(
        "/identity/me/password",
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        headers=auth(here),
    )
    assert changed.status_code == 204
    assert suite.client.get("/identity/me", headers=auth(here)).status_code == 200
    assert_problem(suite.client.get("/identity/me", headers=auth(elsewhere)), 401)


def _enable_totp(suite, token: str) -> tuple[pyotp.TOTP, list[str]]:
    wrong = suite.client.post(
        "/identity/me/totp", json={"current_password": "not-it"}, headers=auth(token)
    )
    assert assert_problem(wrong, 422)["errors"][0]["field"] == "current_password"
    assert_problem(suite.client.post("/identity/me/totp", json={}, headers=auth(token)), 422)
    begun = suite.client.post(
        "/identity/me/totp", json={"current_password": PASSWORD}, headers=auth(token)
    )
    totp = pyotp.TOTP(begun.json()["secret"])
    assert begun.json()["otpauth_uri"].startswith("otpauth://totp/")
    confirmed = suite.client.post(
        "/identity/me/totp/confirm", json={"code": totp.now()}, headers=auth(token)
    )
    assert confirmed.status_code == 200
    codes = confirmed.json()["recovery_codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    return totp, codes


def test_totp_cannot_be_switched_off_with_a_token_alone(suite, people):
    token = token_for(suite.client, "demo-member-1")
    totp, codes = _enable_totp(suite, token)
    # The finding of issue 14: starting over with only a token switched TOTP off. Now refused.
    again = suite.client.post(
        "/identity/me/totp", json={"current_password": PASSWORD}, headers=auth(token)
    )
    assert_problem(again, 409, "totp_enabled")
    no_code = suite.client.post(
        "/identity/me/totp/disable", json={"current_password": PASSWORD}, headers=auth(token)
    )
    assert assert_problem(no_code, 422)["errors"][0]["field"] == "code"
    assert_problem(login(suite.client, "demo-member-1"), 401, "totp_required")
    with suite.dbs["identity"].session() as session:
        member = session.scalar(select(Member).where(Member.login == "demo-member-1"))
        assert member.totp_enabled and all(
            c.replace("-", "") not in str(member.totp_recovery_hashes) for c in codes
        )
    # A recovery code signs in once, in any case and with or without its dashes.
    assert login(suite.client, "demo-member-1", totp=codes[0].lower()).status_code == 200
    assert_problem(login(suite.client, "demo-member-1", totp=codes[0]), 401, "invalid_credentials")
    other = login(suite.client, "demo-member-1", totp=codes[1].replace("-", "")).json()
    # Switching off needs the password and a code; the other sign-ins end.
    off = suite.client.post(
        "/identity/me/totp/disable",
        json={"current_password": PASSWORD, "code": codes[2]},
        headers=auth(token),
    )
    assert off.status_code == 204
    assert_problem(suite.client.get("/identity/me", headers=auth(other["access_token"])), 401)
    assert login(suite.client, "demo-member-1").status_code == 200
    assert _actions(suite, "member.totp_disable") == 1


def test_turning_totp_on_ends_the_other_sign_ins_everywhere(suite, people):
    stolen = token_for(suite.client, "demo-member-3")
    own = token_for(suite.client, "demo-member-3")
    assert suite.client.get("/agenda/meetings", headers=auth(stolen)).status_code == 200
    for app in (suite.suite.agenda, suite.suite.minutes):
        app.state.session_check.forget()  # what agenda remembers lasts at most a few seconds
    _enable_totp(suite, own)
    assert_problem(suite.client.get("/identity/me", headers=auth(stolen)), 401, "session_ended")
    assert_problem(suite.client.get("/agenda/meetings", headers=auth(stolen)), 401)
    assert suite.client.get("/agenda/meetings", headers=auth(own)).status_code == 200


def test_recovery_codes_can_be_renewed(suite, people):
    token = token_for(suite.client, "demo-member-2")
    totp, old = _enable_totp(suite, token)
    renewed = suite.client.post(
        "/identity/me/totp/recovery-codes",
        json={"current_password": PASSWORD, "code": old[0]},
        headers=auth(token),
    )
    assert renewed.status_code == 200
    new = renewed.json()["recovery_codes"]
    assert not set(new) & set(old)
    assert_problem(login(suite.client, "demo-member-2", totp=old[1]), 401)
    assert login(suite.client, "demo-member-2", totp=new[0]).status_code == 200


def test_own_sessions_listed_and_ended(suite, people):
    first = token_for(suite.client, "demo-member-3")
    second = token_for(suite.client, "demo-member-3")
    mine = suite.client.get("/identity/me/sessions", headers=auth(second)).json()
    assert len(mine) == 2 and sum(s["current"] for s in mine) == 1
    other = next(s for s in mine if not s["current"])
    stranger = token_for(suite.client, "demo-member-2")
    assert_problem(
        suite.client.delete(f"/identity/me/sessions/{other['id']}", headers=auth(stranger)), 404
    )
    ended = suite.client.delete(f"/identity/me/sessions/{other['id']}", headers=auth(second))
    assert ended.status_code == 204
    assert_problem(suite.client.get("/identity/me", headers=auth(first)), 401)
    assert len(suite.client.get("/identity/me/sessions", headers=auth(second)).json()) == 1


def test_admin_sees_and_lifts_a_lock(suite, people):
    admin = token_for(suite.client, "demo-admin")
    for _ in range(suite.settings.login_max_failures):
        login(suite.client, "demo-member-4", "wrong-password")
    assert_problem(login(suite.client, "demo-member-4"), 429, "locked")
    member_id = people.members["demo-member-4"]
    locks = suite.client.get("/identity/locks", headers=auth(admin)).json()
    assert [lock["member_id"] for lock in locks] == [member_id]
    coordinator = token_for(suite.client, "demo-coordinator")
    assert_problem(suite.client.get("/identity/locks", headers=auth(coordinator)), 403)
    assert_problem(
        suite.client.delete(f"/identity/locks/{member_id}", headers=auth(coordinator)), 403
    )
    assert (
        suite.client.delete(f"/identity/locks/{member_id}", headers=auth(admin)).status_code == 204
    )
    assert suite.client.get("/identity/locks", headers=auth(admin)).json() == []
    assert login(suite.client, "demo-member-4").status_code == 200
    assert _actions(suite, "member.unlock") == 1
    assert_problem(suite.client.delete("/identity/locks/nobody", headers=auth(admin)), 404)
    for _ in range(suite.settings.login_max_failures):
        login(suite.client, "demo-member-4", "wrong-password")
    with suite.dbs["identity"].session() as session:
        session.execute(update(LoginThrottle).values(paused_until=utcnow() - timedelta(seconds=1)))
    assert suite.client.get("/identity/locks", headers=auth(admin)).json() == []
