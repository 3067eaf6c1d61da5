"""Admins run organizations and members; everyone else reads them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from identity.base import AuditEntry
from tests.helpers import assert_problem, auth, login, token_for


@pytest.fixture
def admin(suite, people):
    return auth(token_for(suite.client, "demo-admin"))


def test_organizations_listed_with_kind_and_tax_division(suite, admin):
    orgs = suite.client.get("/identity/organizations", headers=admin).json()
    assert {"id", "name", "kind"} <= set(orgs[0])
    tax = [o for o in orgs if o["is_tax_division"]]
    assert len(tax) == 1 and tax[0]["kind"] == "tax"


def test_admin_creates_organization_and_member(suite, admin):
    org = suite.client.post(
        "/identity/organizations",
        json={"name": "かさね市立第一中学校", "kind": "school"},
        headers=admin,
    )
    assert org.status_code == 201
    org_id = org.json()["id"]
    member = suite.client.post(
        "/identity/members",
        json={
            "login": "teacher-1",
            "display_name": "教員 七海",
            "organization_id": org_id,
            "roles": ["member", "auditor"],
            "password": "teacher-passphrase",
        },
        headers=admin,
    )
    assert member.status_code == 201
    body = member.json()
    assert body["organization_id"] == org_id and set(body["roles"]) == {"member", "auditor"}
    assert "password" not in body and "teacher-passphrase" not in member.text
    assert login(suite.client, "teacher-1", "teacher-passphrase").status_code == 200


@pytest.mark.parametrize("who", ["demo-coordinator", "demo-member-1", "demo-auditor"])
def test_only_admin_manages(suite, people, who):
    headers = auth(token_for(suite.client, who))
    org = people.organizations["council"]
    assert_problem(
        suite.client.post(
            "/identity/organizations", json={"name": "新しい組織", "kind": "other"}, headers=headers
        ),
        403,
        "forbidden",
    )
    assert_problem(
        suite.client.post(
            "/identity/members",
            json={
                "login": "x-person",
                "display_name": "X",
                "organization_id": org,
                "roles": ["admin"],
                "password": "long-enough-pw",
            },
            headers=headers,
        ),
        403,
    )
    assert_problem(
        suite.client.patch(
            f"/identity/members/{people.members['demo-member-4']}",
            json={"roles": ["admin"]},
            headers=headers,
        ),
        403,
    )
    assert_problem(
        suite.client.post(
            "/identity/pledge-templates",
            json={"conference_kind": "shien", "text": "誓約します。" * 10},
            headers=headers,
        ),
        403,
    )


def test_duplicates_refused(suite, admin, people):
    assert_problem(
        suite.client.post(
            "/identity/organizations",
            json={"name": "かさね市 税務課", "kind": "tax"},
            headers=admin,
        ),
        409,
        "duplicate_name",
    )
    org = people.organizations["council"]
    assert_problem(
        suite.client.post(
            "/identity/members",
            json={
                "login": "demo-member-1",
                "display_name": "X",
                "organization_id": org,
                "roles": ["member"],
                "password": "long-enough-pw",
            },
            headers=admin,
        ),
        409,
        "duplicate_login",
    )


def test_departure_ends_sessions_and_hides_member(suite, admin, people):
    member_token = token_for(suite.client, "demo-member-2")
    member_id = people.members["demo-member-2"]
    response = suite.client.patch(
        f"/identity/members/{member_id}", json={"active": False}, headers=admin
    )
    assert response.status_code == 200 and response.json()["active"] is False
    assert_problem(
        suite.client.get("/identity/me", headers=auth(member_token)), 401, "session_ended"
    )
    assert_problem(login(suite.client, "demo-member-2"), 401)
    listed = {m["login"] for m in suite.client.get("/identity/members", headers=admin).json()}
    assert "demo-member-2" not in listed
    everyone = {
        m["login"]
        for m in suite.client.get("/identity/members?include_inactive=true", headers=admin).json()
    }
    assert "demo-member-2" in everyone


def test_role_change_applies_to_next_token(suite, admin, people):
    member_id = people.members["demo-member-3"]
    suite.client.patch(
        f"/identity/members/{member_id}", json={"roles": ["member", "coordinator"]}, headers=admin
    )
    me = suite.client.get(
        "/identity/me", headers=auth(token_for(suite.client, "demo-member-3"))
    ).json()
    assert set(me["roles"]) == {"member", "coordinator"}


def test_changes_are_audited_without_secrets(suite, admin, people):
    suite.client.post(
        "/identity/organizations", json={"name": "かさね市立病院", "kind": "medical"}, headers=admin
    )
    with suite.dbs["identity"].session() as session:
        actions = [e.action for e in session.scalars(select(AuditEntry).order_by(AuditEntry.seq))]
        text = " ".join(str(e.details) for e in session.scalars(select(AuditEntry)))
    assert "organization.create" in actions and "session.login" in actions
    assert "かさね市立病院" not in text and "kasane-test-passphrase" not in text
