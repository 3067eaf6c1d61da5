"""The fast strict base64url decoding and one-shot MACs give exactly what the slow forms gave."""

from __future__ import annotations

import base64
import os
import random

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.hmac import HMAC

from kasane_shared.crypto import CryptoError, from_text, to_text
from kasane_shared.integrity import _encode, mac, mac_matches

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/= .\n"


def _slow_from_text(text: str) -> bytes | None:
    """The reference: decode, then refuse anything that does not re-encode to itself."""
    if not text.isascii() or any(c not in ALPHABET[:64] for c in text) or len(text) % 4 == 1:
        return None
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    return data if to_text(data) == text else None


def _fast(text: str) -> bytes | None:
    try:
        return from_text(text)
    except CryptoError:
        return None


def test_every_last_character_decodes_as_the_reference() -> None:
    """Each possible last character after 0-3 leading ones: canonical or refused, as before."""
    for prefix in ("", "A", "AB", "ABC", "ABCD", "QUJD", "QUJDR"):
        for last in ALPHABET:
            assert _fast(prefix + last) == _slow_from_text(prefix + last), prefix + last


def test_random_texts_decode_as_the_reference() -> None:
    """Genuine encodings, flipped last characters and junk agree with the reference."""
    rng = random.Random(13)
    for n in range(3000):
        text = to_text(rng.randbytes(rng.randint(0, 40)))
        if n % 2 and text:
            text = text[:-1] + rng.choice(ALPHABET)
        assert _fast(text) == _slow_from_text(text), text


def test_bytes_input_and_non_ascii_are_refused_or_decoded() -> None:
    """Bytes are read as ASCII text; anything else is refused."""
    assert from_text(b"QUJD") == b"ABC"
    for bad in (b"\xff", "QUJ\u00e9", "QUJD\n", "QU=D"):
        with pytest.raises(CryptoError):
            from_text(bad)


def _slow_mac(key: bytes, label: str, *parts: object) -> str:
    h = HMAC(key, hashes.SHA256())
    h.update(_encode(label))
    for part in parts:
        h.update(_encode(part))  # type: ignore[arg-type]
    return h.finalize().hex()


def test_one_shot_mac_equals_one_update_per_part() -> None:
    """The MAC over joined parts is the MAC over each part in turn (stored MACs still hold)."""
    key = os.urandom(32)
    parts = ("agenda", "cases", "id-1", 3, "content,tax", os.urandom(32), None, True, "")
    expected = _slow_mac(key, "kasane/v1/record-origin", *parts)
    assert mac(key, "kasane/v1/record-origin", *parts) == expected
    assert mac_matches(key, expected, "kasane/v1/record-origin", *parts)
    assert not mac_matches(key, expected, "kasane/v1/record-origin", *parts[:-1])
    assert not mac_matches(key, None, "kasane/v1/record-origin", *parts)


def test_a_wrap_text_is_parsed_once_and_a_bad_one_every_time() -> None:
    """Parsing is kept by exact text (the same object back); a malformed text always raises."""
    from kasane_shared.crypto import (
        SUITE_MLKEM768_X25519,
        Binding,
        Recipient,
        generate_member_keypair,
        new_data_key,
        parse_wrap_header,
        unwrap_data_key,
        wrap_data_key,
    )
    from kasane_shared.crypto.envelope import parse_wrap
    from kasane_shared.sealing import RecordRef

    private, public = generate_member_keypair(SUITE_MLKEM768_X25519)
    binding = Binding("agenda", "cases", "case-1", "content", "shien")
    key = new_data_key()
    wrapped = wrap_data_key(key, binding, Recipient("member-a", 1, public))
    assert parse_wrap(wrapped) is parse_wrap("".join(list(wrapped)))  # equal text, any object
    assert parse_wrap_header(wrapped) is parse_wrap(wrapped).header
    assert unwrap_data_key(parse_wrap(wrapped), binding, "member-a", 1, private) == key
    with pytest.raises(CryptoError):  # the kept parse still authenticates nothing
        unwrap_data_key(parse_wrap(wrapped), binding, "member-b", 1, private)
    bad = wrapped[:-2] + ("A" if wrapped[-2] != "A" else "B") + wrapped[-1]
    for _ in range(2):
        with pytest.raises(CryptoError):
            unwrap_data_key(bad, binding, "member-a", 1, private)
    broken = "AQ" + wrapped[2:40]
    for _ in range(2):
        with pytest.raises(CryptoError):
            parse_wrap(broken)
    ref = RecordRef("agenda", "cases", "case-1")
    assert ref.binding("content", "shien") is ref.binding("content", "shien") == binding
    with pytest.raises(CryptoError):
        ref.binding("", "shien")
