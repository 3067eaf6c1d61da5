"""KEK provider backed by a PKCS#11 token (SoftHSM2 in tests, an HSM in production).

Each KEK version is an AES-256 secret key generated inside the token (sensitive,
non-extractable), labelled `<prefix><version>`. Sealing runs CKM_AES_GCM inside the token,
which SoftHSM2 (2.2 and later) supports, so key bytes never leave it. The sealed format is
the one of `kek.KeyProvider` with provider kind 0x02.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pkcs11
from pkcs11 import Attribute, KeyType, Mechanism, MechanismFlag, ObjectClass
from pkcs11.exceptions import PKCS11Error, UserAlreadyLoggedIn
from pkcs11.mechanisms import GCMParams

from .errors import CryptoError, KeyProviderError
from .kek import PROVIDER_PKCS11, TAG_BYTES, KeyProvider

# Another process may rotate; re-list the token's keys at most this often when sealing.
_RESCAN_SECONDS = 30.0


class Pkcs11KeyProvider(KeyProvider):
    """KEKs as non-extractable AES-256 keys in a PKCS#11 token; AES-GCM runs in the token."""

    kind = PROVIDER_PKCS11

    def __init__(
        self,
        module_path: str,
        token_label: str,
        user_pin: str,
        key_label_prefix: str = "kasane-kek-",
        *,
        create: bool = False,
    ) -> None:
        if not key_label_prefix:
            raise KeyProviderError("invalid_argument", "key_label_prefix must not be empty")
        self._prefix = key_label_prefix
        self._lock = threading.RLock()  # a PKCS#11 session must not be used concurrently
        self._keys: dict[int, Any] = {}
        self._scanned = 0.0
        try:
            token = pkcs11.lib(module_path).get_token(token_label=token_label)
            try:
                self._session = token.open(rw=True, user_pin=user_pin)
            except UserAlreadyLoggedIn:
                # Login is per token and process; another provider in this process did it.
                self._session = token.open(rw=True)
        except PKCS11Error as exc:
            raise KeyProviderError("provider_unavailable", f"{type(exc).__name__}: {exc}") from None
        with self._lock:
            self._scan()
            if not self._keys and create:
                self._generate(1)

    def has_keys(self) -> bool:
        """Whether the token holds a KEK under this label prefix."""
        with self._lock:
            self._scan()
            return bool(self._keys)

    def create_first(self) -> int:
        """Generate KEK version 1 in the token unless one is there already."""
        with self._lock:
            self._scan()
            if not self._keys:
                self._generate(1)
            return max(self._keys)

    def close(self) -> None:
        """Close the token session (also logs this process out of the token)."""
        with self._lock:
            self._session.close()

    def __enter__(self) -> Pkcs11KeyProvider:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def current_version(self) -> int:
        """The highest KEK version present in the token."""
        with self._lock:
            if time.monotonic() - self._scanned > _RESCAN_SECONDS or not self._keys:
                self._scan()
            if not self._keys:
                raise KeyProviderError("unknown_kek_version", "no KEK in the token")
            return max(self._keys)

    def rotate(self) -> int:
        """Generate a new AES-256 key in the token as the next version."""
        with self._lock:
            self._scan()
            version = max(self._keys, default=0) + 1
            self._generate(version)
            return version

    def derive_key(self, label: bytes) -> bytes:
        """HMAC-SHA256 of ``label`` inside the token under its integrity root key."""
        with self._lock:
            root = self._integrity_root()
            try:
                return bytes(root.sign(bytes(label), mechanism=Mechanism.SHA256_HMAC))
            except PKCS11Error as exc:
                raise KeyProviderError("provider_unavailable", type(exc).__name__) from None

    def _integrity_root(self) -> Any:
        label = f"{self._prefix}integrity"
        query = {
            Attribute.CLASS: ObjectClass.SECRET_KEY,
            Attribute.KEY_TYPE: KeyType.GENERIC_SECRET,
            Attribute.LABEL: label,
        }
        try:
            found = list(self._session.get_objects(query))
            if len(found) > 1:
                raise KeyProviderError("provider_unavailable", "duplicate integrity roots")
            if found:
                return found[0]
            return self._session.generate_key(
                KeyType.GENERIC_SECRET,
                256,
                label=label,
                store=True,
                capabilities=MechanismFlag.SIGN | MechanismFlag.VERIFY,
                template={
                    Attribute.TOKEN: True,
                    Attribute.PRIVATE: True,
                    Attribute.SENSITIVE: True,
                    Attribute.EXTRACTABLE: False,
                },
            )
        except PKCS11Error as exc:
            raise KeyProviderError("provider_unavailable", type(exc).__name__) from None

    def versions(self) -> list[int]:
        """KEK versions present in the token, oldest first."""
        with self._lock:
            self._scan()
            return sorted(self._keys)

    def retire(self, version: int) -> None:
        """Destroy the token object of KEK ``version`` (never the current one)."""
        with self._lock:
            self._scan()
            if version not in self._keys:
                raise CryptoError("unknown_kek_version", f"version {version}")
            if version == max(self._keys):
                raise CryptoError("invalid_argument", "the current KEK version cannot be retired")
            try:
                self._keys[version].destroy()
            except PKCS11Error as exc:
                raise KeyProviderError("provider_unavailable", type(exc).__name__) from None
            self._scan()

    def _encrypt(self, version: int, nonce: bytes, plaintext: bytes, aad: bytes) -> bytes:
        with self._lock:
            key = self._key(version)
            try:
                return key.encrypt(
                    plaintext, mechanism=Mechanism.AES_GCM, mechanism_param=_gcm(nonce, aad)
                )
            except PKCS11Error as exc:
                raise KeyProviderError("provider_unavailable", type(exc).__name__) from None

    def _decrypt(self, version: int, nonce: bytes, ciphertext: bytes, aad: bytes) -> bytes:
        with self._lock:
            key = self._key(version)
            try:
                return key.decrypt(
                    ciphertext, mechanism=Mechanism.AES_GCM, mechanism_param=_gcm(nonce, aad)
                )
            except PKCS11Error:
                # SoftHSM2 reports a bad tag as a generic error; fail closed either way.
                raise CryptoError("open_failed", "kek (pkcs11)") from None

    def _key(self, version: int) -> Any:
        if version not in self._keys:
            self._scan()  # rotated by another process since we last looked
        try:
            return self._keys[version]
        except KeyError:
            raise CryptoError("unknown_kek_version", f"version {version}") from None

    def _scan(self) -> None:
        """Index the token's AES keys whose label is `<prefix><version>`."""
        found: dict[int, list[Any]] = {}
        try:
            query = {Attribute.CLASS: ObjectClass.SECRET_KEY, Attribute.KEY_TYPE: KeyType.AES}
            for obj in self._session.get_objects(query):
                version = self._version_of(obj.label)
                if version is not None:
                    found.setdefault(version, []).append(obj)
        except PKCS11Error as exc:
            raise KeyProviderError("provider_unavailable", type(exc).__name__) from None
        duplicated = sorted(v for v, objs in found.items() if len(objs) > 1)
        if duplicated:
            # Two keys with one label would make sealed values ambiguous; refuse loudly.
            raise KeyProviderError("provider_unavailable", f"duplicate KEK labels {duplicated}")
        self._keys = {v: objs[0] for v, objs in found.items()}
        self._scanned = time.monotonic()

    def _version_of(self, label: str | None) -> int | None:
        if not label or not label.startswith(self._prefix):
            return None
        digits = label[len(self._prefix) :]
        if not digits.isascii() or not digits.isdigit() or digits != str(int(digits)):
            return None
        version = int(digits)
        return version if 0 < version < 1 << 32 else None

    def _generate(self, version: int) -> None:
        try:
            key = self._session.generate_key(
                KeyType.AES,
                256,
                label=f"{self._prefix}{version}",
                id=version.to_bytes(4, "big"),
                store=True,
                capabilities=MechanismFlag.ENCRYPT | MechanismFlag.DECRYPT,
                template={
                    Attribute.TOKEN: True,
                    Attribute.PRIVATE: True,
                    Attribute.SENSITIVE: True,
                    Attribute.EXTRACTABLE: False,
                },
            )
        except PKCS11Error as exc:
            raise KeyProviderError(
                "provider_unavailable", f"generate: {type(exc).__name__}"
            ) from None
        try:
            self._scan()
        except KeyProviderError:
            # Another process rotated at the same moment: withdraw our key, keep theirs.
            key.destroy()
            self._scan()
            raise KeyProviderError("provider_unavailable", "concurrent rotation; retry") from None


def _gcm(nonce: bytes, aad: bytes) -> GCMParams:
    return GCMParams(nonce, aad, TAG_BYTES * 8)
