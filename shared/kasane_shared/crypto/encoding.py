"""Canonical byte encodings shared by the crypto formats (strict, unambiguous, fail closed)."""

from __future__ import annotations

import base64
import binascii
import re
import struct

from .errors import CryptoError

_B64URL = re.compile(r"[A-Za-z0-9_-]*")
_B64URL_VALUE = {
    c: i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
}
_TO_STANDARD = bytes.maketrans(b"-_", b"+/")
_UNUSED_BITS = (0, 0, 0b1111, 0b11)  # by len(text) % 4 (1 is refused before)
MAX_TEXT_BYTES = 1024  # identifiers only; keeps headers small and parsing bounded


def to_text(data: bytes) -> str:
    """Encode bytes as unpadded base64url text (for text columns and JSON)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def from_text(text: str | bytes) -> bytes:
    """Decode unpadded base64url text strictly; any non-canonical input raises CryptoError."""
    if isinstance(text, bytes):
        try:
            text = text.decode("ascii")
        except UnicodeDecodeError:
            raise CryptoError("malformed", "not ascii") from None
    if not isinstance(text, str) or len(text) % 4 == 1 or not _B64URL.fullmatch(text):
        raise CryptoError("malformed", "not base64url")
    try:
        # The alphabet is checked above: translate and decode directly (what
        # urlsafe_b64decode does, without its per-call argument handling).
        raw = text.encode("ascii").translate(_TO_STANDARD) + b"=" * (-len(text) % 4)
        data = binascii.a2b_base64(raw)
    except (binascii.Error, ValueError):
        raise CryptoError("malformed", "not base64url") from None
    # Unused low bits of the last character would decode to the same bytes; reject them so
    # that every flipped character is detected, not silently ignored. Only the last
    # character can carry such bits (4 of them after 2 characters, 2 after 3): checking it
    # equals re-encoding the whole value, at a fraction of the cost for large ciphertexts.
    unused = _UNUSED_BITS[len(text) % 4]
    if unused and _B64URL_VALUE[text[-1]] & unused:
        raise CryptoError("malformed", "non-canonical base64url")
    return data


def as_bytes(value: str | bytes) -> bytes:
    """Accept stored values either as raw bytes or as base64url text."""
    return from_text(value) if isinstance(value, str) else bytes(value)


def check_text(value: object, what: str) -> bytes:
    """Validate an identifier string and return its UTF-8 bytes."""
    if not isinstance(value, str) or not value:
        raise CryptoError("invalid_argument", f"{what} must be a non-empty str")
    try:
        raw = value.encode("utf-8")
    except UnicodeEncodeError:
        raise CryptoError("invalid_argument", f"{what} is not valid text") from None
    if len(raw) > MAX_TEXT_BYTES:
        raise CryptoError("invalid_argument", f"{what} is too long")
    return raw


def check_uint(value: object, what: str, bits: int) -> int:
    """Validate a non-negative integer that fits in `bits` bits."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 1 << bits:
        raise CryptoError("invalid_argument", f"{what} must be an int in [0, 2**{bits})")
    return value


def lp(raw: bytes) -> bytes:
    """Length-prefix a byte string (2-byte big-endian length) so concatenations are unambiguous."""
    return struct.pack(">H", len(raw)) + raw


class Reader:
    """Sequential strict parser over a byte string; every short read raises CryptoError."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._pos = 0

    def take(self, n: int) -> bytes:
        """Return the next n bytes."""
        if n < 0 or self._pos + n > len(self._data):
            raise CryptoError("malformed", "truncated")
        chunk = self._data[self._pos : self._pos + n]
        self._pos += n
        return chunk

    def u8(self) -> int:
        """Read one unsigned byte."""
        return self.take(1)[0]

    def u16(self) -> int:
        """Read a big-endian unsigned 16-bit integer."""
        return struct.unpack(">H", self.take(2))[0]

    def u32(self) -> int:
        """Read a big-endian unsigned 32-bit integer."""
        return struct.unpack(">I", self.take(4))[0]

    def text(self, what: str) -> str:
        """Read a length-prefixed UTF-8 identifier."""
        raw = self.take(self.u16())
        try:
            value = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise CryptoError("malformed", f"{what} is not utf-8") from None
        check_text(value, what)
        return value

    def rest(self) -> bytes:
        """Return everything not read yet."""
        chunk = self._data[self._pos :]
        self._pos = len(self._data)
        return chunk

    def end(self) -> None:
        """Require that the input is fully consumed."""
        if self._pos != len(self._data):
            raise CryptoError("malformed", "trailing bytes")
