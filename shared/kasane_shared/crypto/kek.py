"""Key-encryption-key (KEK) providers: a local key file or a PKCS#11 token.

Sealed format (big-endian): 0x01 | provider kind | u32(KEK version) | nonce[12] | ct || tag[16]
with AES-256-GCM under KEK version `v` and AAD = "kasane/v1/kek\\0" | first 6 bytes | aad.
The header names the version, so rotation adds a version and old values keep opening.
"""

from __future__ import annotations

import abc
import base64
import binascii
import contextlib
import fcntl
import json
import os
import secrets
import stat
import struct
import threading
from collections.abc import Iterator
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from .errors import CryptoError, KeyFileError

SEALED_FORMAT = 0x01
PROVIDER_FILE = 0x01
PROVIDER_PKCS11 = 0x02
KEK_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
_HEADER = struct.Struct(">BBI")
_LABEL = b"kasane/v1/kek\x00"
_FILE_FORMAT = "kasane-kek-v1"
_INTEGRITY_SALT = b"kasane/v1/integrity-root"


class KeyProvider(abc.ABC):
    """Holds versioned KEKs and seals small secrets (member private keys) under them."""

    kind: int = 0  # provider kind byte in the sealed header

    @abc.abstractmethod
    def has_keys(self) -> bool:
        """Whether the provider holds a KEK already (a key file exists, the token has one)."""

    @abc.abstractmethod
    def create_first(self) -> int:
        """Create KEK version 1 where none exists; only for a deployment that has no data yet."""

    @abc.abstractmethod
    def current_version(self) -> int:
        """The KEK version new seals use."""

    @abc.abstractmethod
    def rotate(self) -> int:
        """Create a new KEK version, make it current, and return it; old versions still open."""

    @abc.abstractmethod
    def derive_key(self, label: bytes) -> bytes:
        """A 32-byte key for ``label`` from the provider's integrity root (never the KEK).

        The root stays the same across KEK rotations, so MACs made under a derived key stay
        verifiable; it lives where the KEK lives (the key file, the token) and not in any
        database, so whoever can write a database cannot make a MAC that verifies.
        """

    @abc.abstractmethod
    def versions(self) -> list[int]:
        """Every KEK version the provider still holds, oldest first."""

    @abc.abstractmethod
    def retire(self, version: int) -> None:
        """Destroy KEK ``version`` (never the current one): what it sealed opens no more."""

    @abc.abstractmethod
    def _encrypt(self, version: int, nonce: bytes, plaintext: bytes, aad: bytes) -> bytes:
        """AES-256-GCM encrypt under KEK `version`; returns ct || tag."""

    @abc.abstractmethod
    def _decrypt(self, version: int, nonce: bytes, ciphertext: bytes, aad: bytes) -> bytes:
        """AES-256-GCM decrypt under KEK `version`; raises CryptoError on failure."""

    def seal(self, plaintext: bytes, aad: bytes) -> bytes:
        """Seal `plaintext` under the current KEK version, bound to `aad`."""
        _check_bytes(plaintext, "plaintext")
        _check_bytes(aad, "aad")
        version = self.current_version()
        header = _HEADER.pack(SEALED_FORMAT, self.kind, version)
        nonce = os.urandom(NONCE_BYTES)
        return (
            header + nonce + self._encrypt(version, nonce, bytes(plaintext), _LABEL + header + aad)
        )

    def open(self, sealed: bytes, aad: bytes) -> bytes:
        """Open a value sealed under any KEK version of this provider."""
        _check_bytes(aad, "aad")
        version = sealed_kek_version(sealed)
        if sealed[1] != self.kind:
            raise CryptoError("wrong_provider", f"provider kind {sealed[1]}")
        header, nonce = sealed[: _HEADER.size], sealed[_HEADER.size : _HEADER.size + NONCE_BYTES]
        body = sealed[_HEADER.size + NONCE_BYTES :]
        return self._decrypt(version, nonce, body, _LABEL + header + aad)


def _check_bytes(value: object, what: str) -> None:
    if not isinstance(value, (bytes, bytearray)):
        raise CryptoError("invalid_argument", f"{what} must be bytes")


def sealed_kek_version(sealed: bytes) -> int:
    """The KEK version a sealed value names (unauthenticated; to skip current ones on rotate)."""
    _check_bytes(sealed, "sealed")
    if len(sealed) < _HEADER.size + NONCE_BYTES + TAG_BYTES:
        raise CryptoError("malformed", "sealed value too short")
    fmt, _kind, version = _HEADER.unpack_from(sealed)
    if fmt != SEALED_FORMAT:
        raise CryptoError("unsupported_format", f"sealed format {fmt}")
    return version


def reseal(
    sealed: bytes, aad: bytes, provider: KeyProvider, *, source: KeyProvider | None = None
) -> bytes:
    """Open `sealed` (any version, or from `source` when migrating) and seal it with current."""
    return provider.seal((source or provider).open(sealed, aad), aad)


class FileKeyProvider(KeyProvider):
    """KEKs in a local JSON key file (mode 0600).

    A missing file is created on first use only when ``create`` is true: a deployment that
    already holds sealed data must fail loudly rather than start over with a new KEK.
    """

    kind = PROVIDER_FILE

    def __init__(self, path: str | os.PathLike[str], *, create: bool = False) -> None:
        self._path = Path(path)
        self._create_missing = create
        self._lock = threading.Lock()
        self._stamp: tuple[int, ...] | None = None
        self._current = 0
        self._aeads: dict[int, AESGCM] = {}
        self._integrity: bytes | None = None

    @property
    def path(self) -> Path:
        """The key file's path."""
        return self._path

    def has_keys(self) -> bool:
        """Whether the key file exists."""
        return self._path.exists()

    def create_first(self) -> int:
        """Create the key file with KEK version 1 (no-op when another process just did)."""
        with self._lock:
            self._create()
            self._stamp = None
            self._refresh()
            return self._current

    def current_version(self) -> int:
        """The KEK version new seals use."""
        with self._lock:
            self._refresh()
            return self._current

    def rotate(self) -> int:
        """Add a new KEK version to the key file and make it current."""
        with self._lock, self._file_lock():
            self._refresh()
            doc = self._read_doc()
            version = max(int(v) for v in doc["keys"]) + 1
            doc["keys"][str(version)] = _b64(os.urandom(KEK_BYTES))
            doc["current"] = version
            self._write(doc, replace=True)
            self._stamp = None
            self._refresh()
            return version

    def derive_key(self, label: bytes) -> bytes:
        """HKDF-SHA256 of the key file's integrity root (added to an older file on first use)."""
        _check_bytes(label, "label")
        with self._lock:
            self._refresh()
            if self._integrity is None:
                with self._file_lock():
                    doc = self._read_doc()
                    if "integrity" not in doc:
                        doc["integrity"] = _b64(os.urandom(KEK_BYTES))
                        self._write(doc, replace=True)
                self._stamp = None
                self._refresh()
            root = self._integrity
        assert root is not None
        return HKDF(
            algorithm=hashes.SHA256(), length=32, salt=_INTEGRITY_SALT, info=bytes(label)
        ).derive(root)

    def versions(self) -> list[int]:
        """KEK versions in the key file, oldest first."""
        with self._lock:
            self._refresh()
            return sorted(self._aeads)

    def retire(self, version: int) -> None:
        """Remove KEK ``version`` from the key file (the file is rewritten atomically)."""
        with self._lock, self._file_lock():
            self._stamp = None
            self._refresh()
            doc = self._read_doc()
            if str(version) not in doc["keys"]:
                raise CryptoError("unknown_kek_version", f"version {version}")
            if doc["current"] == version:
                raise CryptoError("invalid_argument", "the current KEK version cannot be retired")
            del doc["keys"][str(version)]
            self._write(doc, replace=True)
            self._stamp = None
            self._refresh()

    def _encrypt(self, version: int, nonce: bytes, plaintext: bytes, aad: bytes) -> bytes:
        return self._aead(version).encrypt(nonce, plaintext, aad)

    def _decrypt(self, version: int, nonce: bytes, ciphertext: bytes, aad: bytes) -> bytes:
        try:
            return self._aead(version).decrypt(nonce, ciphertext, aad)
        except InvalidTag:
            raise CryptoError("open_failed", "kek") from None

    def _aead(self, version: int) -> AESGCM:
        with self._lock:
            self._refresh()  # picks up a rotation done by another process (kasane keys rotate)
            try:
                return self._aeads[version]
            except KeyError:
                raise CryptoError("unknown_kek_version", f"version {version}") from None

    def _refresh(self) -> None:
        """Load the key file if it changed since the last load (create it if allowed)."""
        try:
            st = os.stat(self._path)
        except FileNotFoundError:
            if not self._create_missing:
                raise KeyFileError("key_file_missing", missing_key_file_hint(self._path)) from None
            self._create()
            st = os.stat(self._path)
        except OSError as exc:
            raise KeyFileError("key_file_invalid", f"{self._path}: {exc}") from None
        if _stamp(st) != self._stamp:
            self._load()

    def _load(self) -> None:
        doc, st = self._read_checked()
        self._aeads = {int(v): AESGCM(base64.b64decode(k)) for v, k in doc["keys"].items()}
        self._current = doc["current"]
        integrity = doc.get("integrity")
        self._integrity = base64.b64decode(integrity) if integrity else None
        self._stamp = _stamp(st)

    def _read_doc(self) -> dict:
        return self._read_checked()[0]

    def _read_checked(self) -> tuple[dict, os.stat_result]:
        try:
            fd = os.open(self._path, os.O_RDONLY | os.O_CLOEXEC)
        except OSError as exc:
            raise KeyFileError("key_file_invalid", f"{self._path}: {exc}") from None
        with os.fdopen(fd, "rb") as fh:
            # Check the opened file, not the path, so a swap between check and read can't help.
            st = os.fstat(fh.fileno())
            _check_mode(self._path, st)
            data = fh.read()
        return _parse_doc(self._path, data), st

    def _create(self) -> None:
        with self._file_lock():
            if self._path.exists():
                return  # another process created it while we waited for the lock
            doc = {
                "format": _FILE_FORMAT,
                "current": 1,
                "keys": {"1": _b64(os.urandom(KEK_BYTES))},
                "integrity": _b64(os.urandom(KEK_BYTES)),
            }
            self._write(doc, replace=False)

    def _write(self, doc: dict, *, replace: bool) -> None:
        """Write atomically: a 0600 temp file, fsync, then rename (or link when creating)."""
        tmp = self._path.with_name(f".{self._path.name}.{secrets.token_hex(8)}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        try:
            os.fchmod(fd, 0o600)  # exact mode whatever the umask (a 0777 umask would give 000)
            with os.fdopen(fd, "wb") as fh:
                fh.write(json.dumps(doc, indent=2).encode("utf-8"))
                fh.flush()
                os.fsync(fh.fileno())
            if replace:
                os.replace(tmp, self._path)
            else:
                os.link(tmp, self._path)  # fails rather than clobbering an existing key file
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        _fsync_dir(self._path.parent)

    @contextlib.contextmanager
    def _file_lock(self) -> Iterator[None]:
        """Serialize creation and rotation across processes."""
        self._path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        lock_path = self._path.with_name(self._path.name + ".lock")
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)


def missing_key_file_hint(path: Path) -> str:
    """What to do when the key file is not where the settings say."""
    return (
        f"{path} does not exist: restore the deployment's key file there or point "
        "KASANE_KEY_FILE at it (a new KEK would not open anything already sealed)"
    )


def _stamp(st: os.stat_result) -> tuple[int, ...]:
    return (st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size, st.st_mode)


def _check_mode(path: Path, st: os.stat_result) -> None:
    if not stat.S_ISREG(st.st_mode):
        raise KeyFileError("key_file_invalid", f"{path}: not a regular file")
    if st.st_mode & 0o077:
        mode = oct(stat.S_IMODE(st.st_mode))
        raise KeyFileError("key_file_mode", f"{path}: mode {mode}, run: chmod 600 {path}")


def _parse_doc(path: Path, data: bytes) -> dict:
    try:
        doc = json.loads(data)
        keys = doc["keys"]
        ok = doc.get("format") == _FILE_FORMAT and isinstance(keys, dict) and keys
        ok = ok and all(_valid_entry(v, k) for v, k in keys.items())
        ok = ok and isinstance(doc["current"], int) and str(doc["current"]) in keys
        ok = ok and ("integrity" not in doc or _valid_entry("1", doc["integrity"]))
    except (ValueError, KeyError, TypeError, AttributeError):
        ok = False
    if not ok:
        raise KeyFileError("key_file_invalid", f"{path}: not a Kasane key file")
    return doc


def _valid_entry(version: str, key: object) -> bool:
    if not (isinstance(version, str) and version.isdigit() and str(int(version)) == version):
        return False
    if not 0 < int(version) < 1 << 32 or not isinstance(key, str):
        return False
    try:
        return len(base64.b64decode(key, validate=True)) == KEK_BYTES
    except binascii.Error:
        return False


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
