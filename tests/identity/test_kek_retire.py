"""Finding 9: an old KEK version can be destroyed, so older copies of identity.db stop opening."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from identity.app import prepare_database
from identity.custody.models import MemberKey
from identity.custody.rotation import key_status, retire_kek, rotate_kek
from identity.custody.service import current_key
from kasane_shared.crypto import CryptoError, FileKeyProvider, open_private_key
from kasane_shared.errors import KasaneError
from tests.helpers import seed_people


@pytest.fixture
def own_kek(dbs, tmp_path):
    """A key file of this test alone: retiring a version must not touch the run's KEK."""
    kek = FileKeyProvider(tmp_path / "keys" / "kek.json", create=True)
    prepare_database(dbs["identity"], kek)
    return kek


def test_older_database_copy_stops_opening_after_rotate_and_retire(dbs, own_kek):
    people = seed_people(dbs["identity"], own_kek)
    member = people.members["demo-member-1"]
    with dbs["identity"].session() as session:
        key = current_key(session, member)
        # What a copy of identity.db taken today would hold.
        old_copy = (key.owner_id, key.version, key.private_sealed)
    assert open_private_key(own_kek, *old_copy)  # today: the old copy plus the key file opens it
    with dbs["identity"].session() as session:
        with pytest.raises(KasaneError) as err:
            retire_kek(session, own_kek, 1, None)
        assert err.value.code == "kek_current"
        rotate_kek(session, own_kek, None)
        retire_kek(session, own_kek, 1, None)
        status = key_status(session, own_kek)
    assert status.kek_versions == [2] and set(status.sealed_by_kek_version) == {"2"}
    with pytest.raises(CryptoError) as opened:
        open_private_key(own_kek, *old_copy)
    assert opened.value.code == "unknown_kek_version"
    with dbs["identity"].session() as session:
        live = session.scalars(select(MemberKey).where(MemberKey.owner_id == member)).one()
        assert open_private_key(own_kek, live.owner_id, live.version, live.private_sealed)


def test_a_version_still_sealing_something_is_not_retired(dbs, own_kek):
    seed_people(dbs["identity"], own_kek)
    own_kek.rotate()  # a new version, but nothing re-sealed yet
    with dbs["identity"].session() as session:
        with pytest.raises(KasaneError) as err:
            retire_kek(session, own_kek, 1, None)
    assert err.value.code == "kek_in_use"
    assert own_kek.versions() == [1, 2]
    with dbs["identity"].session() as session, pytest.raises(KasaneError) as unknown:
        retire_kek(session, own_kek, 7, None)
    assert unknown.value.code == "unknown_kek_version"
