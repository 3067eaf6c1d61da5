"""Digests and MACs come from ``cryptography`` and match published test vectors.

The vectors are FIPS 180-2 (SHA-256) and RFC 4231 (HMAC-SHA256), not another library's
output: the helper computes SHA-256 exactly, so digests, tokens and cursors stored before
the move from ``hashlib``/``hmac`` keep working.
"""

from __future__ import annotations

import ast
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kasane_shared.crypto.digests import (
    hmac_sha256,
    hmac_sha256_hex,
    same,
    sha256,
    sha256_chunks,
    sha256_hex,
)
from kasane_shared.paging import decode_cursor, decode_offset, encode_cursor, encode_offset

ROOT = Path(__file__).resolve().parents[2]

SHA256_VECTORS = [
    (b"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
    (b"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    (
        b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
    ),
]

# RFC 4231 test cases 1, 2, 3, 4, 6 and 7 (case 5 is a truncated output).
HMAC_VECTORS = [
    (
        b"\x0b" * 20,
        b"Hi There",
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
    ),
    (
        b"Jefe",
        b"what do ya want for nothing?",
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    ),
    (
        b"\xaa" * 20,
        b"\xdd" * 50,
        "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
    ),
    (
        bytes(range(1, 26)),
        b"\xcd" * 50,
        "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
    ),
    (
        b"\xaa" * 131,
        b"Test Using Larger Than Block-Size Key - Hash Key First",
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
    ),
    (
        b"\xaa" * 131,
        b"This is a test using a larger than block-size key and a larger than block-size"
        b" data. The key needs to be hashed before being used by the HMAC algorithm.",
        "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
    ),
]


@pytest.mark.parametrize(("data", "expected"), SHA256_VECTORS)
def test_sha256_matches_fips_vectors(data: bytes, expected: str) -> None:
    assert sha256_hex(data) == expected
    assert sha256(data) == bytes.fromhex(expected)
    assert sha256_chunks([data[:1], data[1:]]) == bytes.fromhex(expected)


def test_sha256_of_a_million_a_in_blocks() -> None:
    expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
    assert sha256_chunks(b"a" * 1000 for _ in range(1000)).hex() == expected
    assert sha256_chunks([]) == sha256(b"")


@pytest.mark.parametrize(("key", "data", "expected"), HMAC_VECTORS)
def test_hmac_sha256_matches_rfc_4231(key: bytes, data: bytes, expected: str) -> None:
    assert hmac_sha256_hex(key, data) == expected
    assert hmac_sha256(key, data) == bytes.fromhex(expected)


def test_same_compares_bytes_and_text() -> None:
    assert same(b"abc", b"abc")
    assert same("abc", "abc")
    assert same("abc", b"abc")
    assert not same(b"abc", b"abd")
    assert not same(b"abc", b"abcd")
    assert not same("", "x")
    # Non-ASCII text is unequal, not a TypeError (what hmac.compare_digest raised).
    assert not same("議事録", "abc")
    assert same("議事録", "議事録")


def test_cursors_handed_out_before_the_change_still_decode() -> None:
    # Computed by the hashlib-based code (main at 6ad695a).
    at = datetime(2026, 11, 30, 9, 15, tzinfo=UTC)
    cursor = "MjAyNi0xMS0zMFQwOToxNTowMCswMDowMHxtXzAxMjNhYmNk.E8TQBTfPPKh5"
    assert encode_cursor("agenda.meetings", at, "m_0123abcd") == cursor
    assert decode_cursor("agenda.meetings", cursor) == (at, "m_0123abcd")
    assert encode_offset("agenda.search", 40) == "QDQw.71h7WlVIvpdU"
    assert decode_offset("agenda.search", "QDQw.71h7WlVIvpdU") == 40


def _stdlib_digest_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name.split(".")[0] for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module.split(".")[0]]
        else:
            continue
        found += [f"{path.relative_to(ROOT)}:{node.lineno} {n}" for n in names]
    return [f for f in found if f.endswith((" hashlib", " hmac"))]


def test_no_hashlib_or_hmac_imports() -> None:
    """All digests and MACs go through kasane_shared.crypto.digests (cryptography)."""
    files = [p for top in ("services", "shared", "suite") for p in (ROOT / top).rglob("*.py")]
    assert len(files) > 100
    offenders = [hit for path in files for hit in _stdlib_digest_imports(path)]
    assert offenders == []
