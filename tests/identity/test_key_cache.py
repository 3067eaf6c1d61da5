"""The in-memory cache of parsed private keys: used by unwraps, bounded, and forgetful."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from identity.custody.keycache import PRIVATE_KEYS, PrivateKeyCache
from identity.custody.models import MemberKey
from identity.custody.rotation import rotate_kek
from kasane_shared.crypto import (
    FileKeyProvider,
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
