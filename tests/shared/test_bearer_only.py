"""The JSON APIs take bearer tokens only; the access cookie belongs to the web pages."""

from __future__ import annotations

import pytest

from tests.helpers import assert_problem, auth, seed_people, token_for

READS = ("/identity/me", "/agenda/meetings", "/minutes/audit", "/agenda/audit")


@pytest.fixture
def people(suite):
    return seed_people(suite.dbs["identity"], suite.suite.identity.state.kek)


def test_access_cookie_alone_is_refused_by_every_api(suite, people):
    client = suite.client
    token = token_for(client, "demo-coordinator")
    auditor = token_for(client, "demo-auditor")
    client.cookies.clear()
    for path in READS:
        cookie = f"kasane_access={auditor if 'audit' in path else token}"
        response = client.get(path, headers={"Cookie": cookie})
        assert_problem(response, 401, "unauthenticated")
    created = client.post(
        "/agenda/meetings",
        json={
            "kind": "shien",
            "title": "クッキーだけの会議",
            "starts_at": "2026-12-01T10:00:00+09:00",
            "ends_at": "2026-12-01T11:00:00+09:00",
            "place": "会議室",
        },
        headers={"Cookie": f"kasane_access={token}"},
    )
    assert_problem(created, 401, "unauthenticated")
    assert client.get("/agenda/meetings", headers=auth(token)).json() == []
    assert client.get("/identity/me", headers=auth(token)).status_code == 200
