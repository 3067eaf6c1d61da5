"""Envelope encryption: sealed fields and HPKE-wrapped data keys, proven by trying to break them."""

from __future__ import annotations

import dataclasses
import struct

import pytest

from kasane_shared.crypto import (
    SUITE_MLKEM768_X25519,
    SUITE_X25519,
    Binding,
    CryptoError,
    DataKey,
    Recipient,
    from_text,
    generate_member_keypair,
    new_data_key,
    open_field,
    parse_wrap_header,
    seal_field,
    seal_field_bytes,
    to_text,
    unwrap_data_key,
    wrap_data_key,
)
from kasane_shared.crypto import envelope

BINDING = Binding("minutes", "minute_items", "item-17", "consent", "jusou")
FIELD, VERSION = "discussion", 3
TEXT = "世帯の支援方針を確認した。税情報は別区分。"


@pytest.fixture(scope="module")
def hybrid_pair():
    return generate_member_keypair(SUITE_MLKEM768_X25519)


@pytest.fixture(scope="module")
def legacy_pair():
    return generate_member_keypair(SUITE_X25519)


@pytest.fixture(scope="module")
def data_key():
    return new_data_key()


def flipped(data: bytes, bit: int) -> bytes:
    out = bytearray(data)
    out[bit // 8] ^= 1 << (bit % 8)
    return bytes(out)


# --- sealed fields -------------------------------------------------------------------------


def test_field_round_trip_text_and_bytes(data_key):
    sealed = seal_field(data_key, BINDING, FIELD, VERSION, TEXT)
    assert isinstance(sealed, str)
    assert open_field(data_key, BINDING, FIELD, VERSION, sealed).decode() == TEXT
    raw = seal_field_bytes(data_key, BINDING, FIELD, VERSION, b"\x00\xffbinary")
    assert open_field(data_key, BINDING, FIELD, VERSION, raw) == b"\x00\xffbinary"
    assert open_field(data_key, BINDING, FIELD, VERSION, to_text(raw)) == b"\x00\xffbinary"
    empty = seal_field(data_key, BINDING, FIELD, VERSION, "")
    assert open_field(data_key, BINDING, FIELD, VERSION, empty) == b""


def test_field_format_is_versioned_and_nonce_is_fresh(data_key):
    a = from_text(seal_field(data_key, BINDING, FIELD, VERSION, TEXT))
    b = from_text(seal_field(data_key, BINDING, FIELD, VERSION, TEXT))
    assert a[0] == 0x01
    assert a[1:33] == data_key.commitment(BINDING)
    assert a[33:45] != b[33:45]
    assert len(a) == 1 + 32 + 12 + len(TEXT.encode()) + 16


def test_every_bit_flip_in_a_sealed_field_fails(data_key):
    raw = seal_field_bytes(data_key, BINDING, FIELD, VERSION, TEXT)
    for bit in range(len(raw) * 8):
        with pytest.raises(CryptoError):
            open_field(data_key, BINDING, FIELD, VERSION, flipped(raw, bit))


def test_every_character_change_in_field_text_fails(data_key):
    text = seal_field(data_key, BINDING, FIELD, VERSION, TEXT)
    for i, ch in enumerate(text):
        for other in {"A", "B", "_", "-"} - {ch}:
            with pytest.raises(CryptoError):
                open_field(data_key, BINDING, FIELD, VERSION, text[:i] + other + text[i + 1 :])


def test_truncated_or_extended_field_fails(data_key):
    raw = seal_field_bytes(data_key, BINDING, FIELD, VERSION, TEXT)
    for n in range(len(raw)):
        with pytest.raises(CryptoError):
            open_field(data_key, BINDING, FIELD, VERSION, raw[:n])
    with pytest.raises(CryptoError):
        open_field(data_key, BINDING, FIELD, VERSION, raw + b"\x00")
    for junk in ("", "!!", "abc=", " " + to_text(raw), to_text(raw) + "\n", "a"):
        with pytest.raises(CryptoError):
            open_field(data_key, BINDING, FIELD, VERSION, junk)


@pytest.mark.parametrize(
    "moved",
    [
        {"service": "agenda"},
        {"table": "cases"},
        {"record_id": "item-18"},
        {"audience": "general"},
        {"conference_kind": "shien"},
    ],
)
def test_field_moved_to_another_binding_fails(data_key, moved):
    sealed = seal_field(data_key, BINDING, FIELD, VERSION, TEXT)
    with pytest.raises(CryptoError):
        open_field(data_key, dataclasses.replace(BINDING, **moved), FIELD, VERSION, sealed)


def test_field_moved_to_another_field_or_version_fails(data_key):
    sealed = seal_field(data_key, BINDING, FIELD, VERSION, TEXT)
    with pytest.raises(CryptoError):
        open_field(data_key, BINDING, "decisions", VERSION, sealed)
    for version in (VERSION - 1, VERSION + 1, VERSION + 2**32):
        with pytest.raises(CryptoError):
            open_field(data_key, BINDING, FIELD, version, sealed)


def test_another_data_key_is_stopped_by_the_commitment(data_key):
    sealed = seal_field(data_key, BINDING, FIELD, VERSION, TEXT)
    with pytest.raises(CryptoError) as err:
        open_field(new_data_key(), BINDING, FIELD, VERSION, sealed)
    # Rejected before AES-GCM runs: even a ciphertext crafted to pass GCM under two keys
    # (AES-GCM is not key-committing) cannot open under a key it is not committed to.
    assert err.value.detail == "field commitment"


def test_swapping_in_another_keys_commitment_fails(data_key):
    other = new_data_key()
    raw = bytearray(seal_field_bytes(data_key, BINDING, FIELD, VERSION, TEXT))
    raw[1:33] = other.commitment(BINDING)
    for key in (data_key, other):
        with pytest.raises(CryptoError):
            open_field(key, BINDING, FIELD, VERSION, bytes(raw))


def test_unknown_field_format_version_fails(data_key):
    raw = bytearray(seal_field_bytes(data_key, BINDING, FIELD, VERSION, TEXT))
    raw[0] = 0x02
    with pytest.raises(CryptoError) as err:
        open_field(data_key, BINDING, FIELD, VERSION, bytes(raw))
    assert err.value.code == "unsupported_format"


@pytest.mark.parametrize("bad", ["", None, 7, "x" * 2000, "\udc80"])
def test_invalid_binding_or_field_names_are_refused(data_key, bad):
    with pytest.raises(CryptoError):
        Binding("minutes", "minute_items", bad, "consent", "jusou")
    with pytest.raises(CryptoError):
        seal_field(data_key, BINDING, bad, VERSION, TEXT)


@pytest.mark.parametrize("bad", [-1, 2**64, True, 1.0, "1"])
def test_invalid_versions_are_refused(data_key, bad):
    with pytest.raises(CryptoError):
        seal_field(data_key, BINDING, FIELD, bad, TEXT)


def test_invalid_plaintext_and_data_key_are_refused(data_key):
    with pytest.raises(CryptoError):
        seal_field(data_key, BINDING, FIELD, VERSION, 12)
    with pytest.raises(CryptoError):
        DataKey(b"short")


def test_data_key_is_never_printed(data_key):
    assert data_key.to_bytes().hex() not in repr(data_key)
    assert "secret" in repr(data_key)
    assert DataKey(data_key.to_bytes()) == data_key
    assert new_data_key() != data_key


# --- wrapped data keys ---------------------------------------------------------------------


def test_wrap_round_trip_hybrid(data_key, hybrid_pair):
    priv, pub = hybrid_pair
    wrapped = wrap_data_key(data_key, BINDING, Recipient("member-a", 2, pub))
    assert unwrap_data_key(wrapped, BINDING, "member-a", 2, priv) == data_key
    header = parse_wrap_header(wrapped)
    assert (header.member_id, header.key_version, header.suite) == ("member-a", 2, "mlkem768x25519")
    assert header.binding == BINDING and header.conference_kind == "jusou"
    assert header.commitment == data_key.commitment(BINDING)


def test_legacy_x25519_key_still_unwraps(data_key, legacy_pair):
    priv, pub = legacy_pair
    wrapped = wrap_data_key(data_key, BINDING, Recipient("member-old", 1, pub))
    assert parse_wrap_header(wrapped).suite == "x25519"
    key = unwrap_data_key(wrapped, BINDING, "member-old", 1, priv)
    assert open_field(
        key, BINDING, FIELD, VERSION, seal_field(data_key, BINDING, FIELD, VERSION, TEXT)
    )


def test_every_bit_flip_in_a_legacy_wrap_fails(data_key, legacy_pair):
    priv, pub = legacy_pair
    raw = from_text(wrap_data_key(data_key, BINDING, Recipient("m", 1, pub)))
    for bit in range(len(raw) * 8):
        with pytest.raises(CryptoError):
            unwrap_data_key(flipped(raw, bit), BINDING, "m", 1, priv)


def test_every_byte_changed_in_a_hybrid_wrap_fails(data_key, hybrid_pair):
    priv, pub = hybrid_pair
    raw = from_text(wrap_data_key(data_key, BINDING, Recipient("m", 1, pub)))
    for i in range(len(raw)):
        for mask in (0x01, 0x80):
            tampered = bytearray(raw)
            tampered[i] ^= mask
            with pytest.raises(CryptoError):
                unwrap_data_key(bytes(tampered), BINDING, "m", 1, priv)


def test_every_bit_flip_in_the_hybrid_wrap_header_fails(data_key, hybrid_pair):
    priv, pub = hybrid_pair
    raw = from_text(wrap_data_key(data_key, BINDING, Recipient("m", 1, pub)))
    header_len = struct.unpack(">H", raw[2:4])[0]
    for bit in range((4 + header_len + 40) * 8):  # header plus the start of the HPKE output
        with pytest.raises(CryptoError):
            unwrap_data_key(flipped(raw, bit), BINDING, "m", 1, priv)


def test_truncated_wrap_fails(data_key, legacy_pair):
    priv, pub = legacy_pair
    raw = from_text(wrap_data_key(data_key, BINDING, Recipient("m", 1, pub)))
    for n in range(len(raw)):
        with pytest.raises(CryptoError):
            unwrap_data_key(raw[:n], BINDING, "m", 1, priv)
    with pytest.raises(CryptoError):
        unwrap_data_key(raw + b"\x00", BINDING, "m", 1, priv)


def test_wrap_for_member_a_presented_as_member_b_fails(data_key):
    priv_a, pub_a = generate_member_keypair()
    priv_b, _ = generate_member_keypair()
    wrapped = wrap_data_key(data_key, BINDING, Recipient("member-a", 1, pub_a))
    with pytest.raises(CryptoError) as err:
        unwrap_data_key(wrapped, BINDING, "member-b", 1, priv_b)
    assert err.value.code == "recipient_mismatch"
    with pytest.raises(CryptoError):
        unwrap_data_key(wrapped, BINDING, "member-b", 1, priv_a)
    # Even when the caller claims to be A, B's private key cannot open it.
    with pytest.raises(CryptoError):
        unwrap_data_key(wrapped, BINDING, "member-a", 1, priv_b)


def test_wrap_with_another_key_version_fails(data_key, hybrid_pair):
    priv, pub = hybrid_pair
    wrapped = wrap_data_key(data_key, BINDING, Recipient("member-a", 1, pub))
    for version in (0, 2):
        with pytest.raises(CryptoError) as err:
            unwrap_data_key(wrapped, BINDING, "member-a", version, priv)
        assert err.value.code == "recipient_mismatch"


def test_wrong_suite_private_key_fails(data_key, hybrid_pair, legacy_pair):
    wrapped = wrap_data_key(data_key, BINDING, Recipient("m", 1, hybrid_pair[1]))
    with pytest.raises(CryptoError):
        unwrap_data_key(wrapped, BINDING, "m", 1, legacy_pair[0])


@pytest.mark.parametrize(
    "moved",
    [
        {"service": "agenda"},
        {"table": "cases"},
        {"record_id": "item-18"},
        {"audience": "tax"},
        {"conference_kind": "shien"},
    ],
)
def test_wrap_with_another_expected_binding_fails(data_key, hybrid_pair, moved):
    priv, pub = hybrid_pair
    wrapped = wrap_data_key(data_key, BINDING, Recipient("m", 1, pub))
    with pytest.raises(CryptoError) as err:
        unwrap_data_key(wrapped, dataclasses.replace(BINDING, **moved), "m", 1, priv)
    assert err.value.code == "binding_mismatch"


def _rebuilt(raw: bytes, **changes) -> bytes:
    """Re-encode a wrap with a well-formed but altered header, keeping the HPKE output."""
    header = parse_wrap_header(raw)
    binding = changes.pop("binding", header.binding)
    member_id = changes.pop("member_id", header.member_id)
    key_version = changes.pop("key_version", header.key_version)
    commitment = changes.pop("commitment", header.commitment)
    prefix = envelope._wrap_prefix(raw[1], member_id, key_version, binding, commitment)
    old_len = 4 + struct.unpack(">H", raw[2:4])[0]
    return prefix + raw[old_len:]


@pytest.mark.parametrize("suite", [SUITE_MLKEM768_X25519, SUITE_X25519])
def test_rewritten_headers_are_caught_by_hpke_info(data_key, suite):
    priv, pub = generate_member_keypair(suite)
    raw = from_text(wrap_data_key(data_key, BINDING, Recipient("member-a", 1, pub)))
    other = dataclasses.replace(BINDING, conference_kind="shien")
    for changes, expect in (
        ({"member_id": "member-b"}, ("member-b", 1, BINDING)),
        ({"key_version": 9}, ("member-a", 9, BINDING)),
        ({"binding": other}, ("member-a", 1, other)),
        ({"commitment": new_data_key().commitment(BINDING)}, ("member-a", 1, BINDING)),
    ):
        forged = _rebuilt(raw, **changes)
        # The header parses and passes the cheap checks, so only HPKE's info can stop it.
        with pytest.raises(CryptoError) as err:
            unwrap_data_key(forged, expect[2], expect[0], expect[1], priv)
        assert err.value.code == "open_failed"


def test_wrap_whose_key_does_not_match_its_commitment_fails(data_key, hybrid_pair):
    # A malicious writer hands member B a different data key under A's commitment, hoping
    # one ciphertext opens to different plaintexts for A and B.
    priv, pub = hybrid_pair
    recipient = Recipient("member-b", 1, pub)
    other = new_data_key()
    prefix = envelope._wrap_prefix(
        recipient.public_key.suite.suite_id, "member-b", 1, BINDING, data_key.commitment(BINDING)
    )
    sealed = recipient.public_key.suite.hpke.encrypt(
        other.to_bytes(), recipient.public_key.key, info=envelope._WRAP_LABEL + prefix
    )
    with pytest.raises(CryptoError) as err:
        unwrap_data_key(prefix + sealed, BINDING, "member-b", 1, priv)
    assert err.value.code == "commitment_mismatch"


def test_two_data_keys_cannot_both_open_one_ciphertext(hybrid_pair):
    priv, pub = hybrid_pair
    k1, k2 = new_data_key(), new_data_key()
    sealed = seal_field(k1, BINDING, FIELD, VERSION, TEXT)
    w1 = wrap_data_key(k1, BINDING, Recipient("a", 1, pub))
    w2 = wrap_data_key(k2, BINDING, Recipient("b", 1, pub))
    opened = unwrap_data_key(w1, BINDING, "a", 1, priv)
    assert open_field(opened, BINDING, FIELD, VERSION, sealed).decode() == TEXT
    with pytest.raises(CryptoError):
        open_field(unwrap_data_key(w2, BINDING, "b", 1, priv), BINDING, FIELD, VERSION, sealed)
    assert parse_wrap_header(w1).commitment != parse_wrap_header(w2).commitment


def test_unknown_wrap_format_or_suite_fails(data_key, legacy_pair):
    priv, pub = legacy_pair
    raw = bytearray(from_text(wrap_data_key(data_key, BINDING, Recipient("m", 1, pub))))
    for index, value, code in ((0, 0x02, "unsupported_format"), (1, 0x7F, "unsupported_suite")):
        tampered = bytearray(raw)
        tampered[index] = value
        with pytest.raises(CryptoError) as err:
            parse_wrap_header(bytes(tampered))
        assert err.value.code == code


def test_errors_speak_japanese_first_then_english(data_key):
    with pytest.raises(CryptoError) as err:
        open_field(
            new_data_key(),
            BINDING,
            FIELD,
            VERSION,
            seal_field(data_key, BINDING, FIELD, VERSION, "x"),
        )
    message = str(err.value)
    assert message.index("復号") < message.index("could not be opened")
    assert err.value.ja and err.value.en and err.value.code == "open_failed"
