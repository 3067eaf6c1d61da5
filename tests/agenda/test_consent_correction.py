"""A consent entered in error is corrected (not withdrawn); keys go only where scope narrows."""

from __future__ import annotations

from tests.agenda import scenario as sc
from tests.helpers import assert_problem


def _case_with_consent(coordinator, people, **consent):
    case = coordinator.ok(coordinator.post("/cases", sc.case_body(people)), 201)
    body = {
        "obtained_on": "2016-04-01",
        "organization_ids": [people.organizations["council"]],
        "covers_tax": True,
        **consent,
    }
    given = coordinator.ok(coordinator.post(f"/cases/{case['id']}/consents", body), 201)
    return case, given, body


def test_wrong_date_is_corrected_and_tax_stays_readable(coordinator, people):
    case, given, body = _case_with_consent(coordinator, people)
    path = f"/cases/{case['id']}/consents"
    assert coordinator.ok(coordinator.get(f"/cases/{case['id']}"))["tax_masked"] is False
    out = coordinator.ok(
        coordinator.post(
            f"{path}/{given['id']}/correct",
            {"reason": "wrong_date", "replacement": {**body, "obtained_on": "2026-04-01"}},
        )
    )
    corrected, replacement = out["corrected"], out["replacement"]
    assert (corrected["state"], corrected["correction_reason"]) == ("corrected", "wrong_date")
    assert corrected["withdrawn_at"] is None and corrected["replaced_by"] == replacement["id"]
    assert replacement["corrects_id"] == given["id"] and replacement["obtained_on"] == "2026-04-01"
    shown = coordinator.ok(coordinator.get(f"/cases/{case['id']}"))
    assert shown["active_consent"]["id"] == replacement["id"]
    # Same scope, still covering tax: nothing was taken back, the tax text stays open.
    assert shown["tax_masked"] is False and sc.TAX_FACT in shown["notes"]
    states = [(c["id"], c["state"]) for c in coordinator.ok(coordinator.get(path))]
    assert set(states) == {(given["id"], "corrected"), (replacement["id"], "active")}


def test_entry_on_the_wrong_case_is_voided(coordinator, people):
    case, given, _ = _case_with_consent(coordinator, people)
    out = coordinator.ok(
        coordinator.post(
            f"/cases/{case['id']}/consents/{given['id']}/correct", {"reason": "wrong_case"}
        )
    )
    assert out["replacement"] is None and out["corrected"]["active"] is False
    shown = coordinator.ok(coordinator.get(f"/cases/{case['id']}"))
    assert shown["active_consent"] is None and shown["tax_masked"] is True


def test_bad_corrections_change_nothing(coordinator, people):
    case, given, body = _case_with_consent(coordinator, people)
    path = f"/cases/{case['id']}/consents/{given['id']}"
    for bad in (
        {},
        {"reason": "typo"},
        {"reason": "wrong_date", "replacement": {**body, "organization_ids": []}},
        {"reason": "wrong_date", "replacement": {**body, "obtained_on": "2026-02-30"}},
        {"reason": "wrong_date", "extra": True},
    ):
        assert_problem(coordinator.post(f"{path}/correct", bad), 422)
    unknown_org = {**body, "organization_ids": ["nope"]}
    assert_problem(
        coordinator.post(f"{path}/correct", {"reason": "other", "replacement": unknown_org}), 422
    )
    assert_problem(
        coordinator.post(f"/cases/{case['id']}/consents/nope/correct", {"reason": "other"}), 404
    )
    assert (
        coordinator.ok(coordinator.get(f"/cases/{case['id']}"))["active_consent"]["id"]
        == (given["id"])
    )
    coordinator.ok(coordinator.post(f"{path}/correct", {"reason": "wrong_case"}))
    assert_problem(coordinator.post(f"{path}/correct", {"reason": "other"}), 409, "consent_closed")
    assert_problem(coordinator.post(f"{path}/withdraw", {}), 409, "consent_closed")


def test_withdrawal_keeps_its_reason(coordinator, people):
    case, given, _ = _case_with_consent(coordinator, people)
    out = coordinator.ok(
        coordinator.post(
            f"/cases/{case['id']}/consents/{given['id']}/withdraw", {"reason": "person_request"}
        )
    )
    assert (out["state"], out["withdrawal_reason"]) == ("withdrawn", "person_request")
    assert_problem(
        coordinator.post(
            f"/cases/{case['id']}/consents/{given['id']}/correct", {"reason": "other"}
        ),
        409,
        "consent_closed",
    )
