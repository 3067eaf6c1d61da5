"""Metrics and request logs: the exposition parses, counters move, ids travel, nothing leaks."""

from __future__ import annotations

import json
import logging

import pytest
from prometheus_client.parser import text_string_to_metric_families

from kasane_shared.observability.context import accept_request_id
from kasane_shared.observability.logs import JsonFormatter, TextFormatter
from tests.conftest import SuiteUnderTest
from tests.helpers import auth, seed_people, token_for

SENTINEL = "観測センチネルO8"


def _samples(client, service: str, **headers: str) -> dict[tuple[str, tuple], float]:
    response = client.get(f"/{service}/metrics", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    found = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def _count(samples, name: str, **labels: str) -> float:
    return sum(
        value
        for (sample, got), value in samples.items()
        if sample == name and set(labels.items()) <= set(got)
    )


@pytest.fixture
def coordinator(suite: SuiteUnderTest) -> dict[str, str]:
    """The coordinator's bearer header (demo people, non-demo password)."""
    seed_people(suite.dbs["identity"], suite.suite.identity.state.kek)
    return auth(token_for(suite.client, "demo-coordinator"))


def test_request_counters_and_histograms_by_route_template(suite, coordinator):
    client = suite.client
    before = _samples(client, "agenda")
    missing = "0" * 32
    for _ in range(3):
        assert client.get(f"/agenda/cases/{missing}", headers=coordinator).status_code == 404
    after = _samples(client, "agenda")
    labels = {"method": "GET", "route": "/cases/{case_id}", "status": "404"}
    name = "kasane_http_requests_total"
    assert _count(after, name, **labels) - _count(before, name, **labels) == 3
    buckets = "kasane_http_request_duration_seconds_count"
    assert _count(after, buckets, **labels) - _count(before, buckets, **labels) == 3
    # No raw path, id or query text in any label.
    assert missing not in json.dumps([list(k) for k in after])


def test_unmatched_paths_share_one_label_and_text_never_becomes_a_label(suite):
    client = suite.client
    client.get(f"/agenda/{SENTINEL}?q={SENTINEL}")
    text = client.get("/agenda/metrics").text
    assert SENTINEL not in text
    assert 'route="<unmatched>"' in text


def test_unwraps_and_redactions_move(suite, coordinator):
    client = suite.client
    identity_before, agenda_before = _samples(client, "identity"), _samples(client, "agenda")
    case = client.post(
        "/agenda/cases",
        headers=coordinator,
        json={"title": "観測", "notes": "本人は固定資産税を3年分滞納している。"},
    )
    assert case.status_code == 201, case.text
    assert client.get(f"/agenda/cases/{case.json()['id']}", headers=coordinator).status_code == 200
    identity_after, agenda_after = _samples(client, "identity"), _samples(client, "agenda")
    unwraps = "kasane_key_unwraps_total"
    assert _count(identity_after, unwraps, outcome="opened") > _count(
        identity_before, unwraps, outcome="opened"
    )
    spans = "kasane_redaction_spans_total"
    assert _count(agenda_after, spans) > _count(agenda_before, spans)
    assert ("kasane_argon2_in_progress", ()) in identity_after


def test_scrape_token_required_when_configured(suite, tmp_path):
    token_file = tmp_path / "metrics-token"
    token_file.write_text("scrape-secret-value\n")
    suite.suite.minutes.state.settings = suite.settings.model_copy(
        update={"metrics_token_file": token_file}
    )
    client = suite.client
    refused = client.get("/minutes/metrics")
    assert refused.status_code == 401
    assert refused.json()["code"] == "metrics_token_required"
    assert client.get("/minutes/metrics", headers=auth("wrong")).status_code == 401
    assert client.get("/minutes/metrics", headers=auth("scrape-secret-value")).status_code == 200


def test_one_request_id_through_service_calls(suite, coordinator, caplog):
    client = suite.client
    case = client.post("/agenda/cases", headers=coordinator, json={"title": "観測"}).json()
    with caplog.at_level(logging.INFO, logger="kasane.access"):
        response = client.get(
            f"/agenda/cases/{case['id']}",
            headers={**coordinator, "X-Request-ID": "0123abcd-4567-89ef-0123-456789abcdef"},
        )
    assert response.status_code == 200
    assert response.headers["x-request-id"] == "0123abcd-4567-89ef-0123-456789abcdef"
    lines = [r for r in caplog.records if r.name == "kasane.access"]
    traced = "0123abcd-4567-89ef-0123-456789abcdef"
    by_service: dict[str, list] = {}
    for r in lines:
        if r.request_id == traced:
            by_service.setdefault(r.service, []).append(r)
    # Agenda asked identity to unwrap the case's keys: identity's line has agenda's id
    # (identity may log other calls of the same request too, such as audit anchoring).
    assert {"agenda", "identity"} <= set(by_service)
    assert "/keys/unwrap" in {r.route for r in by_service["identity"]}
    [agenda_line] = by_service["agenda"]
    assert agenda_line.route == "/cases/{case_id}"
    assert agenda_line.status == 200


def test_a_request_id_that_is_not_an_id_is_replaced():
    assert accept_request_id(SENTINEL) != SENTINEL
    assert accept_request_id("ab") != "ab"
    assert accept_request_id("a" * 65) != "a" * 65
    assert accept_request_id("password-0123456789") != "password-0123456789"
    assert accept_request_id("0123456789abcdef") == "0123456789abcdef"


def _record(**extra) -> logging.LogRecord:
    record = logging.LogRecord("kasane.access", logging.INFO, __file__, 1, "request", (), None)
    for key, value in extra.items():
        setattr(record, key, value)
    return record


def test_json_and_text_formats():
    fields = {"service": "agenda", "route": "/cases", "status": 200, "duration_ms": 3.5}
    line = JsonFormatter().format(_record(request_id="r-0123456789", **fields))
    parsed = json.loads(line)
    assert parsed["level"] == "info" and parsed["request_id"] == "r-0123456789"
    assert parsed["route"] == "/cases" and parsed["status"] == 200 and parsed["duration_ms"] == 3.5
    text = TextFormatter().format(_record(request_id="r-0123456789", **fields))
    assert "\n" not in text and "INFO" in text and "route=/cases" in text and "status=200" in text


def test_exceptions_are_logged_by_type_and_place_never_by_message():
    try:
        raise ValueError(SENTINEL)
    except ValueError:
        import sys

        record = logging.LogRecord(
            "kasane.errors", logging.ERROR, __file__, 1, "failed", (), sys.exc_info()
        )
    for formatter in (JsonFormatter(), TextFormatter()):
        line = formatter.format(record)
        assert SENTINEL not in line
        assert "ValueError" in line and "test_observability.py" in line
