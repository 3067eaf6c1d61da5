"""`kasane serve` with two worker processes on one socket: they agree on tokens and sessions.

A real server (127.0.0.1, bounded), on SQLite or PostgreSQL. Which worker answered is read
from the JSON log line of the request (its ``pid``), found by the request id we sent.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from bench.loadkit.server import (
    MEMBERS,
    databases,
    free_port,
    key_file,
    running_server,
    seeded_dataset,
)
from bench.loadkit.traffic import PASSWORD

CHECK_SECONDS = 2.0  # session_check_seconds on this server: the liveness bound under test
BURST = 8


def _answered_by(data_dir: Path, request_ids: set[str]) -> dict[str, int]:
    """The pid of the worker whose access line carries each request id."""
    found: dict[str, int] = {}
    for line in (data_dir / "server.log").read_text(errors="replace").splitlines():
        if line.startswith("{"):
            record = json.loads(line)
            if record.get("logger") == "kasane.access" and record.get("request_id") in request_ids:
                found.setdefault(record["request_id"], record["pid"])
    return found


def _request(method: str, url: str, token: str | None = None, **kw) -> tuple[str, int]:
    """One request on a fresh connection (so either worker may accept it): (id, status)."""
    request_id = uuid.uuid4().hex
    headers = {"X-Request-ID": request_id}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    response = httpx.request(method, url, headers=headers, timeout=10, **kw)
    return request_id, response.status_code


def _burst(url: str, token: str) -> list[tuple[str, int]]:
    """``BURST`` concurrent views, each on its own connection."""
    with ThreadPoolExecutor(BURST) as pool:
        return list(pool.map(lambda _: _request("GET", url, token), range(BURST)))


def _pids(data_dir: Path, answers: list[tuple[str, int]]) -> dict[str, int]:
    wanted = {rid for rid, _ in answers}
    for _ in range(20):  # the access line is written just after the answer
        found = _answered_by(data_dir, wanted)
        if len(found) == len(wanted):
            return found
        time.sleep(0.1)
    return found


def test_two_workers_share_tokens_and_sessions(tmp_path):
    backend = os.environ.get("KASANE_TEST_BACKEND", "sqlite")
    with databases(backend, os.environ.get("KASANE_TEST_DATABASE_URL")) as env:
        data = seeded_dataset(tmp_path, env, active_cases=2)
        extra = {"KASANE_WORKERS": "2", "KASANE_SESSION_CHECK_SECONDS": str(CHECK_SECONDS)}
        with running_server(tmp_path, env, **extra) as base:
            view = f"{base}/agenda/meetings/{data.meeting_id}/agenda"
            signed_in = httpx.post(
                f"{base}/identity/session",
                json={"login": MEMBERS[0], "password": PASSWORD},
                headers={"X-Request-ID": (issued := uuid.uuid4().hex)},
                timeout=10,
            )
            assert signed_in.status_code == 200, signed_in.text
            token = signed_in.json()["access_token"]
            issuer = _pids(tmp_path, [(issued, 200)])[issued]

            # The token works in both workers; concurrent views get no 5xx.
            answers: list[tuple[str, int]] = []
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                answers += _burst(view, token)
                if set(_pids(tmp_path, answers).values()) - {issuer}:
                    break
            assert all(status == 200 for _, status in answers), answers
            workers = set(_pids(tmp_path, answers).values())
            assert len(workers) == 2 and issuer in workers, workers

            # Sign-out through one worker ends the session in the other within the bound.
            signed_out, status = _request("DELETE", f"{base}/identity/session", token)
            assert status == 204
            ended_at = time.monotonic()
            ender = _pids(tmp_path, [(signed_out, status)])[signed_out]
            time.sleep(CHECK_SECONDS + 0.5)
            after: list[tuple[str, int]] = []
            while time.monotonic() < ended_at + 60:
                after += _burst(view, token)
                if set(_pids(tmp_path, after).values()) - {ender}:
                    break
            assert all(status == 401 for _, status in after), after
            assert set(_pids(tmp_path, after).values()) - {ender}
        log = (tmp_path / "server.log").read_text(errors="replace")
    # The services' own credentials held in both workers (a worker with a replaced secret
    # could not anchor its audit head).
    assert "anchoring failed" not in log


@pytest.mark.skipif(
    os.environ.get("KASANE_TEST_BACKEND") == "postgres",
    reason="SQLite data directory: runs in the SQLite pass",
)
def test_sigterm_stops_every_worker(tmp_path):
    port = free_port()
    env = os.environ | {
        "KASANE_DATA_DIR": str(tmp_path),
        "KASANE_KEY_FILE": str(key_file(tmp_path)),
        "KASANE_WORKERS": "2",
    }
    for name in ("IDENTITY", "AGENDA", "MINUTES"):
        env.pop(f"KASANE_{name}_DATABASE_URL", None)
        env.pop(f"KASANE_{name}_URL", None)
    log = (tmp_path / "server.log").open("ab")
    kasane = str(Path(sys.executable).with_name("kasane"))
    process = subprocess.Popen(
        [kasane, "serve", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/identity/healthz").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
            assert process.poll() is None
        time.sleep(1)  # both workers up (uvicorn starts them together)
        children = _children(process.pid)
        assert len(children) >= 2, children
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
        deadline = time.monotonic() + 5
        while [p for p in children if Path(f"/proc/{p}").exists()] and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [pid for pid in children if Path(f"/proc/{pid}").exists()]
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        log.close()


def _children(pid: int) -> list[int]:
    """Direct children of ``pid`` (Linux /proc)."""
    tasks = Path(f"/proc/{pid}/task")
    found: list[int] = []
    for task in tasks.iterdir():
        text = (task / "children").read_text().split()
        found += [int(p) for p in text]
    return found


def test_every_worker_registers_the_same_service_secret(suite, dbs, settings, kek):
    """A second suite on the same databases (another worker) leaves the first one's service
    credentials working: the secret is derived, not drawn anew at each start."""
    import agenda.app
    import identity.app
    import minutes.app
    from kasane.suite import create_suite

    identity_app = identity.app.create_app(settings, db=dbs["identity"], kek=kek)
    jwks = identity_app.state.signing_keys
    create_suite(
        settings,
        identity_app=identity_app,
        agenda_app=agenda.app.create_app(settings, jwks=jwks, db=dbs["agenda"]),
        minutes_app=minutes.app.create_app(settings, jwks=jwks, db=dbs["minutes"]),
    )
    for app in (suite.suite.agenda, suite.suite.minutes):
        tokens = app.state.service_tokens
        tokens.invalidate()
        assert tokens.token()
