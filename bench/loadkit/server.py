"""A seeded Kasane data set and a real ``kasane serve`` process on 127.0.0.1 to load.

The data goes in through the services themselves: people by identity's seeding, one
20-item meeting with approved minutes through the APIs, and any number of cases through
agenda's batched seeding path (``kasane.seeding``).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from kasane.serve import close_suite

PASSWORD = "kasane-load-passphrase"
COORDINATOR = "demo-coordinator"
MEMBERS = ("demo-member-1", "demo-member-2", "demo-member-3")
ITEMS = 20
ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Dataset:
    """What the load needs to know about the seeded data."""

    meeting_id: str
    cases: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def databases(backend: str, server_url: str | None) -> Iterator[dict[str, str]]:
    """Environment naming each service's database: SQLite files, or fresh PostgreSQL ones."""
    if backend == "sqlite":
        yield {}
        return
    from sqlalchemy import create_engine, make_url, text

    assert server_url is not None
    server = make_url(server_url)
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    run = uuid.uuid4().hex[:8]
    names = {s: f"kasane_load_{run}_{s}" for s in ("identity", "agenda", "minutes")}
    with admin.connect() as conn:
        for name in names.values():
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield {
            f"KASANE_{s.upper()}_DATABASE_URL": server.set(database=n).render_as_string(
                hide_password=False
            )
            for s, n in names.items()
        }
    finally:
        with admin.connect() as conn:
            for name in names.values():
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def key_file(data_dir: Path) -> Path:
    """The KEK file of a data set: beside the data directory, never inside it."""
    folder = data_dir.with_name(f"{data_dir.name}-keys")
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder / "kek.json"


def open_suite(data_dir: Path, env: dict[str, str]) -> Any:
    """The suite in this process on the data set (for seeding), on the databases ``env`` names."""
    from kasane.suite import create_suite
    from kasane_shared.settings import Settings

    options = {k.removeprefix("KASANE_").lower(): v for k, v in env.items()}
    return create_suite(
        Settings(data_dir=data_dir, key_file=key_file(data_dir), demo=False, **options)
    )


def seeded_dataset(data_dir: Path, env: dict[str, str], *, active_cases: int = 30) -> Dataset:
    """Seed the base data set in this process and close the suite again, for a server (a
    separate process) to be started on the same databases after."""
    suite = open_suite(data_dir, env)
    try:
        return seed_base(suite, active_cases=active_cases)
    finally:
        close_suite(suite)


def seed_base(suite: Any, *, active_cases: int = 30) -> Dataset:
    """People, one 20-item 支援会議 with approved minutes, and ``active_cases`` open cases."""
    from kasane.demo import seed_identity
    from kasane.seeding import seed_cases, synthetic_case
    from kasane_shared.inprocess import in_process_client
    from minutes.demo import seed_minutes

    people = seed_identity(suite.identity.state.db, suite.identity.state.kek, password=PASSWORD)
    client = in_process_client(suite.app, 120)
    try:
        token = client.post(
            "/identity/session", json={"login": COORDINATOR, "password": PASSWORD}
        ).json()["access_token"]
        coordinator = {"Authorization": f"Bearer {token}"}
        meeting = _meeting(client, people, coordinator)
        distribute(client, meeting, coordinator)  # members see items only once distributed
        seed_minutes(client, people, meeting, password=PASSWORD)
    finally:
        client.close()
    seed_cases(
        suite, COORDINATOR, PASSWORD, active_cases, make=lambda n: synthetic_case(n, "active")
    )
    return Dataset(meeting, cases=ITEMS + active_cases)


def _meeting(client: Any, people: Any, headers: dict[str, str]) -> str:
    attendees = [{"member_id": people.members[m]} for m in MEMBERS]
    body = {
        "kind": "shien",
        "title": "負荷試験の会議",
        "starts_at": "2027-01-12T09:00:00+09:00",
        "ends_at": "2027-01-12T17:00:00+09:00",
        "place": "会議室",
        "attendees": attendees,
    }
    meeting = _ok(client.post("/agenda/meetings", json=body, headers=headers))["id"]
    for n in range(ITEMS):
        case = {
            "title": f"議題の事例{n}",
            "summary": "80代の母と50代の長男。",
            "notes": f"本人は固定資産税を{n}年分滞納している。訪問を継続。" * 5,
            "tax_notes": "住民税非課税",
            "status": "active",
        }
        case_id = _ok(client.post("/agenda/cases", json=case, headers=headers))["id"]
        if n % 2 == 0:
            consent = {
                "obtained_on": "2026-04-01",
                "organization_ids": [people.organizations["council"]],
                "covers_tax": True,
            }
            _ok(client.post(f"/agenda/cases/{case_id}/consents", json=consent, headers=headers))
        item = {
            "case_id": case_id,
            "purpose": "info_sharing",
            "minutes": 20,
            "briefing": "見守りを継続。",
        }
        _ok(client.post(f"/agenda/meetings/{meeting}/items", json=item, headers=headers))
    return meeting


def distribute(client: Any, meeting: str, coordinator: dict[str, str]) -> float:
    """Check the agenda, keep every open suspect, distribute; ms of the one check that settles."""
    # Every suspect a check lists is kept before the next check: keeping one marks a range
    # and changes no text, so the others' offsets hold (one check per suspect took minutes).
    for _ in range(5):
        started = time.perf_counter()
        check = client.get(f"/agenda/meetings/{meeting}/distribution", headers=coordinator)
        elapsed = (time.perf_counter() - started) * 1000
        fields = [f for i in _ok(check)["items"] for f in i["fields"] if f["suspects"]]
        if not fields:
            _ok(client.post(f"/agenda/meetings/{meeting}/distribute", headers=coordinator))
            return elapsed
        # A case on the agenda twice lists its suspects twice: each is kept once.
        for f in {(f["record_id"], f["field"]): f for f in fields}.values():
            path = (
                f"/agenda/cases/{f['record_id']}/tax-marks"
                if f["record"] == "case"
                else f"/agenda/meetings/{meeting}/items/{f['record_id']}/tax-marks"
            )
            for start, end, _reason in f["suspects"]:
                body = {"field": f["field"], "action": "keep", "start": start, "end": end}
                _ok(client.post(path, json=body, headers=coordinator))
    raise RuntimeError("the distribution check did not settle")


def check_member_sees_every_item(base: str, token: str, meeting: str) -> None:
    """Refuse to measure a view that is not the full one (a meeting not distributed is empty)."""
    response = httpx.get(
        f"{base}/agenda/meetings/{meeting}/agenda",
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    items = response.json().get("items", []) if response.status_code == 200 else []
    if len(items) != ITEMS:
        raise RuntimeError(f"the member's view shows {len(items)} of {ITEMS} items")


def _ok(response: httpx.Response) -> Any:
    if response.status_code >= 300:
        raise RuntimeError(f"seeding failed: {response.status_code} {response.text[:200]}")
    return response.json()


@contextmanager
def running_server(data_dir: Path, env: dict[str, str], **settings: str) -> Iterator[str]:
    """``kasane serve`` on a free port of 127.0.0.1; yields its base URL; stops it after."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    full_env = (
        os.environ
        | env
        | {"KASANE_DATA_DIR": str(data_dir), "KASANE_KEY_FILE": str(key_file(data_dir))}
        | settings
    )
    full_env.pop("KASANE_DEMO", None)
    log = (data_dir / "server.log").open("ab")
    process = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("kasane")),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        env=full_env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
    )
    try:
        _wait_ready(base, process)
        yield base
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _wait_ready(base: str, process: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            if httpx.get(f"{base}/agenda/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError("server did not become ready")
