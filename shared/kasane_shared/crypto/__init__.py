"""Kasane field encryption and key custody: storage-agnostic, bytes in and bytes out.

- Envelope: `new_data_key`, `Binding`, `seal_field`/`open_field`, `wrap_data_key`/
  `unwrap_data_key`, `parse_wrap_header`/`parse_wrap` (see `envelope` for the formats).
- Member keys: `generate_member_keypair`, `seal_private_key`/`open_private_key`,
  `encode_public_key`/`decode_public_key` (see `members`).
- KEK providers: `KeyProvider`, `FileKeyProvider`, `Pkcs11KeyProvider`, `reseal` (see `kek`).
- Errors: `CryptoError` (and `KeyProviderError`, `KeyFileError`), Japanese and English.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .encoding import from_text, to_text
from .envelope import (
    Binding,
    DataKey,
    ParsedWrap,
    Recipient,
    WrapHeader,
    new_data_key,
    open_field,
    parse_wrap,
    parse_wrap_header,
    seal_field,
    seal_field_bytes,
    unwrap_data_key,
    wrap_data_key,
)
from .errors import CryptoError, KeyFileError, KeyProviderError
from .kek import FileKeyProvider, KeyProvider, reseal, sealed_kek_version
from .members import (
    DEFAULT_SUITE,
    SUITE_MLKEM768_X25519,
    SUITE_X25519,
    MemberPrivateKey,
    MemberPublicKey,
    decode_public_key,
    encode_public_key,
    generate_member_keypair,
    load_private_key,
    load_public_key,
    open_private_key,
    public_key_of,
    reseal_private_key,
    seal_private_key,
)

if TYPE_CHECKING:
    from .kek_pkcs11 import Pkcs11KeyProvider


def __getattr__(name: str) -> Any:
    # python-pkcs11 is only needed by deployments that use a token; import it on demand.
    if name == "Pkcs11KeyProvider":
        from .kek_pkcs11 import Pkcs11KeyProvider

        return Pkcs11KeyProvider
    raise AttributeError(name)


__all__ = [
    "DEFAULT_SUITE",
    "SUITE_MLKEM768_X25519",
    "SUITE_X25519",
    "Binding",
    "CryptoError",
    "DataKey",
    "ParsedWrap",
    "FileKeyProvider",
    "KeyFileError",
    "KeyProvider",
    "KeyProviderError",
    "MemberPrivateKey",
    "MemberPublicKey",
    "Pkcs11KeyProvider",
    "Recipient",
    "WrapHeader",
    "decode_public_key",
    "encode_public_key",
    "from_text",
    "generate_member_keypair",
    "load_private_key",
    "load_public_key",
    "new_data_key",
    "open_field",
    "open_private_key",
    "parse_wrap",
    "parse_wrap_header",
    "public_key_of",
    "reseal",
    "reseal_private_key",
    "seal_field",
    "seal_field_bytes",
    "seal_private_key",
    "sealed_kek_version",
    "to_text",
    "unwrap_data_key",
    "wrap_data_key",
]
