"""Integrity keys of a service and the MACs made with them.

Each service holds, in memory only, keys derived from the key provider's integrity root
(see ``KeyProvider.derive_key``): one for its audit chain, one for its trust rows, one for
the entitlement statements its grants carry (``kasane_shared.grants``). Identity
derives them itself; agenda and minutes receive theirs from identity with their own client
credentials. Nobody who can only write a database holds them, so a row or an audit entry
they forge or recompute fails its MAC.
"""

from __future__ import annotations

import base64
import struct
import threading
from collections.abc import Callable

from cryptography.hazmat.primitives import constant_time, hashes
from cryptography.hazmat.primitives.hmac import HMAC

from kasane_shared.errors import KasaneError

PURPOSES = ("audit", "rows", "grants")
MAC_HEX_CHARS = 64


def key_label(service: str, purpose: str) -> bytes:
    """The derivation label of one service's key for one purpose."""
    return f"kasane/v1/{service}/{purpose}".encode()


def keys_unavailable() -> KasaneError:
    """The service cannot obtain its integrity keys: refuse to write rather than write unsigned."""
    return KasaneError(
        503,
        "integrity_keys_unavailable",
        "整合性検証用の鍵を取得できません。しばらくしてからお試しください。",
        "The integrity keys are unavailable. Please try again later.",
    )


class ServiceKeys:
    """A service's integrity keys, obtained once (derived locally or fetched from identity)."""

    def __init__(self, service: str, fetch: Callable[[], dict[str, bytes]]) -> None:
        self.service = service
        self._fetch = fetch
        self._keys: dict[str, bytes] | None = None
        self._lock = threading.Lock()

    @classmethod
    def local(cls, service: str, provider: object) -> ServiceKeys:
        """Keys derived from a key provider in this process (identity, suite mode, the CLI)."""
        derive = provider.derive_key  # type: ignore[attr-defined]
        return cls(service, lambda: {p: derive(key_label(service, p)) for p in PURPOSES})

    @classmethod
    def fixed(cls, service: str, keys: dict[str, bytes]) -> ServiceKeys:
        """Keys already at hand (received from identity)."""
        return cls(service, lambda: dict(keys))

    def key(self, purpose: str) -> bytes:
        """The key for ``purpose``; a failure to obtain it refuses the operation (503)."""
        with self._lock:
            if self._keys is None:
                try:
                    keys = self._fetch()
                except KasaneError:
                    raise keys_unavailable() from None
                if set(keys) != set(PURPOSES) or any(len(k) != 32 for k in keys.values()):
                    raise keys_unavailable()
                self._keys = keys
            return self._keys[purpose]


def _encode(part: bytes | str | int | None) -> bytes:
    if part is None:
        return b"\x00"
    if isinstance(part, bool):
        return b"\x01" + (b"\x01" if part else b"\x00")
    if isinstance(part, int):
        return b"\x02" + struct.pack(">q", part)
    raw = part.encode("utf-8") if isinstance(part, str) else bytes(part)
    return b"\x03" + struct.pack(">I", len(raw)) + raw


def mac(key: bytes, label: str, *parts: bytes | str | int | None) -> str:
    """HMAC-SHA256 (hex) over a label and typed, length-prefixed parts: no two inputs collide."""
    # One update over the joined encodings (the same bytes as one update per part): a view
    # checks dozens of MACs, and each update crosses into OpenSSL (1.6 us a MAC, not 3.3).
    h = HMAC(key, hashes.SHA256())
    h.update(b"".join([_encode(label), *map(_encode, parts)]))
    return h.finalize().hex()


def mac_matches(
    key: bytes, expected: str | None, label: str, *parts: bytes | str | int | None
) -> bool:
    """Whether ``expected`` is the MAC of these parts (constant time)."""
    if not expected or len(expected) != MAC_HEX_CHARS:
        return False
    return constant_time.bytes_eq(mac(key, label, *parts).encode(), expected.encode())


def encode_keys(keys: dict[str, bytes]) -> dict[str, str]:
    """Keys as base64 text for the wire."""
    return {p: base64.b64encode(k).decode("ascii") for p, k in keys.items()}


def decode_keys(body: dict[str, str]) -> dict[str, bytes]:
    """Keys from their wire form."""
    return {p: base64.b64decode(body[p], validate=True) for p in PURPOSES}


__all__ = [
    "PURPOSES",
    "ServiceKeys",
    "decode_keys",
    "encode_keys",
    "key_label",
    "keys_unavailable",
    "mac",
    "mac_matches",
]
