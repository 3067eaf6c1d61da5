"""The deployment's key provider as the settings choose it: a key file or a PKCS#11 token.

Secrets the provider needs (the token's PIN) come from files readable by their owner only,
never from the environment, where they leak into process listings and crash reports.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from kasane_shared.crypto.errors import KeyFileError, KeyProviderError
from kasane_shared.crypto.kek import FileKeyProvider, KeyProvider
from kasane_shared.settings import Settings


def read_private_file(path: Path) -> str:
    """The stripped text of a secret file that is a regular file of mode 0600 (or stricter)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW)
    except OSError as exc:
        raise KeyProviderError("key_file_invalid", f"{path}: {exc.strerror}") from None
    with os.fdopen(fd, "rb") as fh:
        # Check the opened file, not the path: a swap between check and read cannot help.
        st = os.fstat(fh.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise KeyFileError("key_file_invalid", f"{path}: not a regular file")
        if st.st_mode & 0o077:
            mode = oct(stat.S_IMODE(st.st_mode))
            raise KeyFileError("key_file_mode", f"{path}: mode {mode}, run: chmod 600 {path}")
        data = fh.read(4096)
    try:
        return data.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise KeyFileError("key_file_invalid", f"{path}: not UTF-8 text") from None


def make_key_provider(settings: Settings) -> KeyProvider:
    """The KEK provider the settings choose; a key file is opened, never created here."""
    if "KASANE_PKCS11_PIN" in os.environ:
        # Refuse rather than ignore: an operator who set it believes it is in use.
        raise KeyProviderError(
            "provider_unavailable",
            "KASANE_PKCS11_PIN is not read: put the PIN in a 0600 file named by "
            "KASANE_PKCS11_PIN_FILE and unset KASANE_PKCS11_PIN",
        )
    if settings.key_provider == "pkcs11":
        from kasane_shared.crypto.kek_pkcs11 import Pkcs11KeyProvider

        if settings.pkcs11_pin_file is None:
            raise KeyProviderError(
                "provider_unavailable",
                "KASANE_KEY_PROVIDER=pkcs11 needs KASANE_PKCS11_PIN_FILE (a 0600 file)",
            )
        pin = read_private_file(settings.pkcs11_pin_file)
        return Pkcs11KeyProvider(settings.pkcs11_module, settings.pkcs11_token_label, pin)
    return FileKeyProvider(settings.resolved_key_file, create=False)


def check_key_placement(settings: Settings, kek: KeyProvider) -> None:
    """Outside demo mode, refuse a key file inside the data directory.

    A plain copy of the data directory (a backup, a stolen disk) would then hold both the
    sealed keys and the key that opens them.
    """
    if settings.demo or not isinstance(kek, FileKeyProvider):
        return
    key_file = kek.path.resolve()
    data_dir = settings.data_dir.resolve()
    if key_file.is_relative_to(data_dir):
        raise KeyFileError(
            "key_file_in_data_dir",
            f"{key_file} is inside the data directory {data_dir}: move it to a separate, "
            "backed-up place and set KASANE_KEY_FILE=/path/outside/kek.json "
            "(or use a token: KASANE_KEY_PROVIDER=pkcs11)",
        )


__all__ = ["check_key_placement", "make_key_provider", "read_private_file"]
