"""`kasane backup create|verify|restore` on a real server's data directory, under writes."""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import KASANE, running_suite

# These run a real server on a SQLite data directory whatever the backend: once is enough.
SQLITE_PASS_ONLY = pytest.mark.skipif(
    os.environ.get("KASANE_TEST_BACKEND") == "postgres",
    reason="SQLite data directory: runs in the SQLite pass",
)
PASSPHRASE = "operator passphrase for backups"
MEMBERS = [
    "demo-coordinator",
    "demo-member-1",
    "demo-member-2",
    "demo-member-3",
    "demo-member-4",
]


def kasane(args: list[str], data_dir: Path, passphrase_file: Path | None, **env: str):
    environment = {**os.environ, "KASANE_DATA_DIR": str(data_dir), "KASANE_DEMO": "true", **env}
    environment.pop("KASANE_BACKUP_PASSPHRASE_FILE", None)
    if passphrase_file is not None:
        environment["KASANE_BACKUP_PASSPHRASE_FILE"] = str(passphrase_file)
    return subprocess.run(
        [*KASANE, *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
        stdin=subprocess.DEVNULL,
    )


def _headers(client: httpx.Client, login: str) -> dict[str, str]:
    response = client.post("/identity/session", json={"login": login, "password": "demo-password"})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def member_views(base: str) -> dict[tuple[str, str, str], tuple[int, bytes]]:
    """Every member's agenda view and minutes of every meeting, as raw response bytes."""
    views = {}
    with httpx.Client(base_url=base, timeout=120) as client:
        coordinator = _headers(client, "demo-coordinator")
        meetings = client.get("/agenda/meetings", headers=coordinator).json()
        assert meetings
        for login in MEMBERS:
            headers = _headers(client, login)
            for meeting in meetings:
                for kind, path in (
                    ("agenda", f"/agenda/meetings/{meeting['id']}/agenda"),
                    ("minutes", f"/minutes/meetings/{meeting['id']}/minutes"),
                ):
                    response = client.get(path, headers=headers)
                    views[(login, meeting["id"], kind)] = (response.status_code, response.content)
    assert any(s == 200 and k[2] == "minutes" for k, (s, _) in views.items())
    return views


def case_views(base: str) -> dict[str, bytes]:
    """The coordinator's view of every case, every page of the list followed."""
    with httpx.Client(base_url=base, timeout=120) as client:
        headers = _headers(client, "demo-coordinator")
        cases, url = [], "/agenda/cases?limit=200"
        while url:
            response = client.get(url, headers=headers)
            cases += response.json()
            url = response.links.get("next", {}).get("url")
        return {
            c["id"]: client.get(f"/agenda/cases/{c['id']}", headers=headers).content for c in cases
        }


@pytest.fixture
def cli(monkeypatch, capsys):
    """The kasane command in this process (no interpreter start-up per call)."""
    from kasane.cli import main

    def run(args: list[str], data_dir: Path, passphrase_file: Path | None, demo: bool = True):
        monkeypatch.setenv("KASANE_DATA_DIR", str(data_dir))
        # Demo data: its key file may sit beside it (outside demo mode it may not).
        monkeypatch.setenv("KASANE_DEMO", "true" if demo else "false")
        if passphrase_file is None:
            monkeypatch.delenv("KASANE_BACKUP_PASSPHRASE_FILE", raising=False)
        else:
            monkeypatch.setenv("KASANE_BACKUP_PASSPHRASE_FILE", str(passphrase_file))
        code = main(args)
        out = capsys.readouterr()
        return subprocess.CompletedProcess(args, code, out.out, out.err)

    return run


class Writer(threading.Thread):
    """Creates cases as the coordinator until stopped."""

    def __init__(self, base: str) -> None:
        super().__init__(daemon=True)
        self.base, self.stop, self.written = base, threading.Event(), 0

    def run(self) -> None:
        with httpx.Client(base_url=self.base, timeout=120) as client:
            headers = _headers(client, "demo-coordinator")
            while not self.stop.is_set():
                response = client.post(
                    "/agenda/cases",
                    headers=headers,
                    json={"title": f"書込中の事例{self.written}", "notes": "バックアップ中の記録"},
                )
                assert response.status_code == 201, response.text
                self.written += 1


@pytest.fixture(scope="module")
def backed_up(tmp_path_factory):
    """A served demo, a backup taken while cases are being written, the views before it."""
    root = tmp_path_factory.mktemp("backup")
    data_dir, backup_dir = root / "data", root / "backup"
    data_dir.mkdir()
    passphrase = root / "passphrase"
    passphrase.write_text(PASSPHRASE + "\n")
    with running_suite(data_dir) as base:
        before = member_views(base)
        writer = Writer(base)
        writer.start()
        try:
            while writer.written < 2:
                threading.Event().wait(0.2)
            started = writer.written
            result = kasane(["backup", "create", str(backup_dir)], data_dir, passphrase)
            during = writer.written - started
        finally:
            writer.stop.set()
            writer.join(timeout=120)
        assert result.returncode == 0, result.stderr
        assert during > 0  # the backup ran while writes did
        cases = case_views(base)
    return {
        "root": root,
        "backup": backup_dir,
        "passphrase": passphrase,
        "views": before,
        "cases": cases,
    }


@SQLITE_PASS_ONLY
def test_restore_into_an_empty_directory_gives_the_same_bytes(backed_up):
    restored = backed_up["root"] / "restored"
    result = kasane(
        ["backup", "restore", str(backed_up["backup"])], restored, backed_up["passphrase"]
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("audit chain OK") == 3
    assert (restored / "kek.json").stat().st_mode & 0o077 == 0
    audit = kasane(["audit", "verify"], restored, None)
    assert audit.returncode == 0, audit.stdout
    with running_suite(restored) as base:
        after = member_views(base)
        cases = case_views(base)
    assert after == backed_up["views"]
    # Cases written during the backup: each one restored is whole and identical.
    assert cases and set(cases) <= set(backed_up["cases"])
    for case_id, content in cases.items():
        assert content == backed_up["cases"][case_id]


@SQLITE_PASS_ONLY
def test_verify_accepts_the_backup(backed_up, cli):
    result = cli(
        ["backup", "verify", str(backed_up["backup"])], backed_up["root"], backed_up["passphrase"]
    )
    assert result.returncode == 0, result.stderr
    assert "identity: OK" in result.stdout


@SQLITE_PASS_ONLY
@pytest.mark.parametrize(
    "name", ["agenda.db", "identity.db", "minutes.db", "audit-anchors.jsonl", "manifest.json"]
)
def test_one_changed_byte_fails_verify(backed_up, cli, tmp_path, name):
    copy = tmp_path / "copy"
    shutil.copytree(backed_up["backup"], copy)
    path = copy / name
    content = bytearray(path.read_bytes())
    if name == "manifest.json":
        # A digit of the creation time: still valid JSON, only the seal can tell.
        at = content.index(b'"created_at": "') + len(b'"created_at": "') + 3
        content[at] = ord("0") + (content[at] - ord("0") + 1) % 10
    else:
        at = len(content) // 2
        content[at] ^= 0x01
    path.write_bytes(bytes(content))
    result = cli(["backup", "verify", str(copy)], tmp_path, backed_up["passphrase"])
    assert result.returncode == 2
    assert "改変" in result.stderr
    target = tmp_path / "target"
    result = cli(["backup", "restore", str(copy)], target, backed_up["passphrase"])
    assert result.returncode == 2 and not target.exists()


@SQLITE_PASS_ONLY
def test_wrong_or_missing_passphrase_refuses_and_writes_nothing(backed_up, cli, tmp_path):
    wrong = tmp_path / "wrong"
    wrong.write_text("not the operator passphrase\n")
    target = tmp_path / "target"
    result = cli(["backup", "restore", str(backed_up["backup"])], target, wrong)
    assert result.returncode == 2
    assert "パスフレーズが違う" in result.stderr and "Traceback" not in result.stderr
    assert not target.exists()
    result = cli(["backup", "restore", str(backed_up["backup"])], target, None)
    assert result.returncode == 2
    assert "KASANE_BACKUP_PASSPHRASE_FILE" in result.stderr
    assert not target.exists()


@SQLITE_PASS_ONLY
def test_restore_refuses_a_non_empty_data_directory_without_force(backed_up, cli, tmp_path):
    target = tmp_path / "occupied"
    target.mkdir()
    (target / "agenda.db").write_bytes(b"something already here")
    result = cli(["backup", "restore", str(backed_up["backup"])], target, backed_up["passphrase"])
    assert result.returncode == 2 and "--force" in result.stderr
    assert (target / "agenda.db").read_bytes() == b"something already here"
    forced = cli(
        ["backup", "restore", "--force", str(backed_up["backup"])], target, backed_up["passphrase"]
    )
    assert forced.returncode == 0, forced.stderr
    assert (target / "agenda.db").read_bytes()[:16] == b"SQLite format 3\x00"


@SQLITE_PASS_ONLY
def test_the_key_file_is_in_the_backup_only_sealed(backed_up):
    key = (backed_up["root"] / "data" / "kek.json").read_bytes()
    import json

    secret = json.loads(key)["keys"]["1"]
    for path in backed_up["backup"].iterdir():
        assert secret.encode() not in path.read_bytes(), path.name


PG_SERVER = os.environ.get("KASANE_TEST_DATABASE_URL")
SERVICES = ("identity", "agenda", "minutes")


@pytest.fixture
def pg_databases():
    """Two sets of empty service databases on the test server: a source and a target."""
    import uuid

    from sqlalchemy import create_engine, make_url, text

    server = make_url(PG_SERVER)
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    run = uuid.uuid4().hex[:8]
    names = {
        (side, s): f"kasane_bk_{run}_{side}_{s}" for side in ("source", "target") for s in SERVICES
    }
    with admin.connect() as conn:
        for name in names.values():
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    urls: dict[str, dict[str, str]] = {"source": {}, "target": {}}
    for (side, service), name in names.items():
        url = server.set(database=name).render_as_string(hide_password=False)
        urls[side][f"KASANE_{service.upper()}_DATABASE_URL"] = url
    try:
        yield urls
    finally:
        with admin.connect() as conn:
            for name in names.values():
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.mark.skipif(
    not PG_SERVER or os.environ.get("KASANE_TEST_BACKEND") != "postgres",
    reason="runs in the PostgreSQL pass (KASANE_TEST_BACKEND=postgres)",
)
def test_postgres_backup_and_restore_with_pg_dump(pg_databases, cli, monkeypatch, tmp_path):
    from sqlalchemy import create_engine, text

    passphrase = tmp_path / "passphrase"
    passphrase.write_text(PASSPHRASE)
    monkeypatch.setenv("KASANE_ADMIN_PASSWORD", "admin-password-for-tests")
    for name, url in pg_databases["source"].items():
        monkeypatch.setenv(name, url)
    from kasane_shared.crypto.kek import FileKeyProvider

    # A production layout: the key file apart from the data directory.
    (tmp_path / "keys").mkdir(mode=0o700)
    FileKeyProvider(tmp_path / "keys" / "kek.json", create=True).current_version()
    monkeypatch.setenv("KASANE_KEY_FILE", str(tmp_path / "keys" / "kek.json"))
    source_dir = tmp_path / "source"
    assert cli(["db", "upgrade"], source_dir, None, demo=False).returncode == 0
    created = cli(
        ["admin", "create", "--login", "pgadmin", "--display-name", "管理", "--organization", "市"],
        source_dir,
        None,
        demo=False,
    )
    assert created.returncode == 0, created.stderr
    backup = tmp_path / "backup"
    made = cli(["backup", "create", str(backup)], source_dir, passphrase, demo=False)
    assert made.returncode == 0, made.stderr
    assert sorted(p.name for p in backup.iterdir()) == [
        "agenda.pgdump",
        "audit-anchors.jsonl",  # identity anchored what `admin create` wrote
        "identity.pgdump",
        "manifest.json",
        "minutes.pgdump",
    ]
    assert cli(["backup", "verify", str(backup)], tmp_path, passphrase).returncode == 0
    for name, url in pg_databases["target"].items():
        monkeypatch.setenv(name, url)
    # Outside demo mode a key file inside the data directory is refused before any write.
    monkeypatch.delenv("KASANE_KEY_FILE")
    inside = cli(["backup", "restore", str(backup)], tmp_path / "target", passphrase, demo=False)
    assert inside.returncode == 2 and "KASANE_KEY_FILE" in inside.stderr
    assert not (tmp_path / "target").exists()
    monkeypatch.setenv("KASANE_KEY_FILE", str(tmp_path / "keys-restored" / "kek.json"))
    restored = cli(["backup", "restore", str(backup)], tmp_path / "target", passphrase, demo=False)
    assert restored.returncode == 0, restored.stderr
    assert restored.stdout.count("audit chain OK") == 3
    assert (tmp_path / "target" / "audit-anchors.jsonl").read_bytes() == (
        backup / "audit-anchors.jsonl"
    ).read_bytes()
    restored_key = tmp_path / "keys-restored" / "kek.json"
    assert restored_key.read_bytes() == (tmp_path / "keys" / "kek.json").read_bytes()

    def audit_heads(urls: dict[str, str]) -> list[tuple]:
        heads = []
        for url in urls.values():
            engine = create_engine(url)
            with engine.connect() as conn:
                heads.append(
                    tuple(
                        conn.execute(text("SELECT count(*), max(entry_hash) FROM audit_log")).one()
                    )
                )
            engine.dispose()
        return heads

    assert audit_heads(pg_databases["target"]) == audit_heads(pg_databases["source"])
    # A target that now holds tables is refused without --force.
    monkeypatch.setenv("KASANE_KEY_FILE", str(tmp_path / "keys-again" / "kek.json"))
    again = cli(["backup", "restore", str(backup)], tmp_path / "target2", passphrase, demo=False)
    assert again.returncode == 2 and "--force" in again.stderr
