"""Findings 1 and 2: someone who can write identity's database cannot forge the rows of trust.

Each test plays the attack of the security review by writing rows straight to the tables
(SQL statements on the connection: no ORM, so no MAC), then shows identity refuses, fails
closed with a problem in Japanese and audits ``trust_row.integrity_failure`` (ids only).
"""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import timedelta

import pyotp
import pytest
from joserfc import jwt
from joserfc.jwk import ECKey
from sqlalchemy import insert, select, update

from identity.base import AuditEntry
from identity.custody.models import MemberKey
from identity.custody.service import escrow_owner
from identity.members.models import Member
from identity.passwords import hash_password
from identity.sessions.models import LoginSession
from identity.sessions.service import totp_aad
from identity.signing.models import SigningKey
from kasane_shared.auth.tokens import public_jwk
from kasane_shared.crypto import encode_public_key, generate_member_keypair
from kasane_shared.db import utcnow
from kasane_shared.sealing import RecordRef, seal_audience
from kasane_shared.custody import IdentityClient
from tests.helpers import PASSWORD, assert_problem, auth, login, token_for

ATTACKER_PASSWORD = "attacker-chose-this-9"


@pytest.fixture
def identity(suite):
    return IdentityClient(suite.client, "/identity")


def _sql(suite, statement) -> None:
    """Write as a database writer would: a statement on the connection, outside the ORM."""
    with suite.dbs["identity"].session() as session:
        session.execute(statement)


def _failures(suite) -> list[tuple[str | None, str | None, dict]]:
    with suite.dbs["identity"].session() as session:
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "trust_row.integrity_failure")
        )
        return [(e.target_type, e.target_id, e.details) for e in rows]


def _refused_and_audited(suite, response, status, kind, row_id) -> dict:
    body = assert_problem(response, status, "integrity_failure")
    assert "整合性" in body["detail"]
    assert (kind, row_id, {}) in _failures(suite)
    return body


def test_finding1_replaced_escrow_public_key_is_refused(suite, people, identity):
    token = token_for(suite.client, "demo-coordinator")
    genuine = identity.escrow_key(token, "agenda")
    _, attacker_public = generate_member_keypair()
    with suite.dbs["identity"].session() as session:
        row = session.scalar(select(MemberKey).where(MemberKey.owner_id == escrow_owner("agenda")))
        row_id = row.id
    _sql(
        suite,
        update(MemberKey)
        .where(MemberKey.id == row_id)
        .values(public_key=encode_public_key(attacker_public)),
    )
    # Agenda asks for the escrow key before it seals: it gets a refusal, never the swapped key.
    response = suite.client.get("/identity/escrow-keys/agenda", headers=auth(token))
    _refused_and_audited(suite, response, 409, "member_key", row_id)
    assert genuine.public_key != encode_public_key(attacker_public)


def test_finding1_replaced_member_public_key_is_refused(suite, people):
    token = token_for(suite.client, "demo-coordinator")
    member = people.members["demo-member-1"]
    _, attacker_public = generate_member_keypair()
    with suite.dbs["identity"].session() as session:
        row_id = session.scalar(select(MemberKey.id).where(MemberKey.owner_id == member))
    _sql(
        suite,
        update(MemberKey)
        .where(MemberKey.id == row_id)
        .values(public_key=encode_public_key(attacker_public)),
    )
    response = suite.client.get(
        "/identity/public-keys",
        params={"member_id": [people.members["demo-member-2"], member]},
        headers=auth(token),
    )
    _refused_and_audited(suite, response, 409, "member_key", row_id)


def test_finding2_inserted_signing_key_is_not_published_or_trusted(suite, people):
    real = login(suite.client, "demo-member-1").json()["access_token"]
    claims = jwt.decode(real, suite.suite.identity.state.signing_keys.issuer().key).claims
    attacker = ECKey.generate_key("P-256", parameters={"kid": "attacker-kid"})
    _sql(
        suite,
        insert(SigningKey).values(
            kid="attacker-kid",
            private_sealed=b"nothing",
            public_jwk=public_jwk(attacker),
            created_at=utcnow() - timedelta(days=1),
            retired_at=utcnow() + timedelta(days=3650),  # "retired" yet published for years
        ),
    )
    suite.suite.identity.state.signing_keys.ttl = 0  # replicas reload; here, at once
    forged = jwt.encode(
        {"alg": "ES256", "kid": "attacker-kid"},
        {**claims, "roles": ["admin", "coordinator"]},
        attacker,
        algorithms=["ES256"],
    )
    response = suite.client.get("/identity/.well-known/jwks.json")
    body = _refused_and_audited(suite, response, 503, "signing_key", "attacker-kid")
    assert "署名鍵" in body["detail"]
    assert_problem(suite.client.get("/identity/me", headers=auth(forged)), 503, "integrity_failure")


def test_finding2_inserted_login_session_opens_nothing(suite, people, identity):
    member = people.members["demo-member-1"]
    coordinator = token_for(suite.client, "demo-coordinator")
    recipients = identity.public_keys(coordinator, [member])
    sealed = [
        seal_audience(
            RecordRef("agenda", "cases", f"case-{i}"),
            "content",
            1,
            {"notes": "秘密の記録"},
            [(recipients[member], "shien")],
            identity.escrow_key(coordinator, "agenda"),
        )
        for i in range(10)
    ]
    wraps = [next(w for m, _, _, w in s.wraps if m == member) for s in sealed]
    session_id = secrets.token_hex(16)
    _sql(
        suite,
        insert(LoginSession).values(
            id=session_id,
            member_id=member,
            token_hash=hashlib.sha256(b"attacker").hexdigest(),
            created_at=utcnow(),
            last_seen_at=utcnow(),
            expires_at=utcnow() + timedelta(hours=8),
        ),
    )
    # A token naming the inserted session (signed as identity would sign it).
    token, _ = suite.suite.identity.state.signing_keys.issuer().issue(
        member, organization_id=None, roles=["member"], session_id=session_id
    )
    response = suite.client.post(
        "/identity/keys/unwrap", json={"wrapped": wraps}, headers=auth(token)
    )
    _refused_and_audited(suite, response, 409, "session", session_id)
    assert "data_key" not in response.text


def test_finding2_overwritten_password_hash_does_not_sign_in(suite, people):
    member = people.members["demo-coordinator"]
    _sql(
        suite,
        update(Member)
        .where(Member.id == member)
        .values(password_hash=hash_password(ATTACKER_PASSWORD)),
    )
    response = login(suite.client, "demo-coordinator", ATTACKER_PASSWORD)
    _refused_and_audited(suite, response, 409, "member", member)
    assert "access_token" not in response.text


def test_finding2_turned_off_second_factor_is_refused(suite, people):
    member = people.members["demo-coordinator"]
    secret = pyotp.random_base32()
    kek = suite.suite.identity.state.kek
    with suite.dbs["identity"].session() as session:  # identity's own write: MAC'd
        row = session.get(Member, member)
        row.totp_secret_sealed = kek.seal(secret.encode(), totp_aad(member))
        row.totp_enabled = True
    assert_problem(login(suite.client, "demo-coordinator"), 401, "totp_required")
    _sql(suite, update(Member).where(Member.id == member).values(totp_enabled=False))
    _refused_and_audited(suite, login(suite.client, "demo-coordinator"), 409, "member", member)


def test_finding2_overwritten_roles_grant_nothing(suite, people):
    member = people.members["demo-member-1"]
    token = token_for(suite.client, "demo-member-1")
    assert_problem(suite.client.get("/identity/keys/status", headers=auth(token)), 403)
    _sql(
        suite,
        update(Member).where(Member.id == member).values(roles=["admin", "coordinator", "member"]),
    )
    response = suite.client.get("/identity/keys/status", headers=auth(token))
    _refused_and_audited(suite, response, 409, "member", member)


def test_a_nulled_mac_fails_closed_too(suite, people):
    member = people.members["demo-member-2"]
    _sql(suite, update(Member).where(Member.id == member).values(row_mac=None))
    _refused_and_audited(suite, login(suite.client, "demo-member-2"), 409, "member", member)


def test_identity_never_re_macs_a_tampered_row(suite, people):
    """A later legitimate write (an admin's change, a sign-in) must not launder the row."""
    member = people.members["demo-member-3"]
    admin = token_for(suite.client, "demo-admin")
    _sql(suite, update(Member).where(Member.id == member).values(roles=["admin"]))
    response = suite.client.patch(
        f"/identity/members/{member}", json={"display_name": "改名"}, headers=auth(admin)
    )
    _refused_and_audited(suite, response, 409, "member", member)
    # Identity's own code path that writes the row without reading it first fails too.
    from identity.integrity.rows import TamperedRow

    with pytest.raises(TamperedRow):
        with suite.dbs["identity"].session() as session:
            session.get(Member, member).must_change_password = True
    with suite.dbs["identity"].session() as session:
        assert session.get(Member, member).must_change_password is False


def test_identity_own_writes_keep_verifying(suite, people):
    """Sign-in, refresh, password change and logout rewrite trust rows: each with a new MAC."""
    response = login(suite.client, "demo-member-1")
    token = response.json()["access_token"]
    assert suite.client.post("/identity/session/refresh").status_code == 200
    changed = suite.client.put(
        "/identity/me/password",
        json={"current_password": PASSWORD, "new_password": "Another-pass-77-kasane"},
        headers=auth(token),
    )
    assert changed.status_code == 204, changed.text
    assert suite.client.get("/identity/me", headers=auth(token)).status_code == 200
    assert suite.client.delete("/identity/session", headers=auth(token)).status_code == 204
    assert _failures(suite) == []


def test_enrolment_refuses_a_public_key_the_sealed_key_does_not_open_to(suite, people, monkeypatch):
    import identity.custody.service as custody
    import identity.signing.service as signing
    from kasane_shared.errors import KasaneError

    kek = suite.suite.identity.state.kek
    private, _ = generate_member_keypair()
    _, other_public = generate_member_keypair()
    monkeypatch.setattr(custody, "generate_member_keypair", lambda suite: (private, other_public))
    with pytest.raises(KasaneError) as refused:
        with suite.dbs["identity"].session() as session:
            custody.enroll(session, kek, people.members["demo-member-1"])
    assert refused.value.code == "key_pair_mismatch" and refused.value.status == 503
    other = ECKey.generate_key("P-256", parameters={"kid": "x"})

    class SealsAnotherKey:
        """A sealing path that seals some other private key than the one published."""

        def seal(self, _plain: bytes, aad: bytes) -> bytes:
            return kek.seal(json.dumps(other.as_dict(private=True)).encode(), aad)

        def open(self, sealed: bytes, aad: bytes) -> bytes:
            return kek.open(sealed, aad)

    with pytest.raises(KasaneError) as refused:
        with suite.dbs["identity"].session() as session:
            signing.rotate_signing_key(session, SealsAnotherKey(), None)
    assert refused.value.code == "key_pair_mismatch"
