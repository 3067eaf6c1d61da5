"""Member public keys: their text form round-trips, and anything else is refused."""

from __future__ import annotations

import pytest

from kasane_shared.crypto import (
    SUITE_MLKEM768_X25519,
    SUITE_X25519,
    CryptoError,
    decode_public_key,
    encode_public_key,
    generate_member_keypair,
    load_public_key,
    public_key_of,
)


@pytest.mark.parametrize("suite", [SUITE_MLKEM768_X25519, SUITE_X25519])
def test_public_key_text_round_trip(suite):
    priv, pub = generate_member_keypair(suite)
    text = encode_public_key(pub)
    assert text.startswith(suite + ":")
    assert decode_public_key(text) == pub
    assert public_key_of(priv) == pub
    assert load_public_key(text).suite.name == suite


@pytest.mark.parametrize(
    "text", ["", "x25519", "rsa:AAAA", "x25519:AAAA", "x25519:a:b", "mlkem768x25519:" + "A" * 43]
)
def test_bad_public_key_text_fails(text):
    with pytest.raises(CryptoError):
        decode_public_key(text)


def test_unknown_suite_is_refused():
    with pytest.raises(CryptoError) as err:
        generate_member_keypair("rsa2048")
    assert err.value.code == "unsupported_suite"
