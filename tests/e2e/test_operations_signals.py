"""After a full scenario on a real server: metrics parse, logs are JSON lines, nothing leaks."""

from __future__ import annotations

import os
import json

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.e2e.conftest import running_suite
from tests.e2e.test_nothing_in_clear import SENTINELS, _write_everything

pytestmark = pytest.mark.skipif(
    os.environ.get("KASANE_TEST_BACKEND") == "postgres",
    reason="SQLite data directory: runs in the SQLite pass",
)

LEAKS = {
    **SENTINELS,
    "login": "センチネル氏名L7",
    "query": "センチネル検索S8",
    "password": "sentinel-password-P9",
}


def _try_to_leak(client: httpx.Client) -> None:
    """Text in the places a careless logger would copy: login, query string, path, headers."""
    client.post("/identity/session", json={"login": LEAKS["login"], "password": LEAKS["password"]})
    client.get("/agenda/cases", params={"q": LEAKS["query"]})
    client.get(f"/agenda/cases/{LEAKS['query']}")
    client.get("/minutes/healthz", headers={"X-Request-ID": LEAKS["password"]})


@pytest.fixture
def one_worker(tmp_path):
    """One server process: /metrics counts the worker that answers it, so all in one."""
    with running_suite(tmp_path, KASANE_WORKERS="1") as base:
        yield base, tmp_path


def test_metrics_and_logs_after_a_full_scenario(one_worker):
    base, data_dir = one_worker
    with httpx.Client(base_url=base, timeout=60) as client:
        _write_everything(client)
        _try_to_leak(client)
        expositions = {s: client.get(f"/{s}/metrics") for s in ("identity", "agenda", "minutes")}
    for service, response in expositions.items():
        assert response.status_code == 200, service
        families = {f.name: f for f in text_string_to_metric_families(response.text)}
        requests = families["kasane_http_requests"]
        assert sum(s.value for s in requests.samples if s.name.endswith("_total")) > 0, service
        assert "kasane_http_request_duration_seconds" in families
        assert "kasane_db_pool_connections" in families, service
        for name, leak in LEAKS.items():
            assert leak not in response.text, (service, name)
    lines = (data_dir / "serve.log").read_text().splitlines()
    access = []
    for line in lines:
        for name, leak in LEAKS.items():
            assert leak not in line and leak[:6] not in line, name
        if line.startswith("{"):
            record = json.loads(line)
            if record.get("logger") == "kasane.access":
                access.append(record)
    assert len(access) > 20
    for record in access:
        assert {"ts", "level", "request_id", "service", "route", "status", "duration_ms"} <= set(
            record
        )
    routes = {(r["service"], r["route"]) for r in access}
    assert ("agenda", "/meetings/{meeting_id}/agenda") in routes
    # Agenda's calls to identity (the public keys it seals a case to) share the request id
    # of the request that made them. (A view's unwraps are in-process calls, not requests.)
    agenda_requests = {r["request_id"] for r in access if r["service"] == "agenda"}
    key_lookups = [r for r in access if (r["service"], r["route"]) == ("identity", "/public-keys")]
    assert key_lookups and any(r["request_id"] in agenda_requests for r in key_lookups)
