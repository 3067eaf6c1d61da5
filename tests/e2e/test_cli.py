"""The kasane command on a real data directory: migrations, serving the demo, audit, keys."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import time
from pathlib import Path

import httpx

from tests.e2e.conftest import KASANE, running_suite
from tests.e2e.conftest import free_port as _free_port


def _run(args: list[str], data_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "KASANE_DATA_DIR": str(data_dir), **env}
    environment.pop("KASANE_DEMO", None)
    return subprocess.run(
        [*KASANE, *args], env=environment, capture_output=True, text=True, timeout=180
    )


def test_db_upgrade_creates_every_database(tmp_path):
    result = _run(["db", "upgrade"], tmp_path)
    assert result.returncode == 0, result.stderr
    for service in ("identity", "agenda", "minutes"):
        tables = {
            row[0]
            for row in sqlite3.connect(tmp_path / f"{service}.db").execute(
                "select name from sqlite_master where type='table'"
            )
        }
        assert "audit_log" in tables and "alembic_version" in tables


def test_serve_demo_health_login_and_logout(served):
    base, data_dir = served
    for service in ("identity", "agenda", "minutes"):
        assert httpx.get(f"{base}/{service}/healthz").json()["status"] == "ok"
    with httpx.Client(base_url=base) as client:
        login = client.post(
            "/identity/session", json={"login": "demo-coordinator", "password": "demo-password"}
        )
        assert login.status_code == 200
        token = login.json()["access_token"]
        me = client.get("/identity/me", headers={"Authorization": f"Bearer {token}"}).json()
        assert me["login"] == "demo-coordinator"
        assert client.delete("/identity/session").status_code == 204
        assert (
            client.get("/identity/me", headers={"Authorization": f"Bearer {token}"}).status_code
            == 401
        )
    key_file = data_dir / "kek.json"
    assert key_file.stat().st_mode & 0o077 == 0


def test_demo_password_refused_outside_demo(served, tmp_path_factory):
    base, data_dir = served
    env = {**os.environ, "KASANE_DATA_DIR": str(data_dir)}
    env.pop("KASANE_DEMO", None)
    env.pop("KASANE_KEY_FILE", None)
    # Outside demo mode the key file may not live in the data directory.
    refused = subprocess.run(
        [*KASANE, "serve", "--port", str(_free_port())],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert refused.returncode == 2 and "KASANE_KEY_FILE" in refused.stderr
    assert "Traceback" not in refused.stderr
    # Moved to a place of its own, the same data directory serves without --demo and
    # refuses the demo password.
    key_file = tmp_path_factory.mktemp("keys") / "kek.json"
    shutil.copy2(data_dir / "kek.json", key_file)
    port = _free_port()
    process = subprocess.Popen(
        [*KASANE, "serve", "--port", str(port)],
        env={**env, "KASANE_KEY_FILE": str(key_file)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        other = f"http://127.0.0.1:{port}"
        for _ in range(240):
            try:
                httpx.get(f"{other}/identity/healthz", timeout=2)
                break
            except httpx.HTTPError:
                time.sleep(0.5)
        response = httpx.post(
            f"{other}/identity/session",
            json={"login": "demo-coordinator", "password": "demo-password"},
        )
        assert response.status_code == 401
    finally:
        process.terminate()
        process.wait(timeout=30)


def _recompute_identity_chain_from(data_dir: Path, seq: int) -> None:
    """What a writer of identity.db can do: edit an entry and re-chain every later one."""
    from sqlalchemy import select

    from identity.base import AuditEntry
    from kasane_shared import audit
    from kasane_shared.db import Database

    db = Database.from_url(f"sqlite:///{data_dir / 'identity.db'}")
    try:
        with db.session() as session:
            rows = session.scalars(
                select(AuditEntry).where(AuditEntry.seq >= seq - 1).order_by(AuditEntry.seq)
            ).all()
            prev = rows[0].entry_hash
            rows[1].details = {**rows[1].details, "edited": True}
            for row in rows[1:]:
                row.prev_hash = prev
                row.entry_hash = prev = audit.entry_hash(row)
    finally:
        db.dispose()


def test_audit_verify_and_tamper(served):
    base, data_dir = served
    httpx.post(
        f"{base}/identity/session", json={"login": "demo-member-1", "password": "demo-password"}
    )
    time.sleep(3)  # the heads are anchored within KASANE_AUDIT_ANCHOR_SECONDS (2 s)
    ok = _run(["audit", "verify"], data_dir)
    assert ok.returncode == 0 and "identity: OK" in ok.stdout, ok.stdout + ok.stderr
    assert "agenda: OK" in ok.stdout and "アンカー" in ok.stdout
    # Finding 5: an edit with every later hash recomputed is found (the MACs do not fit).
    _recompute_identity_chain_from(data_dir, 2)
    broken = _run(["audit", "verify", "identity"], data_dir)
    assert broken.returncode == 1 and "seq 2" in broken.stdout and "MAC" in broken.stdout
    # Issue 14: the three newest entries of agenda's log deleted: the anchor finds it.
    with sqlite3.connect(data_dir / "agenda.db") as db:
        head = db.execute("select max(seq) from audit_log").fetchone()[0]
        db.execute("delete from audit_log where seq > ?", (head - 3,))
    cut = _run(["audit", "verify", "agenda"], data_dir)
    assert cut.returncode == 1 and "missing" in cut.stdout, cut.stdout


def test_keys_rotate_while_serving(tmp_path):
    with running_suite(tmp_path, KASANE_SIGNING_KEY_REFRESH_SECONDS="1") as base:
        _rotate_while_serving(base, tmp_path)


def _rotate_while_serving(base: str, data_dir: Path) -> None:
    before = json.loads(_run(["keys", "status"], data_dir).stdout)
    rotated = _run(["keys", "rotate"], data_dir)
    assert rotated.returncode == 0, rotated.stderr
    after = json.loads(_run(["keys", "status"], data_dir).stdout)
    assert after["kek_version"] == before["kek_version"] + 1
    assert set(after["sealed_by_kek_version"]) == {str(after["kek_version"])}
    # Nothing is sealed under the old version any more: it can be destroyed.
    retired = _run(["keys", "retire", str(before["kek_version"])], data_dir)
    assert retired.returncode == 0, retired.stderr
    assert json.loads(_run(["keys", "status"], data_dir).stdout)["kek_versions"] == [
        after["kek_version"]
    ]
    assert _run(["keys", "retire", str(after["kek_version"])], data_dir).returncode == 2
    assert _run(["keys", "rotate-signing"], data_dir).returncode == 0
    # The running server keeps working: sign-in uses the re-sealed signing key.
    time.sleep(1.5)  # the server reads its signing key again (KASANE_SIGNING_KEY_REFRESH_SECONDS)
    login = httpx.post(
        f"{base}/identity/session", json={"login": "demo-member-2", "password": "demo-password"}
    )
    assert login.status_code == 200
    jwks = httpx.get(f"{base}/identity/.well-known/jwks.json").json()
    assert len(jwks["keys"]) == 2  # the new key and the old one, until its tokens expire


def test_key_file_with_loose_mode_is_refused(tmp_path):
    assert _run(["db", "upgrade"], tmp_path).returncode == 0
    key_file = tmp_path / "kek.json"
    key_file.write_text("{}")
    key_file.chmod(0o644)
    result = _run(["keys", "status"], tmp_path)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "0600" in result.stderr or "権限" in result.stderr
