"""``kasane keys …``: rotate, retire and inspect the KEK; rotate the token-signing key."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def _identity() -> Iterator[tuple[Any, Any]]:
    """Identity's database session and the deployment's key provider, closed afterwards."""
    from kasane.operations.keyed import keyed_database
    from kasane_shared.key_provider import make_key_provider
    from kasane_shared.settings import Settings

    settings = Settings()
    kek = make_key_provider(settings)
    db = keyed_database(settings, "identity", kek)
    try:
        with db.session() as session:
            yield session, kek
    finally:
        db.dispose()
        close = getattr(kek, "close", None)
        if close is not None:
            close()  # a PKCS#11 session ends here, not at interpreter exit


def _rotate(args: argparse.Namespace) -> int:
    from identity.custody.rotation import rotate_kek

    with _identity() as (session, kek):
        version = rotate_kek(session, kek, None)
    print(
        f"鍵暗号化鍵を更新しました: 版 {version} "
        f"(KEK rotated to version {version}; everything re-sealed)"
    )
    return 0


def _retire(args: argparse.Namespace) -> int:
    from identity.custody.rotation import retire_kek

    with _identity() as (session, kek):
        retire_kek(session, kek, args.version, None)
    print(
        f"鍵暗号化鍵の版 {args.version} を廃止しました。この版で封印された古い複製は開けません "
        f"(KEK version {args.version} destroyed; older copies sealed under it no longer open)"
    )
    return 0


def _status(args: argparse.Namespace) -> int:
    from identity.custody.rotation import key_status

    with _identity() as (session, kek):
        print(json.dumps(key_status(session, kek).model_dump(), ensure_ascii=False))
    return 0


def _rotate_signing(args: argparse.Namespace) -> int:
    from identity.signing.service import rotate_signing_key

    with _identity() as (session, kek):
        key = rotate_signing_key(session, kek, None)
    print(
        f"トークン署名鍵を更新しました: {key.kid} (signing key rotated; the old one stays "
        "published until the tokens it signed expire; replicas pick the new one up within 30 s)"
    )
    return 0


def _version(text: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 1 << 32:
        raise argparse.ArgumentTypeError(f"版は正の整数で指定してください: {text}")
    return int(text)


def add_keys_commands(commands: Any) -> None:
    """The ``keys`` command group."""
    keys = commands.add_parser("keys", help="鍵管理 (keys)").add_subparsers(
        dest="keys_command", required=True
    )
    simple: list[tuple[str, str, Callable[[argparse.Namespace], int]]] = [
        ("rotate", "KEKを更新し秘密鍵を再封印 (rotate the KEK, re-seal private keys)", _rotate),
        ("status", "KEKの版と封印数 (KEK versions and what each seals)", _status),
        (
            "rotate-signing",
            "トークン署名鍵を更新 (rotate the token-signing key)",
            _rotate_signing,
        ),
    ]
    for name, help_text, func in simple:
        keys.add_parser(name, help=help_text).set_defaults(func=func)
    retire = keys.add_parser(
        "retire",
        help="使われなくなったKEKの版を破棄 (destroy a KEK version nothing is sealed under)",
    )
    retire.add_argument("version", type=_version)
    retire.set_defaults(func=_retire)
