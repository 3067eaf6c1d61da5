"""``kasane backup restore``: check everything first, then write, migrate and verify.

Nothing is written until the checksums match, the passphrase opens the sealed key file,
the key (or the PKCS#11 token) opens identity's sealed values and the target is empty
(or ``--force``). Then the databases and the key file are put in place, the migrations
run, and every audit chain and every sealed value is checked on the restored system.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from sqlalchemy import inspect as sql_inspect

from kasane.operations import snapshot
from kasane.operations.backup import (
    ANCHORS,
    ORDER,
    Opened,
    check_key_opens,
    key_file_provider,
    open_backup,
)
from kasane.operations.errors import refused
from kasane.operations.inspect import facts
from kasane_shared.db import Database, make_engine, upgrade_database
from kasane_shared.settings import Settings


def restore(settings: Settings, directory: Path, passphrase: str, *, force: bool) -> Opened:
    """Restore the backup at ``directory`` into the configured data directory and databases."""
    opened = open_backup(directory, passphrase)
    _check_target(settings, opened, force)
    scratch = Path(tempfile.mkdtemp(prefix="kasane-restore-"))
    try:
        provider = _provider(settings, opened, scratch)
        check_key_opens(opened, provider)
        _write(settings, opened)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    _after(settings, opened)
    return opened


def _provider(settings: Settings, opened: Opened, scratch: Path) -> object:
    if opened.key_file is not None:
        from kasane_shared.crypto.kek import FileKeyProvider
        from kasane_shared.key_provider import check_key_placement

        # The server refuses a key file inside the data directory outside demo mode:
        # refuse before writing one there.
        check_key_placement(settings, FileKeyProvider(settings.resolved_key_file))
        return key_file_provider(opened.key_file, scratch)
    if settings.key_provider != "pkcs11":
        raise refused(
            "provider_mismatch",
            "このバックアップの鍵は PKCS#11 トークンにあります。KASANE_KEY_PROVIDER=pkcs11 で"
            "復元してください。",
            "This backup's key lives in a PKCS#11 token: restore with KASANE_KEY_PROVIDER=pkcs11.",
        )
    from identity.app import make_key_provider

    provider = make_key_provider(settings)
    wanted = opened.manifest["key_provider"].get("kek_versions", [])
    held = set(provider.versions())
    missing = [v for v in wanted if v not in held]
    if missing:
        raise refused(
            "kek_missing",
            f"トークンに鍵暗号化鍵の版 {missing} がありません。何も書き込んでいません。",
            f"The token lacks KEK versions {missing}. Nothing was written.",
        )
    return provider


def _check_target(settings: Settings, opened: Opened, force: bool) -> None:
    if force:
        return
    occupied: list[str] = []
    data_dir = settings.data_dir
    if data_dir.exists() and any(data_dir.iterdir()):
        occupied.append(str(data_dir))
    if opened.key_file is not None and settings.resolved_key_file.exists():
        occupied.append(str(settings.resolved_key_file))
    for service in ORDER:
        url = settings.database_url(service)
        if snapshot.backend_of(url) == "postgresql" and _has_tables(url):
            occupied.append(f"{service} database")
    if occupied:
        raise refused(
            "restore_target_not_empty",
            f"復元先が空ではありません ({', '.join(occupied)})。上書きするには --force を"
            "付けてください。何も書き込んでいません。",
            f"The restore target is not empty ({', '.join(occupied)}); use --force to "
            "overwrite. Nothing was written.",
        )


def _has_tables(url: str) -> bool:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return bool(sql_inspect(conn).get_table_names())
    finally:
        engine.dispose()


def _write(settings: Settings, opened: Opened) -> None:
    settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    for service in ORDER:
        entry = opened.manifest["services"][service]
        source = opened.directory / entry["file"]
        url = settings.database_url(service)
        if snapshot.backend_of(url) != entry["backend"]:
            raise refused(
                "backend_mismatch",
                f"{service}: バックアップは {entry['backend']} ですが、設定は別の種類です。",
                f"{service}: the backup is {entry['backend']}, the settings name another kind.",
            )
        if entry["backend"] == "sqlite":
            snapshot.place_sqlite(source, snapshot.sqlite_path(url))
        else:
            snapshot.restore_postgres(url, source)
    if opened.key_file is not None:
        _place_key_file(settings.resolved_key_file, opened.key_file)
    _place_anchors(settings, opened)


def _place_anchors(settings: Settings, opened: Opened) -> None:
    """The backed-up anchor file, unless one is already there (anchors are only ever added)."""
    if "anchors" not in opened.manifest:
        return
    target = settings.resolved_anchor_file
    if target.exists():
        opened.notes.append(f"anchors: kept the existing {target}")
        return
    _place_key_file(target, (opened.directory / ANCHORS).read_bytes())


def _place_key_file(path: Path, content: bytes) -> None:
    """Write a private file (0600) atomically."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    staging = path.with_name(f".{path.name}.restoring")
    fd = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(content)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(staging, path)


def _after(settings: Settings, opened: Opened) -> None:
    """Migrations to head, then every audit chain and every sealed value, on the live copy."""
    from identity.app import make_key_provider
    from identity.custody.kek_check import check_kek

    opened.notes.clear()
    broken = []
    for service in ORDER:
        url = settings.database_url(service)
        upgrade_database(f"{service}:migrations", url)
        db = Database.from_url(url)
        try:
            with db.session() as session:
                found = facts(session, service)
                if service == "identity":
                    kek = check_kek(session, make_key_provider(settings))
        finally:
            db.dispose()
        if not found.chain_ok:
            broken.append(f"{service} at seq {found.broken_at}")
        opened.notes.append(
            f"{service}: 復元しました (restored), audit chain "
            f"{'OK' if found.chain_ok else 'BROKEN'} ({found.audit_entries} entries)"
        )
    opened.notes.append(
        f"key: opens {kek.opened} sealed values" + (f", FAILED {kek.failed}" if kek.failed else "")
    )
    if broken or not kek.ok:
        raise refused(
            "restored_but_unsound",
            f"復元しましたが検証に失敗しました: {', '.join(broken) or kek.failed}",
            f"Restored, but verification failed: {', '.join(broken) or kek.failed}",
        )
