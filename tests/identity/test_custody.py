"""Key custody: only the entitled member's own token opens a wrap; grants stay inside identity."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from identity.base import AuditEntry
from identity.custody.models import MemberKey
from identity.custody.service import AUDIT_LISTED_MAX, enroll
from identity.pledges.models import Pledge
from kasane_shared.crypto import (
    Binding,
    Recipient,
    from_text,
    new_data_key,
    parse_wrap_header,
    wrap_data_key,
)
from kasane_shared.custody import IdentityClient
from kasane_shared.sealing import RecordRef, open_audience, seal_audience
from tests.helpers import PASSWORD, assert_problem, auth, stated, stated_json, token_for

REF = RecordRef("agenda", "cases", "case-1")


@pytest.fixture
def identity(suite):
    return IdentityClient(suite.client, "/identity")


@pytest.fixture
def tokens(suite, people):
    return {
        login: token_for(suite.client, login)
        for login in (
            "demo-coordinator",
            "demo-member-1",
            "demo-member-2",
            "demo-member-4",
            "demo-admin",
        )
    }


def _recipients(identity, token, ids):
    return identity.public_keys(token, ids)


def test_members_get_hybrid_keys_at_enrollment(suite, people, identity, tokens):
    keys = identity.public_keys(tokens["demo-coordinator"], list(people.members.values()))
    assert set(keys) == set(people.members.values())
    raw = suite.client.get(
        "/identity/public-keys",
        params={"member_id": people.members["demo-member-1"]},
        headers=auth(tokens["demo-member-1"]),
    ).json()
    assert raw[0]["suite"] == "mlkem768x25519" and raw[0]["public_key"].startswith(
        "mlkem768x25519:"
    )


def _sealed_for(identity, token, member_ids, kind="shien", audience="content"):
    recipients = identity.public_keys(token, member_ids)
    escrow = identity.escrow_key(token, "agenda")
    return seal_audience(
        REF,
        audience,
        1,
        {"notes": "秘密の記録"},
        [(recipients[m], kind) for m in member_ids],
        escrow,
    )


def _wrap_of(sealed, member_id):
    return next(w for m, _, _, w in sealed.wraps if m == member_id)


def test_member_unwraps_own_key(suite, people, identity, tokens):
    m1 = people.members["demo-member-1"]
    sealed = _sealed_for(identity, tokens["demo-coordinator"], [m1])
    [key] = identity.unwrap(tokens["demo-member-1"], [_wrap_of(sealed, m1)])
    assert key == sealed.data_key
    assert open_audience(REF, "content", 1, key, sealed.ciphertexts) == {"notes": "秘密の記録"}


def test_refusals(suite, people, identity, tokens):
    m1, m2, m4 = (people.members[f"demo-member-{i}"] for i in (1, 2, 4))
    sealed = _sealed_for(identity, tokens["demo-coordinator"], [m1, m4])
    wrap1, wrap4 = _wrap_of(sealed, m1), _wrap_of(sealed, m4)
    body = suite.client.post(
        "/identity/keys/unwrap",
        json={"wrapped": [wrap1, wrap4]},
        headers=auth(tokens["demo-member-2"]),
    ).json()
    assert [r["error"] for r in body["results"]] == ["not_yours", "not_yours"]
    body = suite.client.post(
        "/identity/keys/unwrap", json={"wrapped": [wrap4]}, headers=auth(tokens["demo-member-4"])
    ).json()
    assert body["results"][0] == {"data_key": None, "error": "no_pledge"}
    assert m2  # member 2 exists and got nothing


def test_flipped_bits_fail_closed(suite, people, identity, tokens):
    m1 = people.members["demo-member-1"]
    wrap = _wrap_of(_sealed_for(identity, tokens["demo-coordinator"], [m1]), m1)
    raw = bytearray(from_text(wrap))
    from kasane_shared.crypto import to_text

    for position in (0, 5, 40, len(raw) // 2, len(raw) - 1):
        flipped = bytearray(raw)
        flipped[position] ^= 0x01
        result = suite.client.post(
            "/identity/keys/unwrap",
            json={"wrapped": [to_text(bytes(flipped))]},
            headers=auth(tokens["demo-member-1"]),
        ).json()["results"][0]
        assert result["data_key"] is None and result["error"], position
    garbage = suite.client.post(
        "/identity/keys/unwrap",
        json={"wrapped": ["not base64 !!"]},
        headers=auth(tokens["demo-member-1"]),
    )
    assert garbage.status_code == 200 and garbage.json()["results"][0]["error"] == "malformed"


def test_revoked_pledge_stops_unwrap(suite, people, identity, tokens):
    m1 = people.members["demo-member-1"]
    wrap = _wrap_of(_sealed_for(identity, tokens["demo-coordinator"], [m1], kind="jusou"), m1)
    with suite.dbs["identity"].session() as session:
        pledge = session.scalar(
            select(Pledge).where(Pledge.member_id == m1, Pledge.conference_kind == "jusou")
        )
        revoked = suite.client.post(
            f"/identity/members/{m1}/pledges/{pledge.id}/revoke",
            json={},
            headers=auth(tokens["demo-member-1"]),
        )
    assert revoked.status_code == 200
    assert identity.unwrap(tokens["demo-member-1"], [wrap]) == [None]


def test_departure_destroys_keys(suite, people, identity, tokens):
    m1 = people.members["demo-member-1"]
    wrap = _wrap_of(_sealed_for(identity, tokens["demo-coordinator"], [m1]), m1)
    suite.client.patch(
        f"/identity/members/{m1}", json={"active": False}, headers=auth(tokens["demo-admin"])
    )
    assert_problem(
        suite.client.post(
            "/identity/keys/unwrap", json={"wrapped": [wrap]}, headers=auth(tokens["demo-member-1"])
        ),
        401,
    )
    assert identity.public_keys(tokens["demo-coordinator"], [m1]) == {}
    with suite.dbs["identity"].session() as session:
        keys = session.scalars(select(MemberKey).where(MemberKey.owner_id == m1)).all()
        assert keys and all(k.private_sealed is None and k.destroyed_at for k in keys)
    # Coming back gives a fresh key pair; the old wraps stay dead.
    suite.client.patch(
        f"/identity/members/{m1}", json={"active": True}, headers=auth(tokens["demo-admin"])
    )
    fresh = token_for(suite.client, "demo-member-1")
    assert identity.public_keys(tokens["demo-coordinator"], [m1])[m1].key_version == 2
    assert identity.unwrap(fresh, [wrap]) == [None]


def test_every_unwrap_and_refusal_is_audited(suite, people, identity, tokens):
    m1 = people.members["demo-member-1"]
    wrap = _wrap_of(_sealed_for(identity, tokens["demo-coordinator"], [m1]), m1)
    identity.unwrap(tokens["demo-member-1"], [wrap])
    identity.unwrap(tokens["demo-member-2"], [wrap])
    identity.unwrap(tokens["demo-member-1"], [wrap, "garbage"])
    with suite.dbs["identity"].session() as session:
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "key.unwrap").order_by(AuditEntry.seq)
        ).all()
    assert [(r.actor_id, r.outcome) for r in rows] == [
        (m1, "ok"),
        (people.members["demo-member-2"], "refused"),
        (m1, "partial"),
    ]
    assert rows[0].details["opened"][0]["record_id"] == "case-1"
    assert rows[0].details["opened_count"] == 1 and rows[0].details["refused"] == {}
    # A refused wrap's header is unauthenticated: only the reason is counted, no text copied.
    assert rows[1].details["refused"] == {"not_yours": 1} and rows[1].details["opened"] == []
    assert rows[2].details["refused"] == {"malformed": 1} and rows[2].details["opened_count"] == 1


def test_grant_by_rewrap_from_escrow(suite, people, identity, tokens, kek):
    m1, m2, m4 = (people.members[f"demo-member-{i}"] for i in (1, 2, 4))
    sealed = _sealed_for(identity, tokens["demo-coordinator"], [m1])
    grants = identity.rewrap(
        tokens["demo-coordinator"],
        [
            stated(kek, sealed.escrow_wrap, m2, "shien"),
            stated(kek, sealed.escrow_wrap, m4, "shien"),
            stated(kek, _wrap_of(sealed, m1), m2, "shien"),
        ],
    )
    assert [g.error for g in grants] == [None, "no_pledge", "not_escrow"]
    header = parse_wrap_header(grants[0].wrapped)
    assert (
        header.member_id == m2
        and header.conference_kind == "shien"
        and header.binding.record_id == "case-1"
    )
    assert identity.unwrap(tokens["demo-member-2"], [grants[0].wrapped]) == [sealed.data_key]


def test_grant_refusals(suite, people, identity, tokens, kek):
    m1 = people.members["demo-member-1"]
    coordinator = people.members["demo-coordinator"]
    tax = _sealed_for(identity, tokens["demo-coordinator"], [m1], audience="tax")
    item = stated(kek, tax.escrow_wrap, coordinator, "shien")
    assert identity.rewrap(tokens["demo-coordinator"], [item])[0].error == "self_grant"
    assert_problem(
        suite.client.post(
            "/identity/keys/rewrap",
            json={"items": [stated_json(kek, tax.escrow_wrap, m1, "shien")]},
            headers=auth(tokens["demo-member-1"]),
        ),
        403,
    )


def test_legacy_x25519_keys_still_open(suite, people, identity, tokens):
    m3 = people.members["demo-member-3"]
    with suite.dbs["identity"].session() as session:
        for key in session.scalars(select(MemberKey).where(MemberKey.owner_id == m3)):
            key.retired_at = key.created_at
        legacy = enroll(session, suite.suite.identity.state.kek, m3, suite="x25519")
        public, version = legacy.public_key, legacy.version
    data_key = new_data_key()
    wrap = wrap_data_key(data_key, REF.binding("content", "shien"), Recipient(m3, version, public))
    assert public.startswith("x25519:")
    assert identity.unwrap(token_for(suite.client, "demo-member-3"), [wrap]) == [data_key]


def test_kek_rotation_keeps_everything_readable(suite, people, identity, tokens):
    import pyotp

    from identity.custody.rotation import rotate_kek

    m1 = people.members["demo-member-1"]
    wrap = _wrap_of(_sealed_for(identity, tokens["demo-coordinator"], [m1]), m1)
    secret = suite.client.post(
        "/identity/me/totp",
        json={"current_password": PASSWORD},
        headers=auth(tokens["demo-member-2"]),
    ).json()["secret"]
    kek = suite.suite.identity.state.kek
    before = kek.current_version()
    with suite.dbs["identity"].session() as session:
        assert rotate_kek(session, kek, None) == before + 1
    status = suite.client.get("/identity/keys/status", headers=auth(tokens["demo-admin"])).json()
    assert status["kek_version"] == before + 1 and set(status["sealed_by_kek_version"]) == {
        str(before + 1)
    }
    assert identity.unwrap(tokens["demo-member-1"], [wrap])[0] is not None
    assert (
        suite.client.post(
            "/identity/me/totp/confirm",
            json={"code": pyotp.TOTP(secret).now()},
            headers=auth(tokens["demo-member-2"]),
        ).status_code
        == 200
    )
    assert token_for(suite.client, "demo-member-3")  # the signing key re-sealed too
    assert_problem(
        suite.client.get("/identity/keys/status", headers=auth(tokens["demo-coordinator"])), 403
    )


def test_unwrap_bad_input(suite, people, tokens):
    headers = auth(tokens["demo-member-1"])
    assert_problem(
        suite.client.post("/identity/keys/unwrap", json={"wrapped": []}, headers=headers), 422
    )
    assert_problem(
        suite.client.post("/identity/keys/unwrap", json={"wrapped": "x"}, headers=headers), 422
    )
    assert_problem(
        suite.client.post(
            "/identity/keys/unwrap", json={"wrapped": ["x"], "more": 1}, headers=headers
        ),
        422,
    )
    assert_problem(suite.client.post("/identity/keys/unwrap", json={"wrapped": ["x"]}), 401)
    assert_problem(suite.client.get("/identity/escrow-keys/nothing", headers=headers), 404)


def test_unwrap_audit_copies_no_caller_chosen_text(suite, people, identity, tokens):
    """Finding 12: forged wraps with long strings must not grow the audit entry."""
    m1, m2 = people.members["demo-member-1"], people.members["demo-member-2"]
    keys = identity.public_keys(tokens["demo-coordinator"], [m1, m2])
    filler = "x" * 500  # three of them still fit the 4096-character limit of a wrap
    forged = [
        wrap_data_key(
            new_data_key(),
            Binding("agenda", filler, filler + str(n), filler, "shien"),
            keys[m1 if n % 2 else m2],
        )
        for n in range(40)
    ]
    genuine = _wrap_of(_sealed_for(identity, tokens["demo-coordinator"], [m1]), m1)
    results = identity.unwrap(tokens["demo-member-1"], [genuine, *forged])
    assert results[0] is not None and results[1:] == [None] * 40
    with suite.dbs["identity"].session() as session:
        entry = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.action == "key.unwrap")
            .order_by(AuditEntry.seq.desc())
            .limit(1)
        ).one()
    assert filler not in json.dumps(entry.details)
    assert entry.details["refused"] == {"malformed": 40}
    assert entry.details["opened"] == [
        {
            "service": "agenda",
            "table": "cases",
            "record_id": "case-1",
            "audience": "content",
            "kind": "shien",
        }
    ]


def test_unwrap_audit_names_at_most_a_capped_number_of_records(suite, people, identity, tokens):
    m1 = people.members["demo-member-1"]
    recipient = identity.public_keys(tokens["demo-coordinator"], [m1])[m1]
    count = AUDIT_LISTED_MAX + 30
    wraps = [
        wrap_data_key(
            new_data_key(), Binding("agenda", "cases", f"c{n}", "content", "shien"), recipient
        )
        for n in range(count)
    ]
    assert all(identity.unwrap(tokens["demo-member-1"], wraps))
    with suite.dbs["identity"].session() as session:
        entry = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.action == "key.unwrap")
            .order_by(AuditEntry.seq.desc())
            .limit(1)
        ).one()
    assert entry.details["opened_count"] == count
    assert len(entry.details["opened"]) == AUDIT_LISTED_MAX
