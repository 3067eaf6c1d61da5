"""Finding 7: a withdrawn consent re-keys the minutes' tax blocks, not only agenda's records."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select, update

from kasane_shared.crypto import DataKey, from_text
from kasane_shared.errors import KasaneError
from kasane_shared.redaction import TAX_PLACEHOLDER
from kasane_shared.sealing import open_audience
from minutes.base import AuditEntry
from minutes.meeting_minutes.models import Minutes, MinutesItem, MinutesWrap, TaxBlock
from minutes.meeting_minutes.sealing import TAX, ref
from tests.helpers import assert_problem, auth, check_minutes
from tests.minutes.test_minutes_flow import DECIDED, TAX_SAID, _minutes, _setup, _write


def _consent(people) -> dict[str, Any]:
    # Member 1's organization (社協) is in scope; member 2's (包括) is not.
    return {
        "obtained_on": "2026-11-01",
        "organization_ids": [people.organizations["council"]],
        "covers_tax": True,
    }


def _approved_minutes(suite, coordinator, people, tokens, kind: str) -> tuple[str, str]:
    case_id, meeting_id, item_id = _setup(coordinator, people, kind, _consent(people))
    assert _write(suite, tokens, people, meeting_id, item_id).status_code == 200
    for step in ("/submit", "/approve"):
        if step == "/approve":  # the check before approval: every suspect kept
            check_minutes(suite.client, auth(tokens["demo-coordinator"]), meeting_id)
        response = _minutes(suite, tokens["demo-coordinator"], meeting_id, "POST", step)
        assert response.status_code == 200, response.text
    return case_id, meeting_id


def _block(suite) -> TaxBlock:
    with suite.dbs["minutes"].session() as session:
        item = session.scalar(select(MinutesItem))
        (block_id,) = item.tax_blocks.values()
        block = session.get(TaxBlock, block_id)
        session.expunge(block)
        return block


def _wraps_of(suite, record_id: str) -> dict[str, MinutesWrap]:
    with suite.dbs["minutes"].session() as session:
        rows = session.scalars(select(MinutesWrap).where(MinutesWrap.record_id == record_id))
        return {w.member_id: w for w in rows}


def _unwrap(suite, token: str, wrapped: str) -> DataKey:
    response = suite.client.post(
        "/identity/keys/unwrap", json={"wrapped": [wrapped]}, headers=auth(token)
    )
    assert response.status_code == 200, response.text
    return DataKey(from_text(response.json()["results"][0]["data_key"]))


def _withdraw(coordinator, case_id: str) -> dict[str, Any]:
    (consent,) = coordinator.ok(coordinator.get(f"/cases/{case_id}/consents"))
    return coordinator.ok(coordinator.post(f"/cases/{case_id}/consents/{consent['id']}/withdraw"))


@pytest.mark.parametrize("kind", ["shien", "jusou"])
def test_withdrawal_takes_the_tax_text_of_the_minutes_back(
    suite, coordinator, people, tokens, kind
):
    case_id, meeting_id = _approved_minutes(suite, coordinator, people, tokens, kind)
    member_1, author = people.members["demo-member-1"], people.members["demo-coordinator"]
    assert TAX_SAID in _minutes(suite, tokens["demo-member-1"], meeting_id).text
    before = _block(suite)
    # What member 1 could have kept from an earlier read: the block's data key itself.
    kept_key = _unwrap(
        suite, tokens["demo-member-1"], _wraps_of(suite, before.id)[member_1].wrapped
    )

    withdrawn = _withdraw(coordinator, case_id)
    assert not [w for w in withdrawn["warnings"] if "reseal" in w["code"]], withdrawn

    shown = _minutes(suite, tokens["demo-member-1"], meeting_id)
    assert shown.status_code == 200 and TAX_SAID not in shown.text
    item = shown.json()["items"][0]
    if kind == "shien":  # the content stays, its tax part is masked
        assert item["tax_masked"] is True and DECIDED in shown.text
        assert TAX_PLACEHOLDER in item["discussion"]
    else:  # nobody is in the scope of a withdrawn consent any more
        assert item["redacted"] == "consent_scope" and DECIDED not in shown.text
    after = _block(suite)
    assert set(_wraps_of(suite, after.id)) == {author}
    # Re-sealed under a fresh data key: the kept key opens nothing any more.
    assert after.seal_version == before.seal_version + 1
    assert after.sealed_fields[TAX] != before.sealed_fields[TAX]
    with pytest.raises(KasaneError):
        open_audience(
            ref("tax_blocks", after.id), TAX, after.seal_version, kept_key, after.sealed_fields[TAX]
        )
    # The author still reads their own words, and the approved version still checks out.
    own = _minutes(suite, tokens["demo-coordinator"], meeting_id)
    assert own.status_code == 200 and TAX_SAID in own.text
    with suite.dbs["minutes"].session() as session:
        entry = session.scalar(
            select(AuditEntry).where(AuditEntry.action == "minutes.consent_withdrawal")
        )
        assert entry is not None and entry.target_id == case_id


def test_narrowing_never_grants(suite, coordinator, people, tokens):
    case_id, meeting_id = _approved_minutes(suite, coordinator, people, tokens, "shien")
    block = _block(suite)
    holders = set(_wraps_of(suite, block.id))
    with suite.dbs["minutes"].session() as session:
        item = session.scalar(select(MinutesItem))
    everyone = [people.members[m] for m in ("demo-member-1", "demo-member-2", "demo-member-3")]
    body = {
        "consent_id": "c1",
        "items": [
            {
                "agenda_item_id": item.agenda_item_id,
                "content_member_ids": everyone,
                "tax_member_ids": everyone,
            }
        ],
    }
    path = f"/minutes/cases/{case_id}/consent-withdrawal"
    response = suite.client.post(path, json=body, headers=auth(tokens["demo-coordinator"]))
    assert response.status_code == 200, response.text
    assert set(_wraps_of(suite, block.id)) == holders
    assert_problem(suite.client.post(path, json=body, headers=auth(tokens["demo-member-1"])), 403)
    body["items"][0]["tax_member_ids"] = "everyone"
    assert_problem(
        suite.client.post(path, json=body, headers=auth(tokens["demo-coordinator"])), 422
    )


def test_a_correction_that_drops_tax_rekeys_the_minutes_too(suite, coordinator, people, tokens):
    case_id, meeting_id = _approved_minutes(suite, coordinator, people, tokens, "shien")
    (consent,) = coordinator.ok(coordinator.get(f"/cases/{case_id}/consents"))
    replacement = {**_consent(people), "covers_tax": False}
    coordinator.ok(
        coordinator.post(
            f"/cases/{case_id}/consents/{consent['id']}/correct",
            {"reason": "wrong_tax", "replacement": replacement},
        )
    )
    shown = _minutes(suite, tokens["demo-member-1"], meeting_id)
    assert shown.status_code == 200 and TAX_SAID not in shown.text
    assert set(_wraps_of(suite, _block(suite).id)) == {people.members["demo-coordinator"]}


def test_tampered_approved_minutes_lose_the_keys_but_are_not_resealed(
    suite, coordinator, people, tokens
):
    case_id, meeting_id = _approved_minutes(suite, coordinator, people, tokens, "shien")
    with suite.dbs["minutes"].session() as session:
        session.execute(update(Minutes).values(content_hash="0" * 64))
    before = _block(suite)
    withdrawn = _withdraw(coordinator, case_id)
    assert "minutes_not_resealed" in {w["code"] for w in withdrawn["warnings"]}
    after = _block(suite)
    assert set(_wraps_of(suite, after.id)) == {people.members["demo-coordinator"]}
    assert after.sealed_fields == before.sealed_fields  # not re-sealed, not re-hashed
    with suite.dbs["minutes"].session() as session:
        assert session.scalar(select(Minutes.content_hash)) == "0" * 64
        actions = set(session.scalars(select(AuditEntry.action)))
    assert {"minutes.integrity_failure", "minutes.consent_withdrawal"} <= actions


def test_a_clean_check_before_approval_follows_the_new_keys(suite, coordinator, people, tokens):
    """Minutes in review, checked: the withdrawal re-keys them, the check still covers them."""
    from minutes.consents.service import _check_holds

    case_id, meeting_id, item_id = _setup(coordinator, people, "shien", _consent(people))
    assert _write(suite, tokens, people, meeting_id, item_id).status_code == 200
    assert _minutes(suite, tokens["demo-coordinator"], meeting_id, "POST", "/submit").is_success
    check_minutes(suite.client, auth(tokens["demo-coordinator"]), meeting_id)
    with suite.dbs["minutes"].session() as session:
        before = session.scalar(select(Minutes)).checked_hash
    assert before is not None
    _withdraw(coordinator, case_id)
    with suite.dbs["minutes"].session() as session:
        minutes = session.scalar(select(Minutes))
        assert minutes.checked_hash != before
        assert _check_holds(session, minutes)
