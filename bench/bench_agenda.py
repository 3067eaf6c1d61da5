"""Benchmark of the member's agenda view: a 20-item meeting against a plain endpoint.

Run: `.venv/bin/python -m bench agenda` (or `.venv/bin/python bench/bench_agenda.py`).
The whole suite runs in one process on a temporary SQLite data directory; the agenda
service reaches identity over HTTP through a test client, as in the tests. Each view
makes two identity calls (the caller's pledge, one batched unwrap) and opens 40 records.
The coordinator's distribution check of the same meeting (every text checked) is timed once.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.loadkit.server import distribute

ITEMS = 20
REQUESTS = 50
PASSWORD = "kasane-bench-passphrase"


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _time(call: Callable[[], Any], n: int) -> list[float]:
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        response = call()
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.text
    return samples


def _build(data_dir: Path) -> tuple[Any, Any, Any]:
    from fastapi.testclient import TestClient

    import agenda.app
    import identity.app
    import minutes.app
    from kasane.demo import seed_identity
    from kasane.suite import create_suite, route_service_calls
    from kasane_shared.settings import Settings

    # Production-like: the key file apart from the data directory.
    settings = Settings(data_dir=data_dir / "var", key_file=data_dir / "keys" / "kek.json")
    identity_app = identity.app.create_app(settings)
    jwks = identity_app.state.signing_keys
    agenda_app = agenda.app.create_app(settings, jwks=jwks)
    minutes_app = minutes.app.create_app(settings, jwks=jwks)
    suite = create_suite(
        settings, identity_app=identity_app, agenda_app=agenda_app, minutes_app=minutes_app
    )
    client = TestClient(suite.app, raise_server_exceptions=False)
    service_http = TestClient(suite.app, raise_server_exceptions=False)
    # As the tests do: service calls over a test client, unwraps in process (suite mode).
    route_service_calls(suite, service_http)
    people = seed_identity(identity_app.state.db, identity_app.state.kek, password=PASSWORD)
    return client, service_http, people


def _token(client: Any, login: str) -> dict[str, str]:
    response = client.post("/identity/session", json={"login": login, "password": PASSWORD})
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _meeting(client: Any, people: Any, coordinator: dict[str, str]) -> str:
    m1 = people.members["demo-member-1"]
    body = {
        "kind": "shien",
        "title": "ベンチ会議",
        "starts_at": "2026-12-01T09:00:00+09:00",
        "ends_at": "2026-12-01T17:00:00+09:00",
        "place": "会議室",
        "attendees": [{"member_id": m1}],
    }
    meeting = client.post("/agenda/meetings", json=body, headers=coordinator).json()["id"]
    for n in range(ITEMS):
        case = {
            "title": f"事例{n}",
            "summary": "80代の母と50代の長男。",
            "notes": f"本人は固定資産税を{n}年分滞納している。訪問を継続。" * 5,
            "tax_notes": "住民税非課税",
        }
        case_id = client.post("/agenda/cases", json=case, headers=coordinator).json()["id"]
        if n % 2 == 0:  # half the cases carry a consent covering tax data
            consent = {
                "obtained_on": "2026-04-01",
                "organization_ids": [people.organizations["council"]],
                "covers_tax": True,
            }
            client.post(f"/agenda/cases/{case_id}/consents", json=consent, headers=coordinator)
        item = {
            "case_id": case_id,
            "purpose": "info_sharing",
            "minutes": 20,
            "briefing": "住民税非課税世帯で、見守りを継続。" * 3,
        }
        assert (
            client.post(
                f"/agenda/meetings/{meeting}/items", json=item, headers=coordinator
            ).status_code
            == 201
        )
    return meeting


def run() -> dict[str, Any]:
    """p50/p95 of the member's agenda view (20 items) and of /agenda/healthz, and their ratio."""
    with tempfile.TemporaryDirectory() as folder:
        client, service_http, people = _build(Path(folder))
        with client, service_http:
            coordinator = _token(client, "demo-coordinator")
            meeting = _meeting(client, people, coordinator)
            check_ms = distribute(client, meeting, coordinator)
            member = _token(client, "demo-member-1")
            view = lambda: client.get(f"/agenda/meetings/{meeting}/agenda", headers=member)  # noqa: E731
            plain = lambda: client.get("/agenda/healthz")  # noqa: E731
            shown = view().json()["items"]
            assert (
                len(shown) == ITEMS and sum(1 for i in shown if not i["tax_masked"]) == ITEMS // 2
            )
            _time(view, 5), _time(plain, 5)
            views, plains = _time(view, REQUESTS), _time(plain, REQUESTS)
    figures = {
        "items": ITEMS,
        "requests": REQUESTS,
        "view_p50_ms": round(statistics.median(views), 2),
        "view_p95_ms": round(_percentile(views, 0.95), 2),
        "healthz_p50_ms": round(statistics.median(plains), 2),
        "healthz_p95_ms": round(_percentile(plains, 0.95), 2),
        "distribution_check_ms": round(check_ms, 2),
    }
    figures["ratio_p50"] = round(figures["view_p50_ms"] / figures["healthz_p50_ms"], 1)
    figures["ratio_p95"] = round(figures["view_p95_ms"] / figures["healthz_p95_ms"], 1)
    figures["check_ratio"] = round(check_ms / figures["healthz_p50_ms"], 1)
    return figures


if __name__ == "__main__":
    print(json.dumps(run(), ensure_ascii=False, indent=2))
