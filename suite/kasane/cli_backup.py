"""``kasane backup create|verify|restore DIR``: the grammar and the console output."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def _create(args: argparse.Namespace) -> int:
    from kasane.operations.backup import create
    from kasane.operations.passphrase import read_passphrase
    from kasane_shared.settings import Settings

    settings = Settings()
    passphrase = read_passphrase(confirm=True)
    manifest = create(settings, Path(args.directory), passphrase)
    for service, entry in manifest["services"].items():
        print(
            f"{service}: {entry['file']} ({entry['bytes']} bytes, sha256 {entry['sha256'][:12]}…)"
        )
    provider = manifest["key_provider"]
    if provider["kind"] == "file":
        print("key: 鍵ファイルをパスフレーズで封印しました (key file sealed under the passphrase)")
    else:
        print(
            f"key: PKCS#11 トークン '{provider['token_label']}' の中にあり、バックアップには含み"
            f"ません (stays in the token; versions {provider['kek_versions']})"
        )
    print(f"バックアップを作成しました (backup written): {args.directory}")
    return 0


def _verify(args: argparse.Namespace) -> int:
    from kasane.operations.backup import verify
    from kasane.operations.passphrase import read_passphrase

    opened = verify(Path(args.directory), read_passphrase(confirm=False))
    for note in opened.notes:
        print(note)
    print(f"バックアップは正常です (backup verified): {args.directory}")
    return 0


def _restore(args: argparse.Namespace) -> int:
    from kasane.operations.passphrase import read_passphrase
    from kasane.operations.restore import restore
    from kasane_shared.settings import Settings

    settings = Settings()
    opened = restore(
        settings, Path(args.directory), read_passphrase(confirm=False), force=args.force
    )
    for note in opened.notes:
        print(note)
    print(f"復元しました (restored into {settings.data_dir.resolve()})")
    return 0


def register(commands: Any) -> None:
    """Add ``backup`` and its three commands to the ``kasane`` parser."""
    backup = commands.add_parser(
        "backup",
        help="バックアップと復元 (backup, restore; passphrase: KASANE_BACKUP_PASSPHRASE_FILE)",
    ).add_subparsers(dest="backup_command", required=True)
    create = backup.add_parser(
        "create", help="稼働中に一貫したバックアップを作成 (consistent online backup)"
    )
    create.add_argument("directory", help="新しい(空の)ディレクトリ (a new or empty directory)")
    create.set_defaults(func=_create)
    check = backup.add_parser("verify", help="復元せずに検証 (check without restoring)")
    check.add_argument("directory")
    check.set_defaults(func=_verify)
    back = backup.add_parser(
        "restore", help="復元し、移行と監査チェーンの検証を実行 (restore, migrate, verify)"
    )
    back.add_argument("directory")
    back.add_argument(
        "--force", action="store_true", help="空でないデータを上書き (overwrite a non-empty target)"
    )
    back.set_defaults(func=_restore)
