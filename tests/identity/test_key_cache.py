"""The in-memory cache of parsed private keys: used by unwraps, bounded, and forgetful."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from identity.custody.keycache import PRIVATE_KEYS, PrivateKeyCache
from identity.custody.models import MemberKey
from identity.custody.rotation import rotate_kek
from identity.base import AuditEntry
from identity.pledges.models import Pledge
from kasane_shared.crypto import (
    FileKeyProvider,
    from_text,
    to_text,
    generate_member_keypair,
    public_key_of,
    reseal_private_key,
    seal_private_key,
)
from kasane_shared.custody import IdentityClient
from kasane_shared.sealing import RecordRef, seal_audience
from tests.helpers import auth, token_for

REF = RecordRef("agenda", "cases", "case-cache")


@pytest.fixture
def identity(suite):
    return IdentityClient(suite.client, "/identity")


def _wrap_for(identity, coordinator, member_id):
    recipients = identity.public_keys(coordinator, [member_id])
    sealed = seal_audience(
        REF,
        "content",
        1,
        {"notes": "記録"},
        [(recipients[member_id], "shien")],
        identity.escrow_key(coordinator, "agenda"),
    )
    return next(w for m, _, _, w in sealed.wraps if m == member_id)


def _key_version(suite, member_id):
    with suite.dbs["identity"].session() as session:
        return session.scalar(select(MemberKey.version).where(MemberKey.owner_id == member_id))


def test_unwrap_keeps_the_parsed_key_and_departure_forgets_it(suite, people, identity):
    m1 = people.members["demo-member-1"]
    coordinator = token_for(suite.client, "demo-coordinator")
    wrap = _wrap_for(identity, coordinator, m1)
    assert identity.unwrap(token_for(suite.client, "demo-member-1"), [wrap])[0] is not None
    assert (m1, _key_version(suite, m1)) in PRIVATE_KEYS
    suite.client.patch(
        f"/identity/members/{m1}",
        json={"active": False},
        headers=auth(token_for(suite.client, "demo-admin")),
    )
    assert not any(owner == m1 for owner, _ in list(PRIVATE_KEYS._entries))


def test_kek_rotation_empties_the_cache_and_unwraps_still_work(suite, people, identity):
    m2 = people.members["demo-member-2"]
    coordinator = token_for(suite.client, "demo-coordinator")
    wrap = _wrap_for(identity, coordinator, m2)
    member = token_for(suite.client, "demo-member-2")
    assert identity.unwrap(member, [wrap])[0] is not None
    assert len(PRIVATE_KEYS) >= 1
    with suite.dbs["identity"].session() as session:
        rotate_kek(session, suite.suite.identity.state.kek, None)
    assert len(PRIVATE_KEYS) == 0
    assert identity.unwrap(member, [wrap])[0] is not None


def test_cache_is_bounded_and_bound_to_the_sealed_bytes(tmp_path):
    kek = FileKeyProvider(tmp_path / "kek.json", create=True)
    cache = PrivateKeyCache(capacity=2)
    sealed = {}
    for owner in ("a", "b", "c"):
        private, _ = generate_member_keypair()
        sealed[owner] = (private, seal_private_key(kek, owner, 1, private))
    for owner, (_, blob) in sealed.items():
        cache.get(kek, owner, 1, blob)
    assert len(cache) == 2 and ("a", 1) not in cache and ("c", 1) in cache
    # Re-sealed bytes (same key) are a miss, then replace the entry; the key is the same.
    private, blob = sealed["c"]
    first = cache.get(kek, "c", 1, blob)
    resealed = reseal_private_key(kek, "c", 1, blob)
    again = cache.get(kek, "c", 1, resealed)
    assert again is not first and len(cache) == 2
    assert public_key_of(private)  # the key material itself is untouched
    # Another process rotating the key file is noticed on the next use.
    FileKeyProvider(tmp_path / "kek.json").rotate()
    cache.get(kek, "c", 1, resealed)
    assert len(cache) == 1


def test_a_zero_sized_cache_keeps_nothing(tmp_path):
    kek = FileKeyProvider(tmp_path / "kek.json", create=True)
    private, _ = generate_member_keypair()
    cache = PrivateKeyCache(capacity=0)
    cache.get(kek, "a", 1, seal_private_key(kek, "a", 1, private))
    assert len(cache) == 0


def _digests(owner):
    return [d for d in list(PRIVATE_KEYS._data) if d[0] == owner]


def test_a_remembered_data_key_answers_only_its_own_wrap_after_every_check(suite, people, identity):
    m1 = people.members["demo-member-1"]
    coordinator = token_for(suite.client, "demo-coordinator")
    member = token_for(suite.client, "demo-member-1")
    wrap = _wrap_for(identity, coordinator, m1)
    first = identity.unwrap(member, [wrap])[0]
    assert first is not None and len(_digests(m1)) == 1
    assert identity.unwrap(member, [wrap])[0] == first and len(_digests(m1)) == 1
    # Any other bytes are another wrap: opened (and refused) afresh, never from memory.
    raw = bytearray(from_text(wrap))
    raw[-5] ^= 0x01
    assert identity.unwrap(member, [to_text(bytes(raw))]) == [None]
    # Another member sending the remembered wrap is refused before memory is asked.
    other = token_for(suite.client, "demo-member-2")
    assert identity.unwrap(other, [wrap]) == [None]
    # Without the pledge the remembered key is not handed out either.
    with suite.dbs["identity"].session() as session:
        pledge = session.scalar(
            select(Pledge).where(Pledge.member_id == m1, Pledge.conference_kind == "shien")
        )
    revoked = suite.client.post(
        f"/identity/members/{m1}/pledges/{pledge.id}/revoke", json={}, headers=auth(member)
    )
    assert revoked.status_code == 200
    assert identity.unwrap(member, [wrap]) == [None]


def test_departure_and_rotation_drop_the_data_keys(suite, people, identity):
    m1, m2 = people.members["demo-member-1"], people.members["demo-member-2"]
    coordinator = token_for(suite.client, "demo-coordinator")
    for login, owner in (("demo-member-1", m1), ("demo-member-2", m2)):
        assert identity.unwrap(
            token_for(suite.client, login), [_wrap_for(identity, coordinator, owner)]
        ) != [None]
    assert _digests(m1) and _digests(m2)
    suite.client.patch(
        f"/identity/members/{m1}",
        json={"active": False},
        headers=auth(token_for(suite.client, "demo-admin")),
    )
    assert not _digests(m1) and _digests(m2)
    with suite.dbs["identity"].session() as session:
        rotate_kek(session, suite.suite.identity.state.kek, None)
    assert PRIVATE_KEYS.data_keys() == 0


def test_data_keys_are_bounded_and_a_zero_size_keeps_none():
    cache = PrivateKeyCache(capacity=4, data_capacity=2)
    for n in range(3):
        cache.keep_data_key("a", 1, b"s" * 32, bytes([n]) * 32, bytes([n]) * 32)
    assert cache.data_keys() == 2 and cache.data_key("a", 1, b"s" * 32, bytes([0]) * 32) is None
    assert cache.data_key("a", 1, b"s" * 32, bytes([2]) * 32) == bytes([2]) * 32
    # The same wrap under other sealed bytes (another key) is not an answer.
    assert cache.data_key("a", 1, b"t" * 32, bytes([2]) * 32) is None
    off = PrivateKeyCache(data_capacity=0)
    off.keep_data_key("a", 1, b"s" * 32, b"w" * 32, b"k" * 32)
    assert off.data_keys() == 0


def test_unwrap_with_the_pledge_asked_opens_nothing_without_it(suite, people, identity):
    m1, m4 = people.members["demo-member-1"], people.members["demo-member-4"]
    coordinator = token_for(suite.client, "demo-coordinator")
    # demo-member-4 holds no pledge: identity opens nothing and says so, audited as refused.
    wrap4 = _wrap_for(identity, coordinator, m4)
    member4 = token_for(suite.client, "demo-member-4")
    assert identity.unwrap_if_pledged(member4, [wrap4, wrap4], "shien") == (False, [None, None])
    body = suite.client.post(
        "/identity/keys/unwrap",
        json={"wrapped": [wrap4], "pledge_kind": "shien"},
        headers=auth(member4),
    ).json()
    assert body == {"results": [{"data_key": None, "error": "no_pledge"}], "pledge_valid": False}
    with suite.dbs["identity"].session() as session:
        last = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.action == "key.unwrap", AuditEntry.actor_id == m4)
            .order_by(AuditEntry.seq.desc())
        ).first()
    assert last.outcome == "refused" and last.details["refused"] == {"no_pledge": 1}
    # With the pledge: the keys, and each wrap still checked on its own (another's refused).
    member1 = token_for(suite.client, "demo-member-1")
    pledged, keys = identity.unwrap_if_pledged(
        member1, [_wrap_for(identity, coordinator, m1), wrap4], "shien"
    )
    assert pledged is True and keys[0] is not None and keys[1] is None
    plain = suite.client.post(
        "/identity/keys/unwrap", json={"wrapped": [wrap4]}, headers=auth(member1)
    ).json()
    assert plain["pledge_valid"] is None
