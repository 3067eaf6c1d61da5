"""KEK file provider, rotation and member private-key sealing."""

from __future__ import annotations

import base64
import json
import os
import stat
import threading

import pytest

from kasane_shared.crypto import (
    CryptoError,
    FileKeyProvider,
    KeyFileError,
    KeyProvider,
    generate_member_keypair,
    open_private_key,
    reseal,
    reseal_private_key,
    seal_private_key,
    sealed_kek_version,
)

AAD = b"identity/members/m-1/private-key"


@pytest.fixture
def key_path(tmp_path):
    return tmp_path / "keys" / "kek.json"


def mode_of(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_file_is_created_on_first_use_with_mode_0600(key_path):
    provider = FileKeyProvider(key_path, create=True)
    assert not key_path.exists()  # nothing happens before first use
    assert provider.current_version() == 1
    assert mode_of(key_path) == 0o600
    doc = json.loads(key_path.read_text())
    assert doc["current"] == 1 and set(doc["keys"]) == {"1"}
    assert not [p for p in key_path.parent.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("umask", [0o000, 0o022, 0o777])
def test_creation_mode_ignores_the_umask(key_path, umask):
    old = os.umask(umask)
    try:
        FileKeyProvider(key_path, create=True).current_version()
    finally:
        os.umask(old)
    assert mode_of(key_path) == 0o600


def test_seal_open_round_trip(key_path):
    provider = FileKeyProvider(key_path, create=True)
    sealed = provider.seal(b"secret", AAD)
    assert isinstance(provider, KeyProvider)
    assert sealed_kek_version(sealed) == 1
    assert provider.open(sealed, AAD) == b"secret"
    assert provider.seal(b"secret", AAD) != sealed  # fresh nonce each time


def test_other_aad_fails(key_path):
    provider = FileKeyProvider(key_path, create=True)
    sealed = provider.seal(b"secret", AAD)
    with pytest.raises(CryptoError):
        provider.open(sealed, AAD + b"x")


def test_every_bit_flip_fails(key_path):
    provider = FileKeyProvider(key_path, create=True)
    sealed = provider.seal(b"private key bytes", AAD)
    for bit in range(len(sealed) * 8):
        tampered = bytearray(sealed)
        tampered[bit // 8] ^= 1 << (bit % 8)
        with pytest.raises(CryptoError):
            provider.open(bytes(tampered), AAD)
    for n in range(len(sealed)):
        with pytest.raises(CryptoError):
            provider.open(sealed[:n], AAD)


@pytest.mark.parametrize("loose", [0o644, 0o640, 0o604, 0o660, 0o601])
def test_loose_mode_is_refused(key_path, loose):
    FileKeyProvider(key_path, create=True).current_version()
    os.chmod(key_path, loose)
    with pytest.raises(KeyFileError) as err:
        FileKeyProvider(key_path, create=True).current_version()
    assert err.value.code == "key_file_mode"
    assert "0600" in str(err.value) and "権限" in str(err.value)
    assert isinstance(err.value, CryptoError)


def test_running_provider_refuses_after_chmod(key_path):
    provider = FileKeyProvider(key_path, create=True)
    sealed = provider.seal(b"x", AAD)
    os.chmod(key_path, 0o644)
    with pytest.raises(KeyFileError):
        provider.open(sealed, AAD)


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not json",
        b"[]",
        b'{"format": "kasane-kek-v1", "current": 1, "keys": {}}',
        b'{"format": "kasane-kek-v1", "current": 2, "keys": {"1": "' + b"A" * 44 + b'"}}',
        b'{"format": "kasane-kek-v1", "current": 1, "keys": {"1": "AAAA"}}',
        b'{"format": "other", "current": 1, "keys": {"1": "' + b"A" * 43 + b'="}}',
    ],
)
def test_invalid_key_file_is_refused(key_path, content):
    key_path.parent.mkdir()
    fd = os.open(key_path, os.O_WRONLY | os.O_CREAT, 0o600)
    os.write(fd, content)
    os.close(fd)
    with pytest.raises(KeyFileError) as err:
        FileKeyProvider(key_path, create=True).current_version()
    assert err.value.code == "key_file_invalid"


def test_rotation_keeps_old_values_and_reseal_moves_them(key_path):
    provider = FileKeyProvider(key_path, create=True)
    old = provider.seal(b"member private key", AAD)
    assert provider.rotate() == 2
    assert provider.current_version() == 2
    assert mode_of(key_path) == 0o600
    assert provider.open(old, AAD) == b"member private key"
    moved = reseal(old, AAD, provider)
    assert sealed_kek_version(moved) == 2
    assert provider.open(moved, AAD) == b"member private key"
    assert sealed_kek_version(provider.seal(b"new", AAD)) == 2
    assert provider.rotate() == 3
    assert provider.open(moved, AAD) == provider.open(old, AAD)


def test_rotation_by_another_process_is_picked_up(key_path):
    service = FileKeyProvider(key_path, create=True)
    old = service.seal(b"v", AAD)
    cli = FileKeyProvider(key_path, create=True)  # as `kasane keys rotate` would
    cli.rotate()
    moved = reseal(old, AAD, cli)
    assert service.open(moved, AAD) == b"v"
    assert service.current_version() == 2


def test_concurrent_first_use_creates_one_key(key_path):
    providers = [FileKeyProvider(key_path, create=True) for _ in range(8)]
    sealed: list[bytes] = []
    threads = [
        threading.Thread(target=lambda p=p: sealed.append(p.seal(b"v", AAD))) for p in providers
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    reader = FileKeyProvider(key_path, create=True)
    assert [reader.open(s, AAD) for s in sealed] == [b"v"] * 8


def test_unknown_version_fails(key_path):
    provider = FileKeyProvider(key_path, create=True)
    sealed = bytearray(provider.seal(b"v", AAD))
    sealed[2:6] = (7).to_bytes(4, "big")
    with pytest.raises(CryptoError) as err:
        provider.open(bytes(sealed), AAD)
    assert err.value.code == "unknown_kek_version"


def test_value_of_another_provider_kind_is_refused(key_path):
    sealed = bytearray(FileKeyProvider(key_path, create=True).seal(b"v", AAD))
    sealed[1] = 0x02
    with pytest.raises(CryptoError) as err:
        FileKeyProvider(key_path, create=True).open(bytes(sealed), AAD)
    assert err.value.code == "wrong_provider"


def test_member_private_key_sealing_binds_member_and_version(key_path):
    provider = FileKeyProvider(key_path, create=True)
    private, _ = generate_member_keypair()
    sealed = seal_private_key(provider, "member-a", 1, private)
    assert open_private_key(provider, "member-a", 1, sealed) == private
    for member_id, version in (("member-b", 1), ("member-a", 2)):
        with pytest.raises(CryptoError):
            open_private_key(provider, member_id, version, sealed)
    provider.rotate()
    moved = reseal_private_key(provider, "member-a", 1, sealed)
    assert sealed_kek_version(moved) == 2
    assert open_private_key(provider, "member-a", 1, moved) == private
    with pytest.raises(CryptoError):
        seal_private_key(provider, "member-a", 1, b"not a key")


def test_integrity_keys_survive_rotation_and_are_added_to_an_old_file(key_path):
    key_path.parent.mkdir()
    old = {
        "format": "kasane-kek-v1",
        "current": 1,
        "keys": {"1": base64.b64encode(b"k" * 32).decode()},
    }
    fd = os.open(key_path, os.O_WRONLY | os.O_CREAT, 0o600)
    os.write(fd, json.dumps(old).encode())
    os.close(fd)
    provider = FileKeyProvider(key_path)
    first = provider.derive_key(b"kasane/v1/agenda/audit")
    assert len(first) == 32 and "integrity" in json.loads(key_path.read_text())
    assert first != provider.derive_key(b"kasane/v1/minutes/audit")
    provider.rotate()
    provider.retire(1)
    assert FileKeyProvider(key_path).derive_key(b"kasane/v1/agenda/audit") == first
    assert mode_of(key_path) == 0o600
