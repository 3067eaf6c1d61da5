"""Consistent copies of one service's database: SQLite's online backup API, or pg_dump.

Both read one snapshot while the server keeps writing: SQLite's backup copies every page
in one step under a read transaction (WAL lets writers go on), pg_dump runs in one
repeatable-read transaction.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import make_url

from kasane.operations.errors import refused


def backend_of(url: str) -> str:
    """``sqlite`` or ``postgresql``."""
    name = make_url(url).get_backend_name()
    if name not in ("sqlite", "postgresql"):
        raise refused(
            "backend_unsupported", f"未対応のデータベースです: {name}", f"Unsupported: {name}"
        )
    return name


def sqlite_path(url: str) -> Path:
    """The file of a SQLite URL."""
    return Path(make_url(url).database or "")


def copy_sqlite(source: Path, target: Path) -> None:
    """Copy a live SQLite database with the online backup API (one consistent snapshot)."""
    if not source.exists():
        raise refused(
            "database_missing",
            f"データベースがありません: {source.name}",
            f"Database missing: {source.name}",
        )
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    os.close(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    dst = sqlite3.connect(target)
    try:
        src.execute("PRAGMA busy_timeout=30000")
        src.backup(dst)  # pages=-1: every page in one step, one read snapshot
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    finally:
        dst.close()
        src.close()
    _fsync(target)


def place_sqlite(source: Path, target: Path) -> None:
    """Put a backed-up database file in place of ``target`` (its old WAL and SHM removed)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.restoring")
    shutil.copyfile(source, staging)
    os.chmod(staging, 0o600)
    _fsync(staging)
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    os.replace(staging, target)


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """A libpq connection string without the password, and the environment that carries it."""
    parsed = make_url(url)
    env = {**os.environ}
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(tool: str, args: list[str], env: dict[str, str]) -> None:
    if shutil.which(tool) is None:
        raise refused(
            "tool_missing",
            f"{tool} が見つかりません (PostgreSQL のクライアントを入れてください)。",
            f"{tool} not found: install the PostgreSQL client tools.",
        )
    done = subprocess.run([tool, *args], env=env, capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        # pg's messages name objects, not row content; keep only the first line.
        first = (done.stderr.strip().splitlines() or ["?"])[0][:300]
        raise refused(
            "pg_tool_failed", f"{tool} が失敗しました: {first}", f"{tool} failed: {first}"
        )


def dump_postgres(url: str, target: Path) -> None:
    """``pg_dump`` of one service database in the custom format."""
    dsn, env = _libpq(url)
    _run(
        "pg_dump",
        ["--format=custom", "--no-owner", "--no-privileges", f"--file={target}", dsn],
        env,
    )
    _fsync(target)


def restore_postgres(url: str, source: Path) -> None:
    """``pg_restore`` into one service database, replacing what it holds, in one transaction."""
    dsn, env = _libpq(url)
    args = ["--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction"]
    _run("pg_restore", [*args, f"--dbname={dsn}", str(source)], env)


def list_postgres_dump(source: Path) -> None:
    """``pg_restore --list``: the dump parses (verify without a server)."""
    _run("pg_restore", ["--list", str(source)], {**os.environ})


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
