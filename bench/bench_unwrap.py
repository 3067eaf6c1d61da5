"""The member's agenda view with suite mode's in-process unwrap against the HTTP call it replaced.

In suite mode agenda unwraps through identity's custody in process (`identity.custody.local`);
before, it sent `POST /keys/unwrap` as an in-process ASGI call. Both paths are timed in one
process on the same data, alternating blocks of views, so a shared machine's drift (healthz
from 1.1 to 2.5 ms of CPU within one session on 2026-12-02) falls on both alike. The figure is
process CPU time (all threads) per view; the wall clock beside it.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.loadkit.server import MEMBERS, PASSWORD, open_suite, seed_base

BLOCKS, VIEWS = 6, 100


def _block(client: Any, path: str, headers: dict[str, str]) -> tuple[float, float]:
    """(CPU ms, wall ms) per view over one block."""
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(VIEWS):
        response = client.get(path, headers=headers)
        if response.status_code != 200 or len(response.json()["items"]) != 20:
            raise RuntimeError(f"view: {response.status_code}")
    return (time.process_time() - cpu) / VIEWS * 1000, (time.perf_counter() - wall) / VIEWS * 1000


def run() -> dict[str, Any]:
    """CPU ms per view with the unwrap in process and over HTTP, per block and their medians."""
    from fastapi.testclient import TestClient

    from kasane.serve import close_suite
    from kasane.suite import route_service_calls
    from kasane_shared.inprocess import in_process_client

    with tempfile.TemporaryDirectory() as folder:
        suite = open_suite(Path(folder) / "data", {})
        data = seed_base(suite, active_cases=5)
        # As `kasane serve` does: service calls as ASGI calls on the loop serving the request.
        route_service_calls(suite, in_process_client(suite.app, 30))
        client = suite.agenda.state.identity
        in_process = client.local_unwrap
        blocks: dict[str, list[tuple[float, float]]] = {"in_process": [], "http": []}
        with TestClient(suite.app, raise_server_exceptions=False) as http:
            login = {"login": MEMBERS[0], "password": PASSWORD}
            token = http.post("/identity/session", json=login).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            path = f"/agenda/meetings/{data.meeting_id}/agenda"
            _block(http, path, headers)  # warm caches
            for _ in range(BLOCKS):
                for mode in blocks:
                    client.local_unwrap = in_process if mode == "in_process" else None
                    blocks[mode].append(_block(http, path, headers))
        client.local_unwrap = in_process
        close_suite(suite)
    out: dict[str, Any] = {
        mode: {
            "cpu_ms_per_view": [round(cpu, 1) for cpu, _ in samples],
            "cpu_ms_median": round(statistics.median(cpu for cpu, _ in samples), 2),
            "wall_ms_median": round(statistics.median(wall for _, wall in samples), 2),
        }
        for mode, samples in blocks.items()
    }
    out["in_process_vs_http_cpu"] = round(
        out["in_process"]["cpu_ms_median"] / out["http"]["cpu_ms_median"], 3
    )
    return out
