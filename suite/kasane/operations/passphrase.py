"""The operator's backup passphrase: read, stretched with Argon2id, used with AES-256-GCM.

The key file goes into a backup only sealed under a key derived from the passphrase
(Argon2id, RFC 9106's second recommended profile: 64 MiB, 3 passes, 4 lanes); the
parameters travel with the backup so a later release can raise them and still open it.
"""

from __future__ import annotations

import base64
import binascii
import getpass
import os
import sys
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from kasane.operations.errors import refused
from kasane_shared.errors import KasaneError

ENV = "KASANE_BACKUP_PASSPHRASE_FILE"
MIN_LENGTH = 12
KDF = {"name": "argon2id", "memory_kib": 64 * 1024, "iterations": 3, "lanes": 4}
# Refuse parameters that would make opening a (possibly tampered) backup eat the machine.
MAX_MEMORY_KIB, MAX_ITERATIONS, MAX_LANES = 1024 * 1024, 16, 16
_LABEL = b"kasane/v1/backup\x00"


def read_passphrase(*, confirm: bool) -> str:
    """From the file ``KASANE_BACKUP_PASSPHRASE_FILE`` names, else a prompt on a terminal."""
    path = os.environ.get(ENV)
    if path:
        try:
            text = Path(path).read_text(encoding="utf-8").rstrip("\r\n")
        except (OSError, UnicodeDecodeError):
            raise refused(
                "passphrase_unreadable",
                f"パスフレーズのファイルを読めません ({ENV})。",
                f"The passphrase file ({ENV}) cannot be read.",
            ) from None
    elif sys.stdin.isatty():
        text = getpass.getpass("バックアップのパスフレーズ (backup passphrase): ")
        if confirm and getpass.getpass("もう一度 (again): ") != text:
            raise refused(
                "passphrase_mismatch",
                "パスフレーズが一致しません。",
                "The passphrases do not match.",
            )
    else:
        raise refused(
            "passphrase_missing",
            f"パスフレーズがありません。{ENV} にファイルを指定するか、端末で実行してください。",
            f"No passphrase: set {ENV} to a file holding it, or run on a terminal.",
        )
    if not text:
        raise refused("passphrase_missing", "パスフレーズが空です。", "The passphrase is empty.")
    if confirm and len(text) < MIN_LENGTH:
        raise refused(
            "passphrase_short",
            f"パスフレーズは{MIN_LENGTH}文字以上にしてください。",
            f"Use a passphrase of at least {MIN_LENGTH} characters.",
        )
    return text


def _derive(passphrase: str, salt: bytes, kdf: dict[str, Any]) -> bytes:
    return Argon2id(
        salt=salt,
        length=32,
        iterations=kdf["iterations"],
        lanes=kdf["lanes"],
        memory_cost=kdf["memory_kib"],
    ).derive(passphrase.encode("utf-8"))


def seal(passphrase: str, payload: bytes, bound_to: bytes) -> dict[str, Any]:
    """Seal ``payload`` under the passphrase, bound to ``bound_to`` (the manifest's body)."""
    salt, nonce = os.urandom(16), os.urandom(12)
    key = _derive(passphrase, salt, KDF)
    ciphertext = AESGCM(key).encrypt(nonce, payload, _LABEL + bound_to)
    return {
        "kdf": {**KDF, "salt": _b64(salt)},
        "cipher": "aes-256-gcm",
        "nonce": _b64(nonce),
        "ciphertext": _b64(ciphertext),
    }


def open_sealed(passphrase: str, sealed: Any, bound_to: bytes) -> bytes:
    """Open what ``seal`` made; a wrong passphrase or any changed byte of the manifest refuses."""
    try:
        kdf = sealed["kdf"]
        ok = kdf["name"] == "argon2id" and sealed["cipher"] == "aes-256-gcm"
        ok = ok and 8 <= kdf["memory_kib"] <= MAX_MEMORY_KIB
        ok = ok and 1 <= kdf["iterations"] <= MAX_ITERATIONS and 1 <= kdf["lanes"] <= MAX_LANES
        salt, nonce = _unb64(kdf["salt"]), _unb64(sealed["nonce"])
        ciphertext = _unb64(sealed["ciphertext"])
        ok = ok and len(salt) >= 16 and len(nonce) == 12
    except (KeyError, TypeError, ValueError, binascii.Error):
        ok = False
    if not ok:
        raise _damaged()
    key = _derive(passphrase, salt, kdf)
    try:
        return AESGCM(key).decrypt(nonce, ciphertext, _LABEL + bound_to)
    except InvalidTag:
        raise refused(
            "passphrase_wrong",
            "パスフレーズが違うか、バックアップが改変されています。何も書き込んでいません。",
            "Wrong passphrase, or the backup was altered. Nothing was written.",
        ) from None


def _damaged() -> KasaneError:
    return refused(
        "backup_damaged",
        "バックアップの目録が壊れています。",
        "The backup's manifest is damaged.",
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text, validate=True)
