"""Load: mixed traffic at 1, 16 and 64 clients, lists at 100 → 10,000 cases, seeding speed.

Run: `make bench BENCH=load` (a full run takes many minutes; not part of CI). Every request
goes to a real `kasane serve` process on 127.0.0.1, once on SQLite and once on PostgreSQL
(`KASANE_BENCH_DATABASE_URL`, default the local server on 127.0.0.1:5432; skipped when
none answers). `BENCH_LOAD_SECONDS` (default 30) sets the length of each load phase.

- load: closed-loop clients (sign-ins, the member's 20-item agenda view, case list pages,
  minutes reads), each request limited to 10 s: throughput, p50/p95/p99, status counts.
- view_vs_healthz: the member's agenda view at one client against `/agenda/healthz`.
- growth: the first case-list page, the due list, the member's meeting list and the agenda
  view at 100, 1,000 and 10,000 cases (history: closed cases; the open ones stay 30),
  each as a ratio to its time at 100; seeding throughput and bytes per case on disk.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.loadkit.server import (
    COORDINATOR,
    MEMBERS,
    check_member_sees_every_item,
    close_suite,
    databases,
    open_suite,
    running_server,
    seed_base,
)
from bench.loadkit.traffic import run_load, sign_in, time_requests

CLIENTS = (1, 16, 64)
# BENCH_LOAD_SIZES="100,1000" runs a shorter growth series (e.g. on a busy machine).
SIZES = tuple(int(n) for n in os.environ.get("BENCH_LOAD_SIZES", "100,1000,10000").split(","))
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def _postgres_url() -> str | None:
    url = os.environ.get("KASANE_BENCH_DATABASE_URL") or PG_DEFAULT
    try:
        from sqlalchemy import create_engine, text

        engine = create_engine(url)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return url
    except Exception:  # noqa: BLE001 - any failure means: no server to bench on
        return None


def _agenda_bytes(suite: Any, data_dir: Path) -> int:
    from sqlalchemy import text

    with suite.agenda.state.db.session() as session:
        if session.get_bind().dialect.name == "postgresql":
            return int(
                session.execute(text("SELECT pg_database_size(current_database())")).scalar()
            )
        session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    return sum(p.stat().st_size for p in data_dir.glob("agenda.db*"))


def _lists(base: str, meeting: str) -> dict[str, dict[str, float]]:
    coordinator, member = sign_in(base, COORDINATOR), sign_in(base, MEMBERS[0])
    return {
        "case_list_first_page": time_requests(base, coordinator, "/agenda/cases?limit=50"),
        "due_list": time_requests(base, coordinator, "/agenda/due"),
        "member_meetings": time_requests(base, member, "/agenda/meetings"),
        "agenda_view": time_requests(base, member, f"/agenda/meetings/{meeting}/agenda"),
    }


def _growth(suite: Any, base: str, data: Any, data_dir: Path) -> dict[str, Any]:
    from kasane.seeding import seed_cases

    from bench.loadkit.server import PASSWORD

    out: dict[str, Any] = {}
    seeding: dict[str, Any] = {}
    for size in SIZES:
        add = size - data.cases
        if add > 0:
            before = _agenda_bytes(suite, data_dir)
            report = seed_cases(suite, COORDINATOR, PASSWORD, add)
            data.cases = size
            seeding = {
                "cases": add,
                "cases_per_s": round(report.per_second, 1),
                "bytes_per_case": round((_agenda_bytes(suite, data_dir) - before) / add),
            }
        out[str(size)] = _lists(base, data.meeting_id)
    first = out[str(SIZES[0])]
    out[f"ratio_{SIZES[-1]}_to_{SIZES[0]}_p50"] = {
        name: round(out[str(SIZES[-1])][name]["p50_ms"] / first[name]["p50_ms"], 2)
        for name in first
    }
    out["seeding"] = seeding
    return out


def _backend(backend: str, server_url: str | None, seconds: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder, databases(backend, server_url) as env:
        data_dir = Path(folder)
        suite = open_suite(data_dir, env)
        started = time.perf_counter()
        data = seed_base(suite)
        figures: dict[str, Any] = {"seed_base_s": round(time.perf_counter() - started, 1)}
        from kasane.seeding import seed_cases

        from bench.loadkit.server import PASSWORD

        seed_cases(suite, COORDINATOR, PASSWORD, SIZES[0] - data.cases)
        data.cases = SIZES[0]
        with running_server(data_dir, env) as base:
            member = sign_in(base, MEMBERS[0])
            check_member_sees_every_item(base, member, data.meeting_id)
            view = time_requests(base, member, f"/agenda/meetings/{data.meeting_id}/agenda", 30)
            health = time_requests(base, member, "/agenda/healthz", 30)
            figures["view_vs_healthz"] = {
                "view": view,
                "healthz": health,
                "ratio_p50": round(view["p50_ms"] / health["p50_ms"], 1),
            }
            figures["load"] = {}
            for n in CLIENTS:
                figures["load"][str(n)] = run_load(base, data, n, seconds).summary()
                time.sleep(5)  # let the server drain what the clients left in flight
            figures["growth"] = _growth(suite, base, data, data_dir)
        close_suite(suite)
        return figures


def run() -> dict[str, Any]:
    """Figures on SQLite, then on PostgreSQL when a server answers (BENCH_LOAD_BACKENDS)."""
    seconds = float(os.environ.get("BENCH_LOAD_SECONDS", "30"))
    backends = os.environ.get("BENCH_LOAD_BACKENDS", "sqlite,postgres").split(",")
    out: dict[str, Any] = {"seconds_per_phase": seconds, "clients": list(CLIENTS)}
    from kasane_shared.settings import usable_cores

    # `kasane serve` runs its default worker count unless KASANE_WORKERS says otherwise.
    out["workers"] = int(os.environ.get("KASANE_WORKERS") or usable_cores())
    out["sizes"] = list(SIZES)
    if "sqlite" in backends:
        out["sqlite"] = _backend("sqlite", None, seconds)
    if "postgres" in backends:
        url = _postgres_url()
        out["postgres"] = _backend("postgres", url, seconds) if url else "skipped: no server"
    return out


if __name__ == "__main__":
    print(json.dumps(run(), ensure_ascii=False, indent=2))
