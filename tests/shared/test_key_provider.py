"""The key provider the settings choose: PIN from a 0600 file only, no silent new key file."""

from __future__ import annotations

import pytest

from kasane_shared.crypto import KeyFileError, KeyProviderError
from kasane_shared.key_provider import make_key_provider, read_private_file
from kasane_shared.settings import Settings


def _pkcs11_settings(tmp_path, pin_file=None) -> Settings:
    return Settings(
        data_dir=tmp_path / "var",
        key_provider="pkcs11",
        pkcs11_module="/nonexistent/libpkcs11.so",
        pkcs11_pin_file=pin_file,
    )


def test_pin_from_the_environment_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("KASANE_PKCS11_PIN", "1234")
    with pytest.raises(KeyProviderError) as err:
        make_key_provider(_pkcs11_settings(tmp_path))
    assert "KASANE_PKCS11_PIN_FILE" in err.value.detail and "1234" not in str(err.value)


def test_pkcs11_without_a_pin_file_is_refused(tmp_path, monkeypatch):
    monkeypatch.delenv("KASANE_PKCS11_PIN", raising=False)
    with pytest.raises(KeyProviderError) as err:
        make_key_provider(_pkcs11_settings(tmp_path))
    assert "KASANE_PKCS11_PIN_FILE" in err.value.detail


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604])
def test_pin_file_readable_by_others_is_refused(tmp_path, monkeypatch, mode):
    monkeypatch.delenv("KASANE_PKCS11_PIN", raising=False)
    pin_file = tmp_path / "pin"
    pin_file.write_text("1234\n")
    pin_file.chmod(mode)
    with pytest.raises(KeyFileError) as err:
        make_key_provider(_pkcs11_settings(tmp_path, pin_file))
    assert err.value.code == "key_file_mode" and "0600" in str(err.value)


def test_private_file_is_read_stripped(tmp_path):
    secret = tmp_path / "pin"
    secret.write_text("  1234\n")
    secret.chmod(0o600)
    assert read_private_file(secret) == "1234"
    link = tmp_path / "link"
    link.symlink_to(secret)
    with pytest.raises(KeyProviderError):
        read_private_file(link)  # a symlink could point anywhere: refused


def test_missing_key_file_is_not_created(tmp_path, monkeypatch):
    monkeypatch.delenv("KASANE_PKCS11_PIN", raising=False)
    provider = make_key_provider(Settings(data_dir=tmp_path, key_file=tmp_path / "k" / "kek.json"))
    assert not provider.has_keys()
    with pytest.raises(KeyFileError) as err:
        provider.current_version()
    assert err.value.code == "key_file_missing" and "KASANE_KEY_FILE" in err.value.detail
    assert not (tmp_path / "k" / "kek.json").exists()
