"""Envelope encryption: per-record data keys, sealed fields, and HPKE-wrapped data keys.

Formats (all integers big-endian; `lp(x)` = 2-byte length + bytes; text as unpadded base64url):

sealed field  = 0x01 | commitment[32] | nonce[12] | AES-256-GCM(ct || tag[16])
    AAD = "kasane/v1/field\\0" | 0x01 | commitment | binding | lp(field) | u64(version)
wrapped key   = 0x01 | suite_id | u16(len(header)) | header | HPKE(enc || ct || tag)
    header = lp(member_id) | u32(key_version) | binding | commitment[32]
    HPKE info = "kasane/v1/wrap\\0" | everything before the HPKE output
binding       = lp(service) | lp(table) | lp(record_id) | lp(audience) | lp(conference_kind)
commitment    = HKDF-SHA256(ikm=data_key, salt="kasane/v1/data-key-commitment", info=binding)

The commitment makes both layers key-committing: AES-GCM and HPKE's AEAD alone are not, so
without it a crafted ciphertext could open to different plaintexts under two data keys
handed to two members.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from .digests import same
from .encoding import Reader, as_bytes, check_text, check_uint, lp, to_text
from .errors import CryptoError
from .members import (
    MemberPrivateKey,
    MemberPublicKey,
    load_private_key,
    load_public_key,
    suite_by_id,
)

FIELD_FORMAT = 0x01
WRAP_FORMAT = 0x01
DATA_KEY_BYTES = 32
COMMITMENT_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16

_FIELD_LABEL = b"kasane/v1/field\x00"
_WRAP_LABEL = b"kasane/v1/wrap\x00"
_COMMIT_SALT = b"kasane/v1/data-key-commitment"
_FIELD_KEY_SALT = b"kasane/v1/field-key"
_FIELD_HEADER = 1 + COMMITMENT_BYTES + NONCE_BYTES
# Parsed wraps kept by their exact text (public ciphertext, no key: about 5 kB each).
PARSED_WRAPS_KEPT = 4096


@dataclass(frozen=True)
class Binding:
    """Where a data key belongs: service, table, record id, audience class, conference kind."""

    service: str
    table: str
    record_id: str
    audience: str
    conference_kind: str

    def __post_init__(self) -> None:
        for name in ("service", "table", "record_id", "audience", "conference_kind"):
            check_text(getattr(self, name), name)

    @cached_property
    def encoded(self) -> bytes:
        """Canonical bytes of the binding (used in AAD, HPKE info and commitments)."""
        return b"".join(
            lp(getattr(self, name).encode("utf-8"))
            for name in ("service", "table", "record_id", "audience", "conference_kind")
        )

    @classmethod
    def _read(cls, reader: Reader) -> Binding:
        names = ("service", "table", "record_id", "audience", "conference_kind")
        return cls(*(reader.text(n) for n in names))


class DataKey:
    """A random 256-bit data key for one (record, audience class); never printed."""

    __slots__ = ("_key", "_field_aead", "_commitments")

    def __init__(self, key: bytes) -> None:
        if not isinstance(key, (bytes, bytearray)) or len(key) != DATA_KEY_BYTES:
            raise CryptoError("invalid_argument", "data key must be 32 bytes")
        self._key = bytes(key)
        self._field_aead: AESGCM | None = None
        self._commitments: dict[bytes, bytes] = {}

    @property
    def _aead(self) -> AESGCM:
        # Made on first use (identity only checks a commitment and hands the key on).
        # Fields use a derived key so the data key itself only ever feeds HKDF.
        if self._field_aead is None:
            self._field_aead = AESGCM(_hkdf(self._key, _FIELD_KEY_SALT, b""))
        return self._field_aead

    def to_bytes(self) -> bytes:
        """Raw key bytes (for handing back from identity's key-custody endpoint)."""
        return self._key

    def commitment(self, binding: Binding) -> bytes:
        """The key commitment of this data key for `binding`."""
        encoded = binding.encoded
        value = self._commitments.get(encoded)
        if value is None:
            if len(self._commitments) >= 16:  # a data key serves one record; stay bounded
                self._commitments.clear()
            value = self._commitments[encoded] = _hkdf(self._key, _COMMIT_SALT, encoded)
        return value

    def __repr__(self) -> str:
        return "DataKey(<secret>)"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DataKey):
            return NotImplemented
        return same(self._key, other._key)

    __hash__ = None  # type: ignore[assignment]


def _hkdf(ikm: bytes, salt: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(ikm)


def new_data_key() -> DataKey:
    """Create a fresh random 256-bit data key."""
    return DataKey(os.urandom(DATA_KEY_BYTES))


def _field_aad(head: bytes, binding: Binding, field_name: str, version: int) -> bytes:
    return (
        _FIELD_LABEL
        + head
        + binding.encoded
        + lp(check_text(field_name, "field"))
        + struct.pack(">Q", check_uint(version, "version", 64))
    )


def _plain_bytes(plaintext: str | bytes) -> bytes:
    if isinstance(plaintext, str):
        try:
            return plaintext.encode("utf-8")
        except UnicodeEncodeError:
            raise CryptoError("invalid_argument", "plaintext is not valid text") from None
    if isinstance(plaintext, (bytes, bytearray, memoryview)):
        return bytes(plaintext)
    raise CryptoError("invalid_argument", "plaintext must be str or bytes")


def seal_field_bytes(
    data_key: DataKey, binding: Binding, field: str, version: int, plaintext: str | bytes
) -> bytes:
    """Seal one field value; returns the binary sealed format."""
    head = bytes([FIELD_FORMAT]) + data_key.commitment(binding)
    nonce = os.urandom(NONCE_BYTES)
    aad = _field_aad(head, binding, field, version)
    return head + nonce + data_key._aead.encrypt(nonce, _plain_bytes(plaintext), aad)


def seal_field(
    data_key: DataKey, binding: Binding, field: str, version: int, plaintext: str | bytes
) -> str:
    """Seal one field value; returns base64url text for a text column."""
    return to_text(seal_field_bytes(data_key, binding, field, version, plaintext))


def open_field(
    data_key: DataKey, binding: Binding, field: str, version: int, sealed: str | bytes
) -> bytes:
    """Open a sealed field (text or bytes); raises CryptoError on any mismatch or tamper."""
    raw = as_bytes(sealed)
    if len(raw) < _FIELD_HEADER + TAG_BYTES:
        raise CryptoError("malformed", "sealed field too short")
    if raw[0] != FIELD_FORMAT:
        raise CryptoError("unsupported_format", f"field format {raw[0]}")
    head = raw[: 1 + COMMITMENT_BYTES]
    nonce = raw[1 + COMMITMENT_BYTES : _FIELD_HEADER]
    body = raw[_FIELD_HEADER:]
    # Check the commitment first: only the one data key it names may open this ciphertext.
    if not same(head[1:], data_key.commitment(binding)):
        raise CryptoError("open_failed", "field commitment")
    try:
        return data_key._aead.decrypt(nonce, body, _field_aad(head, binding, field, version))
    except InvalidTag:
        raise CryptoError("open_failed", "field tag") from None


@dataclass(frozen=True)
class Recipient:
    """A member entitled to a data key: id, key version and public key (bytes, text or parsed)."""

    member_id: str
    key_version: int
    public_key: Any

    def __post_init__(self) -> None:
        check_text(self.member_id, "member_id")
        check_uint(self.key_version, "key_version", 32)
        # Parse once here so wrapping for the same recipient many times stays cheap.
        object.__setattr__(self, "public_key", load_public_key(self.public_key))


@dataclass(frozen=True)
class WrapHeader:
    """The readable header of a wrapped data key; authenticated only by a successful unwrap."""

    format_version: int
    suite: str
    member_id: str
    key_version: int
    binding: Binding
    commitment: bytes = field(repr=False)

    @property
    def conference_kind(self) -> str:
        """The conference kind whose pledge the reader must hold."""
        return self.binding.conference_kind


def _wrap_prefix(
    suite_id: int, member_id: str, key_version: int, binding: Binding, commit: bytes
) -> bytes:
    header = (
        lp(check_text(member_id, "member_id"))
        + struct.pack(">I", check_uint(key_version, "key_version", 32))
        + binding.encoded
        + commit
    )
    return bytes([WRAP_FORMAT, suite_id]) + struct.pack(">H", len(header)) + header


def wrap_data_key(data_key: DataKey, binding: Binding, recipient: Recipient) -> str:
    """Wrap a data key for one recipient with HPKE; returns base64url text."""
    public: MemberPublicKey = recipient.public_key
    prefix = _wrap_prefix(
        public.suite.suite_id,
        recipient.member_id,
        recipient.key_version,
        binding,
        data_key.commitment(binding),
    )
    sealed = public.suite.hpke.encrypt(data_key.to_bytes(), public.key, info=_WRAP_LABEL + prefix)
    return to_text(prefix + sealed)


@dataclass(frozen=True)
class ParsedWrap:
    """A wrap read once: its (not yet authenticated) header, the HPKE info prefix, the output."""

    header: WrapHeader
    prefix: bytes = field(repr=False)
    sealed: bytes = field(repr=False)


def parse_wrap(wrapped: str | bytes) -> ParsedWrap:
    """Read a wrap once, to check its header and then unwrap it without parsing it again."""
    if isinstance(wrapped, str):
        return _parse_text(wrapped)
    return ParsedWrap(*_parse_wrap(wrapped))


@lru_cache(maxsize=PARSED_WRAPS_KEPT)
def _parse_text(wrapped: str) -> ParsedWrap:
    # Parsing is a pure function of the exact text and its result is immutable: a member's
    # view sends the same ~60 wraps each time, and reading them (header, binding checks)
    # was most of identity's unwrap. Nothing is authenticated or opened here; a text that
    # fails to parse raises every time (exceptions are not kept).
    return ParsedWrap(*_parse_wrap(wrapped))


def _parse_wrap(wrapped: str | bytes) -> tuple[WrapHeader, bytes, bytes]:
    raw = as_bytes(wrapped)
    reader = Reader(raw)
    fmt = reader.u8()
    if fmt != WRAP_FORMAT:
        raise CryptoError("unsupported_format", f"wrap format {fmt}")
    suite = suite_by_id(reader.u8())
    header_len = reader.u16()
    head = Reader(reader.take(header_len))
    member_id = head.text("member_id")
    key_version = head.u32()
    binding = Binding._read(head)
    commitment = head.take(COMMITMENT_BYTES)
    head.end()
    sealed = reader.rest()
    if len(sealed) != suite.kem.enc_length() + DATA_KEY_BYTES + TAG_BYTES:
        raise CryptoError("malformed", "wrap length")
    prefix = raw[: 4 + header_len]
    header = WrapHeader(fmt, suite.name, member_id, key_version, binding, commitment)
    return header, prefix, sealed


def parse_wrap_header(wrapped: str | bytes) -> WrapHeader:
    """Read a wrap's header (member, key version, binding) to authorize before unwrapping.

    The header is not trusted yet: identity checks that `member_id` is the caller and that the
    caller holds a pledge for `binding.conference_kind`, then calls `unwrap_data_key` with the
    caller's own id and key version, which authenticates every header field through HPKE.
    """
    return parse_wrap(wrapped).header


def unwrap_data_key(
    wrapped: str | bytes | ParsedWrap,
    binding: Binding,
    member_id: str,
    key_version: int,
    private_key: bytes | MemberPrivateKey,
) -> DataKey:
    """Unwrap a data key for this member; raises CryptoError on any mismatch or tamper.

    ``wrapped`` may be a ``ParsedWrap`` (read once to authorize it): the same checks apply.
    """
    if isinstance(wrapped, ParsedWrap):
        header, prefix, sealed = wrapped.header, wrapped.prefix, wrapped.sealed
    else:
        header, prefix, sealed = _parse_wrap(wrapped)
    if header.member_id != member_id or header.key_version != key_version:
        raise CryptoError("recipient_mismatch")
    if header.binding != binding:
        raise CryptoError("binding_mismatch")
    private = load_private_key(private_key)
    if private.suite.name != header.suite:
        raise CryptoError("recipient_mismatch", "suite differs from the member key")
    try:
        key = private.suite.hpke.decrypt(sealed, private.key, info=_WRAP_LABEL + prefix)
    except (InvalidTag, ValueError):
        raise CryptoError("open_failed", "wrap") from None
    data_key = DataKey(key) if len(key) == DATA_KEY_BYTES else None
    if data_key is None or not same(data_key.commitment(binding), header.commitment):
        raise CryptoError("commitment_mismatch")
    return data_key
