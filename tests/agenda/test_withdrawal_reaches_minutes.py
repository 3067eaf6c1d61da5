"""A withdrawal that minutes cannot hear of is refused whole: no consent reads as withdrawn
while the minutes still hand out its keys."""

from __future__ import annotations

import httpx

from agenda.minutes_client import MinutesClient
from tests.agenda import scenario as sc
from tests.helpers import assert_problem


class _Down:
    def request(self, *args, **kwargs):
        raise httpx.ConnectError("minutes is down")


def test_withdrawal_is_refused_while_minutes_cannot_be_reached(suite, coordinator, people):
    case = coordinator.ok(coordinator.post("/cases", sc.case_body(people)), 201)
    body = {
        "obtained_on": "2026-04-01",
        "organization_ids": [people.organizations["council"]],
        "covers_tax": True,
    }
    given = coordinator.ok(coordinator.post(f"/cases/{case['id']}/consents", body), 201)
    suite.suite.agenda.state.minutes = MinutesClient(_Down(), "/minutes")
    problem = assert_problem(
        coordinator.post(f"/cases/{case['id']}/consents/{given['id']}/withdraw", {}),
        503,
        "minutes_unavailable",
    )
    assert "会議録サービス" in problem["detail"]
    (still,) = coordinator.ok(coordinator.get(f"/cases/{case['id']}/consents"))
    assert still["state"] == "active"
    shown = coordinator.ok(coordinator.get(f"/cases/{case['id']}"))
    assert shown["tax_masked"] is False and sc.TAX_FACT in shown["notes"]
