"""Sessions that end: sign-out, role change and departure end authority in every service.

Agenda and minutes ask identity whether a token's session is open and keep the answer for at
most ``session_check_seconds``; these tests shorten that bound and wait it out.
"""

from __future__ import annotations

import time

import pytest

from tests.agenda.scenario import meeting_body
from tests.helpers import assert_problem, auth, seed_people, token_for

BOUND = 0.3


@pytest.fixture
def people(suite):
    return seed_people(suite.dbs["identity"], suite.suite.identity.state.kek)


@pytest.fixture
def short_bound(suite):
    """Every service trusts identity's answer for BOUND seconds (the default is 5)."""
    for app in (suite.suite.agenda, suite.suite.minutes):
        check = getattr(app.state, "session_check", None)
        if check is not None:
            check.ttl = BOUND
            check.forget()
    return BOUND


def _wait_out_the_bound() -> None:
    time.sleep(BOUND + 0.05)


def _meeting(client, token: str, people) -> dict:
    attendees = [{"member_id": people.members["demo-member-1"], "required": True}]
    response = client.post(
        "/agenda/meetings", json=meeting_body("shien", attendees), headers=auth(token)
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_sign_out_ends_every_write_and_read_in_every_service(suite, people, short_bound):
    client = suite.client
    token = token_for(client, "demo-coordinator")
    auditor = token_for(client, "demo-auditor")
    meeting = _meeting(client, token, people)
    member = people.members["demo-member-1"]
    assert client.get("/agenda/due", headers=auth(token)).status_code == 200
    assert client.get("/minutes/audit/verify", headers=auth(auditor)).status_code == 200
    for bearer in (token, auditor):
        assert client.delete("/identity/session", headers=auth(bearer)).status_code == 204
    _wait_out_the_bound()
    refused = [
        client.patch(
            f"/agenda/meetings/{meeting['id']}", json={"place": "別室"}, headers=auth(token)
        ),
        client.post("/agenda/meetings", json=meeting_body("shien", []), headers=auth(token)),
        client.delete(f"/agenda/meetings/{meeting['id']}/attendees/{member}", headers=auth(token)),
        client.get(f"/agenda/meetings/{meeting['id']}/entitlements", headers=auth(token)),
        client.get("/agenda/due", headers=auth(token)),
        client.get(f"/minutes/meetings/{meeting['id']}/minutes", headers=auth(token)),
    ] + [
        client.get(f"/{service}/audit", headers=auth(auditor))
        for service in ("identity", "agenda", "minutes")
    ]
    for response in refused:
        assert_problem(response, 401, "session_ended")
    fresh = token_for(client, "demo-coordinator")
    after = client.get(f"/agenda/meetings/{meeting['id']}", headers=auth(fresh)).json()
    assert after["place"] == meeting["place"] and len(after["attendees"]) == 1


def test_a_role_taken_away_stops_working_within_the_bound(suite, people, short_bound):
    client = suite.client
    token = token_for(client, "demo-coordinator")
    assert client.get("/agenda/due", headers=auth(token)).status_code == 200
    admin = token_for(client, "demo-admin")
    changed = client.patch(
        f"/identity/members/{people.members['demo-coordinator']}",
        json={"roles": ["member"]},
        headers=auth(admin),
    )
    assert changed.status_code == 200, changed.text
    _wait_out_the_bound()
    assert_problem(client.get("/agenda/due", headers=auth(token)), 403)
    assert_problem(
        client.post("/agenda/meetings", json=meeting_body("shien", []), headers=auth(token)), 403
    )


def test_departure_ends_authority_within_the_bound(suite, people, short_bound):
    client = suite.client
    token = token_for(client, "demo-member-1")
    assert client.get("/agenda/meetings", headers=auth(token)).status_code == 200
    admin = token_for(client, "demo-admin")
    left = client.patch(
        f"/identity/members/{people.members['demo-member-1']}",
        json={"active": False},
        headers=auth(admin),
    )
    assert left.status_code == 200, left.text
    _wait_out_the_bound()
    assert_problem(client.get("/agenda/meetings", headers=auth(token)), 401, "session_ended")
    assert_problem(
        client.get("/minutes/meetings/x/minutes", headers=auth(token)), 401, "session_ended"
    )


def test_identity_is_asked_once_per_session_within_the_bound(suite, people):
    client = suite.client
    check = suite.suite.agenda.state.session_check
    check.forget()
    asked = []
    fetch = check.fetch
    check.fetch = lambda token: asked.append(token) or fetch(token)
    token = token_for(client, "demo-member-1")
    for _ in range(5):
        assert client.get("/agenda/meetings", headers=auth(token)).status_code == 200
    assert len(asked) == 1
    assert suite.settings.session_check_seconds <= 10
