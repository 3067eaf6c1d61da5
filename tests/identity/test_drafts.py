"""Drafts: kept sealed to their writer across a time-out, opened for that writer only."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from identity.base import AuditEntry
from identity.drafts.models import Draft
from identity.sessions.models import LoginSession
from kasane_shared.db import utcnow
from tests.helpers import assert_problem, auth, login, token_for

FORM = "/meetings/abc123/minutes"
SENTINEL = "下書き見張り文字列SENTINEL-7f3a"


def _keep(client, form=FORM, text=SENTINEL, **kwargs):
    body = {"form": form, "fields": [["item1.discussion", text], ["attendance", "m1"]]}
    return client.post("/identity/drafts", json=body, **kwargs)


def _open(client, token, form=FORM):
    return client.post("/identity/drafts/open", json={"form": form}, headers=auth(token))


def _run_out(suite, minutes_ago: int = 1) -> None:
    """Every session times out (idle), as after a long pause at the keyboard."""
    idle = suite.settings.session_idle_minutes
    with suite.dbs["identity"].session() as session:
        for row in session.scalars(select(LoginSession)):
            row.last_seen_at = utcnow() - timedelta(minutes=idle + minutes_ago)


def test_keep_and_restore_for_the_same_member_only(suite, people):
    token = token_for(suite.client, "demo-coordinator")
    kept = _keep(suite.client)
    assert kept.status_code == 201, kept.text
    assert set(kept.json()) == {"form", "kept_at", "expires_at"}
    opened = _open(suite.client, token)
    assert opened.status_code == 200
    assert opened.json()["fields"] == [["item1.discussion", SENTINEL], ["attendance", "m1"]]
    # Stored as ciphertext only: no byte of the text in the row.
    with suite.dbs["identity"].session() as session:
        row = session.scalar(select(Draft))
        assert SENTINEL not in row.body and SENTINEL not in row.wrapped_key
        assert row.form == FORM and row.version == 1
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action.like("draft.%")))
        assert SENTINEL not in repr([e.details for e in entries])
    # Another member (the next person at a shared PC) never opens it.
    other = token_for(suite.client, "demo-member-1")
    assert_problem(_open(suite.client, other), 404, "not_found")


def test_a_timed_out_session_still_hands_its_text_over(suite, people):
    token_for(suite.client, "demo-coordinator")
    _run_out(suite)
    assert_problem(suite.client.post("/identity/session/refresh"), 401)
    assert _keep(suite.client).status_code == 201
    # Keeping did not revive the session.
    assert_problem(suite.client.post("/identity/session/refresh"), 401)
    token = token_for(suite.client, "demo-coordinator")
    assert _open(suite.client, token).json()["fields"][0][1] == SENTINEL


def test_a_signed_out_or_long_gone_session_keeps_nothing(suite, people):
    token = token_for(suite.client, "demo-coordinator")
    cookie = suite.client.cookies.get("kasane_session")
    suite.client.delete("/identity/session", headers=auth(token))
    assert_problem(_keep(suite.client, headers={"Cookie": f"kasane_session={cookie}"}), 401)
    token_for(suite.client, "demo-coordinator")
    _run_out(suite, minutes_ago=suite.settings.session_absolute_hours * 60 + 1)
    assert_problem(_keep(suite.client), 401, "session_ended")
    suite.client.cookies.clear()
    assert_problem(_keep(suite.client), 401, "session_ended")


def test_discard_and_expiry(suite, people):
    token = token_for(suite.client, "demo-coordinator")
    assert _keep(suite.client).status_code == 201
    gone = suite.client.post("/identity/drafts/discard", json={"form": FORM}, headers=auth(token))
    assert gone.status_code == 204
    assert_problem(_open(suite.client, token), 404)
    # Discarding nothing is fine.
    again = suite.client.post("/identity/drafts/discard", json={"form": FORM}, headers=auth(token))
    assert again.status_code == 204
    assert _keep(suite.client).status_code == 201
    with suite.dbs["identity"].session() as session:
        session.execute(update(Draft).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert_problem(_open(suite.client, token), 404)
    with suite.dbs["identity"].session() as session:
        assert session.scalar(select(Draft)) is None


def test_expired_drafts_of_others_are_purged_on_keep(suite, people):
    token_for(suite.client, "demo-member-1")
    assert _keep(suite.client, form="/cases/new").status_code == 201
    with suite.dbs["identity"].session() as session:
        session.execute(update(Draft).values(expires_at=utcnow() - timedelta(seconds=1)))
    token_for(suite.client, "demo-coordinator")
    assert _keep(suite.client).status_code == 201
    with suite.dbs["identity"].session() as session:
        assert [d.form for d in session.scalars(select(Draft))] == [FORM]


def test_a_ciphertext_moved_to_another_form_does_not_open(suite, people):
    token = token_for(suite.client, "demo-coordinator")
    assert _keep(suite.client).status_code == 201
    with suite.dbs["identity"].session() as session:
        session.execute(update(Draft).values(form="/cases/new"))
    assert_problem(_open(suite.client, token, form="/cases/new"), 409, "integrity_failure")


def test_bad_input_is_a_clear_422(suite, people):
    token_for(suite.client, "demo-coordinator")
    for form in ("https://evil.example/x", "//evil.example", "/a?b=c", "/a/../b", "", "/x y"):
        assert_problem(_keep(suite.client, form=form), 422)
    assert_problem(_keep(suite.client, text="x" * 20001), 422)
    many = {"form": FORM, "fields": [["f", "y" * 19000]] * 11}
    assert_problem(suite.client.post("/identity/drafts", json=many), 422)
    assert_problem(suite.client.post("/identity/drafts", json={"form": FORM}), 422)


def test_idle_countdown_does_not_touch_the_session(suite, people):
    login(suite.client, "demo-coordinator")
    first = suite.client.get("/identity/session/idle")
    assert first.status_code == 200
    body = first.json()
    assert body["warning_seconds"] == suite.settings.session_warning_seconds
    assert 0 < body["seconds_left"] <= suite.settings.session_idle_minutes * 60
    with suite.dbs["identity"].session() as session:
        seen = session.scalar(select(LoginSession.last_seen_at))
    suite.client.get("/identity/session/idle")
    with suite.dbs["identity"].session() as session:
        assert session.scalar(select(LoginSession.last_seen_at)) == seen
    _run_out(suite)
    assert_problem(suite.client.get("/identity/session/idle"), 401, "session_ended")


def test_a_departure_deletes_the_members_drafts(suite, people):
    token_for(suite.client, "demo-member-1")
    assert _keep(suite.client).status_code == 201
    admin = token_for(suite.client, "demo-admin")
    member_id = people.members["demo-member-1"]
    left = suite.client.patch(
        f"/identity/members/{member_id}", json={"active": False}, headers=auth(admin)
    )
    assert left.status_code == 200, left.text
    with suite.dbs["identity"].session() as session:
        assert session.scalar(select(Draft)) is None
