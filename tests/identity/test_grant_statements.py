"""Grants proven, not trusted (issue 18, finding 3): identity re-addresses an escrow wrap only
against the deciding service's entitlement statement, and a tax grant only on a consent proof.

Today's code granted on the caller's word: a service token or a coordinator's token, any
escrow wrap, any pledged member. Each test below is one way that was abused.
"""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from identity.base import AuditEntry
from identity.oauth.service import register_client
from kasane_shared.auth.service_tokens import ServiceTokenSource
from kasane_shared.custody import IdentityClient
from kasane_shared.grants import ConsentProof
from kasane_shared.sealing import RecordRef, seal_audience
from tests.helpers import assert_problem, auth, stated, token_for

SECRET = "agenda-secret-" + "x" * 30
REWRAP = "/identity/keys/rewrap"


@pytest.fixture
def agenda_token(suite, people):
    with suite.dbs["identity"].session() as session:
        register_client(session, "agenda", SECRET, ["custody:rewrap"], None)
    return ServiceTokenSource(
        "/identity/oauth/token", "agenda", SECRET, ["custody:rewrap"], http=suite.client
    ).token()


@pytest.fixture
def coordinator(suite, people):
    return token_for(suite.client, "demo-coordinator")


def _escrow(suite, token, audience="content", record_id="case-1", service="agenda"):
    escrow = IdentityClient(suite.client, "/identity").escrow_key(token, service)
    return seal_audience(
        RecordRef(service, "cases", record_id), audience, 1, {"notes": "秘密"}, [], escrow
    ).escrow_wrap


def _item(wrap, member_id, statement=None, kind="shien"):
    body = {"escrow_wrap": wrap, "member_id": member_id, "conference_kind": kind}
    if statement is not None:
        body["statement"] = statement.wire() if hasattr(statement, "wire") else statement
    return body


def _refused(suite, token, items):
    response = suite.client.post(REWRAP, json={"items": items}, headers=auth(token))
    assert_problem(response, 409, "integrity_failure")
    return response


def _audited(suite):
    with suite.dbs["identity"].session() as session:
        rows = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.action == "key.grant", AuditEntry.outcome == "refused")
            .order_by(AuditEntry.seq)
        ).all()
        return [e for e in rows if e.details.get("reason") == "integrity_failure"]


def test_service_credentials_without_a_valid_statement_grant_nothing(
    suite, people, agenda_token, coordinator, kek
):
    """A forged consent row (or a bypassed check in agenda) cannot make agenda's statement."""
    m1 = people.members["demo-member-1"]
    wrap = _escrow(suite, coordinator)
    _refused(suite, agenda_token, [_item(wrap, m1)])
    # A statement claiming a consent, with a MAC nobody holding only the database can make.
    _, _, _, good = stated(kek, wrap, m1, "shien")
    forged = {**good.wire(), "mac": "0" * 64}
    forged["consent"] = {
        "consent_id": "consent-1",
        "version": "a" * 64,
        "covers_tax": True,
        "organization_ids": ["org-x"],
    }
    _refused(suite, agenda_token, [_item(wrap, m1, forged)])
    # One good item does not carry a bad one: the batch is refused whole, nothing granted.
    _refused(suite, agenda_token, [_item(wrap, m1, good), _item(wrap, m1)])
    [first, second, *_] = _audited(suite)
    assert first.actor_id == "client:agenda" and first.target_id == m1
    assert first.details["unproven"] == [
        {
            "service": "agenda",
            "table": "cases",
            "record_id": "case-1",
            "audience": "content",
            "member_id": m1,
            "reason": "missing",
        }
    ]
    assert second.details["unproven"][0]["reason"] == "mismatch"
    assert "mac" not in str(second.details) and "a" * 64 not in str(second.details)
    # The statement itself is what a grant needs: with it, the same call grants.
    ok = suite.client.post(
        REWRAP, json={"items": [_item(wrap, m1, good)]}, headers=auth(agenda_token)
    )
    assert ok.status_code == 200 and ok.json()["results"][0]["wrapped"]


def test_statement_for_one_member_or_record_is_not_replayed_for_another(
    suite, people, agenda_token, coordinator, kek
):
    m1, m2 = people.members["demo-member-1"], people.members["demo-member-2"]
    wrap = _escrow(suite, coordinator)
    other = _escrow(suite, coordinator, record_id="case-2")
    _, _, _, for_m1 = stated(kek, wrap, m1, "shien")
    _refused(suite, agenda_token, [_item(wrap, m2, for_m1)])
    _refused(suite, agenda_token, [_item(other, m1, for_m1)])
    _refused(suite, agenda_token, [_item(wrap, m1, for_m1, kind="jusou")])
    # The minutes' statement does not stand for agenda's wrap (another service, another key).
    minutes_wrap = _escrow(suite, coordinator, service="minutes")
    _, _, _, minutes_statement = stated(kek, minutes_wrap, m1, "shien")
    _refused(suite, coordinator, [_item(wrap, m1, minutes_statement)])
    # An expired statement, or one claiming to stand too long, is refused too.
    _, _, _, old = stated(kek, wrap, m1, "shien", now=time.time() - 3600)
    _refused(suite, agenda_token, [_item(wrap, m1, old)])
    _, _, _, far = stated(kek, wrap, m1, "shien", now=time.time() + 3600)
    _refused(suite, agenda_token, [_item(wrap, m1, far)])


def test_tax_grant_needs_a_consent_proof_covering_the_members_organization(
    suite, people, agenda_token, coordinator, kek
):
    m1 = people.members["demo-member-1"]
    me = suite.client.get("/identity/me", headers=auth(token_for(suite.client, "demo-member-1")))
    organization = me.json()["organization_id"]
    tax = _escrow(suite, coordinator, audience="tax")

    def proof(covers_tax=True, organizations=(organization,)):
        return ConsentProof("consent-1", "b" * 64, covers_tax, tuple(sorted(organizations)))

    cases = [
        (None, "no_consent"),
        (proof(covers_tax=False), "no_consent"),
        (proof(organizations=("some-other-org",)), "no_consent"),
        (proof(), None),
    ]
    for consent, error in cases:
        _, _, _, statement = stated(kek, tax, m1, "shien", consent=consent)
        response = suite.client.post(
            REWRAP, json={"items": [_item(tax, m1, statement)]}, headers=auth(agenda_token)
        )
        assert response.status_code == 200, response.text
        assert response.json()["results"][0]["error"] == error


def test_coordinator_cannot_rewrap_to_a_member_outside_the_statement(
    suite, people, coordinator, kek
):
    m1, m2 = people.members["demo-member-1"], people.members["demo-member-2"]
    wrap = _escrow(suite, coordinator)
    # Before: any escrow wrap to any pledged member on the coordinator's word alone.
    _refused(suite, coordinator, [_item(wrap, m2)])
    _, _, _, for_m1 = stated(kek, wrap, m1, "shien")
    _refused(suite, coordinator, [_item(wrap, m2, for_m1)])
    [*_, last] = _audited(suite)
    assert last.actor_id == people.members["demo-coordinator"]
    assert last.details["unproven"][0]["member_id"] == m2
    granted = suite.client.post(
        REWRAP, json={"items": [_item(wrap, m1, for_m1)]}, headers=auth(coordinator)
    )
    assert granted.status_code == 200 and granted.json()["results"][0]["wrapped"]
