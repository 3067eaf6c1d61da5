"""Audit anchor lag on each service's ``/metrics``: how far anchoring is behind the chain."""

from __future__ import annotations

import time

import pytest

from kasane_shared.audit_anchor import Anchorer
from kasane_shared.settings import SERVICES
from tests.helpers import auth, metric, seed_people, token_for

LAG, UNANCHORED = "kasane_audit_anchor_lag_seconds", "kasane_audit_unanchored_entries"


class Switch:
    """A sender that fails until it is turned on."""

    def __init__(self) -> None:
        self.on, self.sent = False, []

    def __call__(self, seq: int, head: str) -> None:
        if not self.on:
            raise ConnectionError("identity unreachable")
        self.sent.append(seq)


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_exposes_the_lag(suite, service):
    assert metric(suite.client, service, LAG) == 0
    assert metric(suite.client, service, UNANCHORED) == 0


def test_lag_grows_while_anchoring_fails_and_returns_to_zero(suite, monkeypatch):
    seed_people(suite.dbs["identity"], suite.suite.identity.state.kek)
    coordinator = auth(token_for(suite.client, "demo-coordinator"))
    switch = Switch()
    monkeypatch.setattr(suite.suite.agenda.state.db, "anchorer", Anchorer(switch, 0))

    for title in ("観測1", "観測2"):
        made = suite.client.post("/agenda/cases", headers=coordinator, json={"title": title})
        assert made.status_code == 201, made.text
    time.sleep(0.05)
    assert metric(suite.client, "agenda", UNANCHORED) >= 2
    first = metric(suite.client, "agenda", LAG)
    assert first >= 0.05
    time.sleep(0.05)
    assert metric(suite.client, "agenda", LAG) >= first + 0.05  # the oldest keeps its age

    switch.on = True
    made = suite.client.post("/agenda/cases", headers=coordinator, json={"title": "観測3"})
    assert made.status_code == 201, made.text
    assert switch.sent
    assert metric(suite.client, "agenda", LAG) == 0
    assert metric(suite.client, "agenda", UNANCHORED) == 0


def test_anchorer_lag_counts_entries_and_age_without_a_server():
    switch = Switch()
    anchorer = Anchorer(switch, 0)
    assert anchorer.lag() == (0.0, 0)
    anchorer.note((3, "h3"))
    anchorer.note((5, "h5"))
    seconds, entries = anchorer.lag()
    assert entries == 5 and seconds >= 0
    switch.on = True
    anchorer.note((6, "h6"))
    assert anchorer.lag() == (0.0, 0) and switch.sent == [6]
