"""Finding 8: an admin's pledge revocation sticks until an admin lifts it."""

from __future__ import annotations

from sqlalchemy import select

from identity.base import AuditEntry
from tests.helpers import assert_problem, auth, token_for


def _shien_pledge(suite, member_id: str, headers: dict[str, str]) -> dict:
    pledges = suite.client.get(f"/identity/members/{member_id}/pledges", headers=headers).json()
    return next(p for p in pledges if p["conference_kind"] == "shien" and p["valid"])


def _template_id(suite, headers: dict[str, str]) -> str:
    templates = suite.client.get("/identity/pledge-templates?kind=shien", headers=headers).json()
    return next(t["id"] for t in templates if t["current"])


def _sign(suite, member_id: str, headers: dict[str, str]):
    return suite.client.post(
        f"/identity/members/{member_id}/pledges",
        json={"template_id": _template_id(suite, headers)},
        headers=headers,
    )


def _valid(suite, member_id: str, headers: dict[str, str], kind: str = "shien") -> bool:
    path = f"/identity/members/{member_id}/pledges/status?kind={kind}"
    return suite.client.get(path, headers=headers).json()["valid"]


def _revoke(suite, member_id: str, pledge_id: str, headers: dict[str, str]) -> None:
    response = suite.client.post(
        f"/identity/members/{member_id}/pledges/{pledge_id}/revoke",
        json={"reason": "守秘義務違反の疑い"},
        headers=headers,
    )
    assert response.status_code == 200, response.text


def _actions(suite) -> list[str]:
    with suite.dbs["identity"].session() as session:
        return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)))


def test_member_cannot_sign_again_after_an_admins_revocation(suite, people):
    member_id = people.members["demo-member-1"]
    member = auth(token_for(suite.client, "demo-member-1"))
    admin = auth(token_for(suite.client, "demo-admin"))
    _revoke(suite, member_id, _shien_pledge(suite, member_id, member)["id"], admin)

    refused = assert_problem(_sign(suite, member_id, member), 403, "pledge_blocked")
    assert "管理者" in refused["detail"]
    with suite.dbs["identity"].session() as session:
        attempt = session.scalar(
            select(AuditEntry)
            .where(AuditEntry.action == "pledge.sign")
            .order_by(AuditEntry.seq.desc())
        )
        assert attempt.outcome == "refused" and attempt.details["reason"] == "pledge_blocked"
    assert _valid(suite, member_id, member) is False
    # The other kind's pledge is untouched.
    assert _valid(suite, member_id, member, "jusou") is True
    (block,) = suite.client.get(
        f"/identity/members/{member_id}/pledge-blocks", headers=admin
    ).json()
    assert block["conference_kind"] == "shien" and block["lifted_at"] is None
    status = suite.client.get(
        f"/identity/members/{member_id}/pledges/status?kind=shien", headers=member
    ).json()
    assert status["blocked"] is True

    lifted = suite.client.post(
        f"/identity/members/{member_id}/pledge-blocks/{block['id']}/lift",
        json={"reason": "確認済み"},
        headers=admin,
    )
    assert lifted.status_code == 200, lifted.text
    assert lifted.json()["lifted_by"] == people.members["demo-admin"]
    assert "pledge.block_lift" in _actions(suite)
    assert _sign(suite, member_id, member).status_code == 201
    assert _valid(suite, member_id, member) is True


def test_a_second_valid_pledge_does_not_outlive_the_revocation(suite, people):
    member_id = people.members["demo-member-2"]
    member = auth(token_for(suite.client, "demo-member-2"))
    admin = auth(token_for(suite.client, "demo-admin"))
    spare = _sign(suite, member_id, member)  # signed twice: the spare would still be valid
    assert spare.status_code == 201
    _revoke(suite, member_id, _shien_pledge(suite, member_id, member)["id"], admin)
    assert _valid(suite, member_id, member) is False
    pledges = suite.client.get(f"/identity/members/{member_id}/pledges", headers=member).json()
    assert not [p for p in pledges if p["conference_kind"] == "shien" and p["valid"]]


def test_own_revocation_does_not_block(suite, people):
    member_id = people.members["demo-member-3"]
    member = auth(token_for(suite.client, "demo-member-3"))
    _revoke(suite, member_id, _shien_pledge(suite, member_id, member)["id"], member)
    assert _sign(suite, member_id, member).status_code == 201
    assert _valid(suite, member_id, member) is True


def test_only_another_admin_lifts_a_block(suite, people):
    member_id = people.members["demo-member-1"]
    member = auth(token_for(suite.client, "demo-member-1"))
    admin = auth(token_for(suite.client, "demo-admin"))
    _revoke(suite, member_id, _shien_pledge(suite, member_id, member)["id"], admin)
    (block,) = suite.client.get(
        f"/identity/members/{member_id}/pledge-blocks", headers=member
    ).json()
    lift = f"/identity/members/{member_id}/pledge-blocks/{block['id']}/lift"
    for login in ("demo-member-1", "demo-coordinator"):
        headers = auth(token_for(suite.client, login))
        assert_problem(suite.client.post(lift, json={}, headers=headers), 403)
    assert_problem(
        suite.client.post(
            f"/identity/members/{member_id}/pledge-blocks/nope/lift", json={}, headers=admin
        ),
        404,
    )
    assert_problem(suite.client.post(lift, json={"reason": "x" * 201}, headers=admin), 422)
    assert suite.client.post(lift, json={}, headers=admin).status_code == 200
    assert_problem(suite.client.post(lift, json={}, headers=admin), 409, "already_lifted")
    others = auth(token_for(suite.client, "demo-member-2"))
    assert_problem(
        suite.client.get(f"/identity/members/{member_id}/pledge-blocks", headers=others), 403
    )
