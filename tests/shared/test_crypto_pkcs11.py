"""PKCS#11 KEK provider against a fresh SoftHSM2 token (skips locally if absent; fails in CI)."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import uuid
from types import SimpleNamespace

import pytest

from kasane_shared.crypto import (
    CryptoError,
    FileKeyProvider,
    KeyProviderError,
    generate_member_keypair,
    open_private_key,
    reseal,
    seal_private_key,
    sealed_kek_version,
)

pytestmark = pytest.mark.pkcs11

MODULE = "/usr/lib/softhsm/libsofthsm2.so"
TOKEN_LABEL, USER_PIN, SO_PIN = "kasane-test", "1234", "5678"
AAD = b"identity/members/m-1/private-key"


def _missing() -> str | None:
    if not os.path.exists(MODULE):
        return f"SoftHSM2 module {MODULE} missing (apt-get install softhsm2)"
    if shutil.which("softhsm2-util") is None:
        return "softhsm2-util missing (apt-get install softhsm2)"
    if importlib.util.find_spec("pkcs11") is None:
        return "python-pkcs11 missing (pip install python-pkcs11==0.10.1)"
    return None


@pytest.fixture(scope="session")
def softhsm_token(tmp_path_factory):
    """A fresh SoftHSM2 token for this test session, in a temporary token directory."""
    reason = _missing()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the PKCS#11 tests: {reason}")
        pytest.skip(reason)
    root = tmp_path_factory.mktemp("softhsm")
    (root / "tokens").mkdir()
    conf = root / "softhsm2.conf"
    conf.write_text(
        f"directories.tokendir = {root / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n"
    )
    with pytest.MonkeyPatch.context() as mp:
        # SoftHSM2 reads this when the module is first initialized in this process.
        mp.setenv("SOFTHSM2_CONF", str(conf))
        subprocess.run(
            ["softhsm2-util", "--init-token", "--free", "--label", TOKEN_LABEL]
            + ["--pin", USER_PIN, "--so-pin", SO_PIN],
            check=True,
            capture_output=True,
        )
        yield SimpleNamespace(module=MODULE, label=TOKEN_LABEL, pin=USER_PIN)


@pytest.fixture
def make_provider(softhsm_token):
    """Build providers on the shared token; each test gets its own key label prefix."""
    from kasane_shared.crypto import Pkcs11KeyProvider

    prefix = f"kasane-kek-{uuid.uuid4().hex[:8]}-"
    made = []

    def make():
        made.append(
            Pkcs11KeyProvider(
                softhsm_token.module, softhsm_token.label, softhsm_token.pin, prefix, create=True
            )
        )
        return made[-1]

    yield make
    for provider in reversed(made):  # the first one logged in; close it last
        provider.close()


def _key_objects(provider):
    from pkcs11 import Attribute, ObjectClass

    query = {Attribute.CLASS: ObjectClass.SECRET_KEY}
    return [o for o in provider._session.get_objects(query) if o.label.startswith(provider._prefix)]


def test_first_use_generates_a_non_extractable_key_in_the_token(make_provider):
    from pkcs11 import Attribute
    from pkcs11.exceptions import PKCS11Error

    provider = make_provider()
    assert provider.current_version() == 1
    (key,) = _key_objects(provider)
    assert key.label == provider._prefix + "1"
    assert key[Attribute.SENSITIVE] is True and key[Attribute.EXTRACTABLE] is False
    assert key[Attribute.TOKEN] is True
    with pytest.raises(PKCS11Error):
        key[Attribute.VALUE]


def test_seal_open_round_trip_in_the_token(make_provider):
    provider = make_provider()
    sealed = provider.seal(b"member private key", AAD)
    assert sealed[1] == 0x02 and sealed_kek_version(sealed) == 1
    assert provider.open(sealed, AAD) == b"member private key"
    assert provider.seal(b"member private key", AAD) != sealed
    with pytest.raises(CryptoError):
        provider.open(sealed, AAD + b"!")


def test_every_bit_flip_fails(make_provider):
    provider = make_provider()
    sealed = provider.seal(b"k" * 32, AAD)
    for bit in range(len(sealed) * 8):
        tampered = bytearray(sealed)
        tampered[bit // 8] ^= 1 << (bit % 8)
        with pytest.raises(CryptoError):
            provider.open(bytes(tampered), AAD)


def test_rotation_keeps_old_values_and_reseal_moves_them(make_provider):
    provider = make_provider()
    old = provider.seal(b"v", AAD)
    assert provider.rotate() == 2
    assert provider.current_version() == 2
    assert len(_key_objects(provider)) == 2
    assert provider.open(old, AAD) == b"v"
    moved = reseal(old, AAD, provider)
    assert sealed_kek_version(moved) == 2
    assert provider.open(moved, AAD) == b"v"


def test_rotation_by_another_provider_is_picked_up(make_provider):
    service = make_provider()
    old = service.seal(b"v", AAD)
    cli = make_provider()
    assert cli.rotate() == 2
    moved = reseal(old, AAD, cli)
    assert service.open(moved, AAD) == b"v"


def test_member_private_key_round_trip(make_provider):
    provider = make_provider()
    private, _ = generate_member_keypair()
    sealed = seal_private_key(provider, "member-a", 1, private)
    assert open_private_key(provider, "member-a", 1, sealed) == private
    with pytest.raises(CryptoError):
        open_private_key(provider, "member-b", 1, sealed)


def test_migration_from_the_key_file(make_provider, tmp_path):
    file_provider = FileKeyProvider(tmp_path / "kek.json", create=True)
    token = make_provider()
    sealed = file_provider.seal(b"v", AAD)
    with pytest.raises(CryptoError) as err:
        token.open(sealed, AAD)
    assert err.value.code == "wrong_provider"
    moved = reseal(sealed, AAD, token, source=file_provider)
    assert token.open(moved, AAD) == b"v"


def test_unknown_token_or_module_is_a_clear_error(softhsm_token):
    from kasane_shared.crypto import Pkcs11KeyProvider

    with pytest.raises(KeyProviderError) as err:
        Pkcs11KeyProvider(softhsm_token.module, "no-such-token", USER_PIN, "x-")
    assert err.value.code == "provider_unavailable" and "鍵プロバイダ" in str(err.value)
    with pytest.raises(KeyProviderError):
        Pkcs11KeyProvider("/nonexistent/libpkcs11.so", TOKEN_LABEL, USER_PIN, "x-")


def test_integrity_keys_are_derived_inside_the_token(make_provider):
    from pkcs11 import Attribute, KeyType, ObjectClass

    provider = make_provider()
    first = provider.derive_key(b"kasane/v1/agenda/audit")
    assert len(first) == 32 and first == provider.derive_key(b"kasane/v1/agenda/audit")
    assert first != provider.derive_key(b"kasane/v1/minutes/audit")
    provider.rotate()  # a new KEK leaves the derived keys as they were
    assert provider.derive_key(b"kasane/v1/agenda/audit") == first
    query = {
        Attribute.CLASS: ObjectClass.SECRET_KEY,
        Attribute.KEY_TYPE: KeyType.GENERIC_SECRET,
        Attribute.LABEL: provider._prefix + "integrity",
    }
    (root,) = provider._session.get_objects(query)
    assert root[Attribute.SENSITIVE] is True and root[Attribute.EXTRACTABLE] is False
