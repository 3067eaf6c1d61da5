"""Bad input gets a clear 4xx problem in Japanese and changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from identity.base import AuditEntry
from identity.members.models import Member
from identity.organizations.models import Organization
from tests.helpers import assert_problem, auth, token_for


def _counts(suite) -> tuple[int, int]:
    with suite.dbs["identity"].session() as session:
        return (
            session.scalar(select(func.count()).select_from(Member)),
            session.scalar(select(func.count()).select_from(Organization)),
        )


@pytest.fixture
def admin(suite, people):
    return auth(token_for(suite.client, "demo-admin"))


BAD_MEMBER_BODIES = [
    ("malformed-json", b'{"login": "x", ', 400, "malformed_json"),
    ("not-an-object", b"[1, 2, 3]", 422, "invalid_input"),
    (
        "wrong-types",
        b'{"login": 5, "display_name": [], "organization_id": {}, "roles": "admin", '
        b'"password": true}',
        422,
        "invalid_input",
    ),
    (
        "unknown-field",
        b'{"login": "new-person", "display_name": "X", "organization_id": "o", '
        b'"roles": ["member"], "password": "long-enough-pw", "is_superuser": true}',
        422,
        "invalid_input",
    ),
    (
        "over-long",
        (
            '{"login": "new-person", "display_name": "'
            + "長" * 101
            + '", "organization_id": "o", "roles": ["member"], "password": "long-enough-pw"}'
        ).encode(),
        422,
        "invalid_input",
    ),
    (
        "unknown-role",
        b'{"login": "new-person", "display_name": "X", "organization_id": "o", '
        b'"roles": ["root"], "password": "long-enough-pw"}',
        422,
        "invalid_input",
    ),
    (
        "bad-login-chars",
        b'{"login": "../etc", "display_name": "X", "organization_id": "o", '
        b'"roles": ["member"], "password": "long-enough-pw"}',
        422,
        "invalid_input",
    ),
    ("empty", b"", 422, None),
    ("invalid-utf8", b'{"login": "\xff\xfe"}', 400, None),
]


@pytest.mark.parametrize(
    "name,body,status,code", BAD_MEMBER_BODIES, ids=[b[0] for b in BAD_MEMBER_BODIES]
)
def test_bad_member_bodies_change_nothing(suite, admin, name, body, status, code):
    before = _counts(suite)
    response = suite.client.post(
        "/identity/members", content=body, headers={**admin, "Content-Type": "application/json"}
    )
    problem = assert_problem(response, status, code)
    assert problem["lang"] == "ja"
    assert _counts(suite) == before


def test_field_errors_name_the_field_in_japanese(suite, admin):
    response = suite.client.post(
        "/identity/members",
        json={
            "login": "new-person",
            "display_name": "X" * 101,
            "organization_id": "o",
            "roles": ["member"],
            "password": "long-enough-pw",
            "extra": 1,
        },
        headers=admin,
    )
    errors = {e["field"]: e["message"] for e in assert_problem(response, 422)["errors"]}
    assert errors["display_name"] == "100文字以内で入力してください。"
    assert errors["extra"] == "この項目は受け付けていません。"


def test_unknown_organization_for_member(suite, admin):
    before = _counts(suite)
    response = suite.client.post(
        "/identity/members",
        json={
            "login": "new-person",
            "display_name": "X",
            "organization_id": "missing",
            "roles": ["member"],
            "password": "long-enough-pw",
        },
        headers=admin,
    )
    assert assert_problem(response, 422)["errors"][0]["field"] == "organization_id"
    assert _counts(suite) == before


def test_weak_password_refused(suite, admin, people):
    org = people.organizations["council"]
    for password, message in [("short", None), ("new-person", None), ("demo-password", "デモ")]:
        response = suite.client.post(
            "/identity/members",
            json={
                "login": "new-person",
                "display_name": "X",
                "organization_id": org,
                "roles": ["member"],
                "password": password,
            },
            headers=admin,
        )
        body = assert_problem(response, 422)
        if message:
            assert any(message in e["message"] for e in body["errors"])


def test_oversized_body_refused(suite, admin):
    before = _counts(suite)
    big = b'{"name": "' + b"a" * (suite.settings.max_body_bytes + 10) + b'", "kind": "other"}'
    assert_problem(
        suite.client.post(
            "/identity/organizations",
            content=big,
            headers={**admin, "Content-Type": "application/json"},
        ),
        413,
        "too_large",
    )
    assert _counts(suite) == before


def test_unknown_paths_and_methods(suite, admin):
    assert_problem(suite.client.get("/identity/no-such-thing", headers=admin), 404)
    assert_problem(suite.client.put("/identity/organizations", headers=admin), 405)


def test_login_bad_shapes(suite, people):
    with suite.dbs["identity"].session() as session:
        entries_before = session.scalar(select(func.count()).select_from(AuditEntry))
    for body in [
        b"{",
        b'{"login": "demo-member-1"}',
        b'{"login": "demo-member-1", "password": 1}',
        b'{"login": "a", "password": "b", "totp": "12"}',
        b'{"login": "' + b"x" * 100 + b'", "password": "b"}',
    ]:
        assert suite.client.post(
            "/identity/session", content=body, headers={"Content-Type": "application/json"}
        ).status_code in (400, 422)
    with suite.dbs["identity"].session() as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == entries_before


def test_query_parameter_errors(suite, admin, people):
    member = people.members["demo-member-1"]
    assert_problem(
        suite.client.get(f"/identity/members/{member}/pledges/status?kind=other", headers=admin),
        422,
    )
    assert_problem(
        suite.client.get(f"/identity/members/{member}/pledges/status", headers=admin), 422
    )


@pytest.mark.parametrize(
    "path",
    ["/identity/public-keys?member_id=a%00b", "/identity/pledge-status?kind=shien&member_id=%00"],
)
def test_a_nul_character_in_a_query_is_refused_not_a_500(suite, admin, path):
    # PostgreSQL text cannot hold NUL: the database refuses it, and that is the caller's
    # input, so the answer is a 422 problem in Japanese and nothing is written.
    response = suite.client.get(path, headers=admin)
    # SQLite stores NUL, so there the id simply names no member (200 empty, or 404).
    assert response.status_code in (200, 404, 422), response.text
    if response.status_code == 422:
        assert_problem(response, 422, "invalid_characters")
