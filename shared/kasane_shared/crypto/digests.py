"""SHA-256 digests, HMAC-SHA256 and constant-time comparison, built on ``cryptography``.

The one place Kasane computes plain digests and MACs (the project uses ``cryptography`` for
all crypto, not ``hashlib``/``hmac``). SHA-256 is SHA-256: every output is byte-identical to
what the standard library gave, so stored digests, tokens and cursors keep working.
Labelled, typed MACs over rows and audit entries live in ``kasane_shared.integrity``.
"""

from __future__ import annotations

from collections.abc import Iterable

from cryptography.hazmat.primitives import constant_time, hashes
from cryptography.hazmat.primitives.hmac import HMAC

_SHA256 = hashes.SHA256()


def sha256(data: bytes) -> bytes:
    """The SHA-256 digest (32 bytes) of ``data``."""
    h = hashes.Hash(_SHA256)
    h.update(data)
    return h.finalize()


def sha256_hex(data: bytes) -> str:
    """The SHA-256 digest of ``data`` as 64 lowercase hex characters."""
    return sha256(data).hex()


def sha256_chunks(chunks: Iterable[bytes]) -> bytes:
    """The SHA-256 digest of the concatenation of ``chunks`` (for files read block by block)."""
    h = hashes.Hash(_SHA256)
    for chunk in chunks:
        h.update(chunk)
    return h.finalize()


def hmac_sha256(key: bytes, data: bytes) -> bytes:
    """HMAC-SHA256 (32 bytes) of ``data`` under ``key``."""
    h = HMAC(key, _SHA256)
    h.update(data)
    return h.finalize()


def hmac_sha256_hex(key: bytes, data: bytes) -> str:
    """HMAC-SHA256 of ``data`` under ``key`` as 64 lowercase hex characters."""
    return hmac_sha256(key, data).hex()


def same(a: bytes | str, b: bytes | str) -> bool:
    """Whether ``a`` and ``b`` are equal, in time independent of where they differ.

    Text is compared as its UTF-8 bytes (so a non-ASCII submission is simply unequal).
    """
    left = a.encode("utf-8") if isinstance(a, str) else bytes(a)
    right = b.encode("utf-8") if isinstance(b, str) else bytes(b)
    return constant_time.bytes_eq(left, right)


__all__ = ["hmac_sha256", "hmac_sha256_hex", "same", "sha256", "sha256_chunks", "sha256_hex"]
