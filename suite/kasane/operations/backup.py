"""``kasane backup create`` and ``kasane backup verify``.

A backup is a directory: one file per service database (a SQLite copy or a pg_dump), the
audit anchor file when there is one, and ``manifest.json`` with each file's SHA-256, each
database's Alembic revision and audit chain head, where the KEK lives, and the key file
sealed under the operator's passphrase.
The seal's associated data is the rest of the manifest, so a changed byte anywhere in the
manifest or in a file fails ``verify``.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kasane.operations import snapshot
from kasane.operations.errors import refused
from kasane.operations.inspect import facts, read_only, sqlite_facts
from kasane.operations.passphrase import open_sealed, seal
from kasane_shared.crypto.digests import sha256_chunks
from kasane_shared.db import Database
from kasane_shared.settings import Settings

FORMAT = "kasane-backup-v1"
MANIFEST = "manifest.json"
ANCHORS = "audit-anchors.jsonl"
# Referenced services last: a record never points at one that the later snapshot lacks
# (minutes names agenda items, both name identity's members and key versions), and the key
# file after identity, so every KEK version identity's snapshot names is in it.
ORDER = ("minutes", "agenda", "identity")


@dataclass
class Opened:
    """A verified backup: its manifest and what the passphrase opened."""

    directory: Path
    manifest: dict[str, Any]
    key_file: bytes | None
    notes: list[str] = field(default_factory=list)


def create(settings: Settings, directory: Path, passphrase: str) -> dict[str, Any]:
    """Write a consistent backup of every service database and the sealed key file."""
    if directory.exists() and any(directory.iterdir()):
        raise refused(
            "backup_dir_not_empty",
            f"バックアップ先が空ではありません: {directory}",
            f"The backup directory is not empty: {directory}",
        )
    if settings.key_provider == "file" and not settings.resolved_key_file.is_file():
        raise refused(
            "key_file_missing",
            f"鍵ファイルがありません: {settings.resolved_key_file}",
            f"No key file at {settings.resolved_key_file}",
        )
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(directory, 0o700)
    try:
        return _create(settings, directory, passphrase)
    except BaseException:
        # A half-written backup must not pass for one: take back what this run wrote.
        for path in directory.iterdir():
            path.unlink(missing_ok=True)
        raise


def _create(settings: Settings, directory: Path, passphrase: str) -> dict[str, Any]:
    # The anchors first: an anchor only ever names entries already committed, so every anchor
    # copied now names an entry the later snapshots hold, and ``audit verify`` passes on restore.
    anchors = _copy_anchors(settings, directory)
    services: dict[str, Any] = {}
    for service in ORDER:
        services[service] = _snapshot(settings, service, directory)
    provider: dict[str, Any] = {"kind": settings.key_provider}
    key_file: bytes | None = None
    if settings.key_provider == "file":
        key_file = settings.resolved_key_file.read_bytes()
    else:
        provider["token_label"] = settings.pkcs11_token_label
        provider["note"] = "KEK stays in the PKCS#11 token; it is not in this backup"
    provider["kek_versions"] = _kek_versions(settings, directory, services["identity"])
    manifest = {
        "format": FORMAT,
        "created_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "services": services,
        "key_provider": provider,
    }
    if anchors is not None:
        manifest["anchors"] = anchors
    payload = json.dumps(
        {"key_file": base64.b64encode(key_file).decode() if key_file else None}
    ).encode()
    manifest["sealed"] = seal(passphrase, payload, _body(manifest))
    _write_manifest(directory, manifest)
    return manifest


def _snapshot(settings: Settings, service: str, directory: Path) -> dict[str, Any]:
    url = settings.database_url(service)
    backend = snapshot.backend_of(url)
    if backend == "sqlite":
        name = f"{service}.db"
        snapshot.copy_sqlite(snapshot.sqlite_path(url), directory / name)
        recorded = sqlite_facts(directory / name, service).as_manifest()
    else:
        name = f"{service}.pgdump"
        snapshot.dump_postgres(url, directory / name)
        db = Database.from_url(url)
        try:
            with db.session() as session:
                recorded = {"alembic_revision": facts(session, service).revision}
        finally:
            db.dispose()
    return {"backend": backend, "file": name, **_checksum(directory / name), **recorded}


def _copy_anchors(settings: Settings, directory: Path) -> dict[str, Any] | None:
    source = settings.resolved_anchor_file
    if not source.is_file():
        return None
    target = directory / ANCHORS
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(source.read_bytes())
        fh.flush()
        os.fsync(fh.fileno())
    return {"file": ANCHORS, **_checksum(target)}


def _kek_versions(settings: Settings, directory: Path, identity: dict[str, Any]) -> list[int]:
    from identity.custody.kek_check import sealed_versions

    if identity["backend"] == "sqlite":
        with read_only(directory / identity["file"]) as session:
            return sealed_versions(session)
    db = Database.from_url(settings.database_url("identity"))
    try:
        with db.session() as session:
            return sealed_versions(session)
    finally:
        db.dispose()


def _checksum(path: Path) -> dict[str, Any]:
    with path.open("rb") as fh:
        digest = sha256_chunks(iter(lambda: fh.read(1 << 20), b""))
    return {"sha256": digest.hex(), "bytes": path.stat().st_size}


def _body(manifest: dict[str, Any]) -> bytes:
    rest = {k: v for k, v in manifest.items() if k != "sealed"}
    return json.dumps(rest, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def _write_manifest(directory: Path, manifest: dict[str, Any]) -> None:
    staging = directory / f".{MANIFEST}.tmp"
    fd = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(manifest, fh, ensure_ascii=False, indent=2, sort_keys=True)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(staging, directory / MANIFEST)


def damaged(what: str) -> Exception:
    """The backup does not match its manifest."""
    return refused(
        "backup_damaged",
        f"バックアップが壊れているか改変されています ({what})。",
        f"The backup is damaged or was altered ({what}).",
    )


def read_manifest(directory: Path) -> dict[str, Any]:
    """The manifest, checked for shape (not yet for authenticity)."""
    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise refused(
            "backup_missing",
            f"バックアップが見つかりません: {directory}",
            f"No backup at {directory}",
        ) from None
    except (OSError, ValueError):
        raise damaged(MANIFEST) from None
    ok = isinstance(manifest, dict) and manifest.get("format") == FORMAT
    services = manifest.get("services") if ok else None
    ok = ok and isinstance(services, dict) and set(services) == set(ORDER)
    ok = ok and all(
        isinstance(s, dict)
        and s.get("file") == f"{n}.{'db' if s.get('backend') == 'sqlite' else 'pgdump'}"
        for n, s in services.items()
    )
    anchors = manifest.get("anchors") if ok else None
    ok = ok and (anchors is None or (isinstance(anchors, dict) and anchors.get("file") == ANCHORS))
    if not ok:
        raise damaged(MANIFEST)
    return manifest


def open_backup(directory: Path, passphrase: str, *, inspect: bool = True) -> Opened:
    """Check every file's checksum, open the sealed key file, and look into the databases."""
    manifest = read_manifest(directory)
    files = [*manifest["services"].values(), *filter(None, [manifest.get("anchors")])]
    listed = {MANIFEST} | {entry["file"] for entry in files}
    extra = sorted(p.name for p in directory.iterdir() if p.name not in listed)
    if extra:
        raise damaged(f"unexpected {', '.join(extra)}")
    for entry in files:
        path = directory / entry["file"]
        if not path.is_file() or _checksum(path) != {
            "sha256": entry.get("sha256"),
            "bytes": entry.get("bytes"),
        }:
            raise damaged(entry["file"])
    payload = open_sealed(passphrase, manifest.get("sealed"), _body(manifest))
    try:
        sealed = json.loads(payload)
        key_file = base64.b64decode(sealed["key_file"]) if sealed["key_file"] else None
    except (ValueError, KeyError, TypeError):
        raise damaged("sealed key") from None
    if (key_file is None) != (manifest["key_provider"].get("kind") == "pkcs11"):
        raise damaged("key provider")
    opened = Opened(directory, manifest, key_file)
    if inspect:
        _inspect(opened)
    return opened


def _inspect(opened: Opened) -> None:
    for service, entry in opened.manifest["services"].items():
        path = opened.directory / entry["file"]
        if entry["backend"] == "postgresql":
            snapshot.list_postgres_dump(path)
            opened.notes.append(f"{service}: pg_dump OK")
            continue
        found = sqlite_facts(path, service)
        if not found.chain_ok:
            raise damaged(f"{service} audit chain at {found.broken_at}")
        if found.as_manifest() != {k: entry.get(k) for k in found.as_manifest()}:
            raise damaged(f"{service} revision or audit head")
        opened.notes.append(f"{service}: OK ({found.audit_entries} audit entries)")


def check_key_opens(opened: Opened, provider: Any) -> None:
    """Every sealed value of the backed-up identity database opens with ``provider``."""
    from identity.custody.kek_check import check_kek

    entry = opened.manifest["services"]["identity"]
    if entry["backend"] != "sqlite":
        return  # checked after pg_restore, on the restored database
    with read_only(opened.directory / entry["file"]) as session:
        result = check_kek(session, provider)
    if not result.ok:
        raise refused(
            "kek_mismatch",
            f"鍵が identity の封印値を開けません: {result.failed}。何も書き込んでいません。",
            f"The key does not open identity's sealed values: {result.failed}. Nothing written.",
        )
    opened.notes.append(f"key: opens all {result.opened} sealed values")


def key_file_provider(key_file: bytes, scratch: Path) -> Any:
    """A file KEK provider over the backed-up key file (in a private scratch directory)."""
    from kasane_shared.crypto.kek import FileKeyProvider

    path = scratch / "kek.json"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(key_file)
    return FileKeyProvider(path)


def verify(directory: Path, passphrase: str) -> Opened:
    """Everything restore checks before writing, without writing anything."""
    opened = open_backup(directory, passphrase)
    if opened.key_file is not None:
        scratch = Path(tempfile.mkdtemp(prefix="kasane-verify-"))
        try:
            check_key_opens(opened, key_file_provider(opened.key_file, scratch))
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    else:
        label = opened.manifest["key_provider"].get("token_label")
        opened.notes.append(
            f"key: in PKCS#11 token '{label}' (versions "
            f"{opened.manifest['key_provider']['kek_versions']}); restore checks the token"
        )
    return opened
