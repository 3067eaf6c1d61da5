"""Minutes' grants carry the minutes' entitlement statement (issue 18, finding 3): a kept tax
block is re-granted on the consent agenda decided by, and identity checks that proof."""

from __future__ import annotations

from sqlalchemy import delete, select

from minutes.meeting_minutes.models import MinutesWrap
from tests.minutes.test_minutes_flow import TAX_SAID, _minutes, _setup, _submit, _write


def _tax_holders(suite) -> set[str]:
    with suite.dbs["minutes"].session() as session:
        return set(
            session.scalars(
                select(MinutesWrap.member_id).where(
                    MinutesWrap.record_table == "tax_blocks", MinutesWrap.audience == "tax"
                )
            )
        )


def _jusou(coordinator, people, covers_tax: bool):
    consent = {
        "obtained_on": "2026-11-01",
        "organization_ids": [people.organizations["council"]],
        "covers_tax": covers_tax,
    }
    return _setup(coordinator, people, "jusou", consent)


def test_a_kept_tax_block_is_granted_again_on_agendas_consent(suite, coordinator, people, tokens):
    m1 = people.members["demo-member-1"]  # council: inside the consent's scope
    _, meeting_id, item_id = _jusou(coordinator, people, covers_tax=True)
    assert _write(suite, tokens, people, meeting_id, item_id).status_code == 200
    assert m1 in _tax_holders(suite)
    # The member's tax wrap is lost (a deleted row); saving the same text keeps the block
    # and grants it again by rewrap, with the consent agenda decided by as its proof.
    with suite.dbs["minutes"].session() as session:
        session.execute(
            delete(MinutesWrap).where(
                MinutesWrap.member_id == m1, MinutesWrap.record_table == "tax_blocks"
            )
        )
    saved = _write(suite, tokens, people, meeting_id, item_id)
    assert saved.status_code == 200, saved.text
    assert not [w for w in saved.json()["warnings"] if w["code"] == "grant_refused"]
    assert m1 in _tax_holders(suite)
    _submit(suite, tokens, meeting_id)
    assert TAX_SAID in _minutes(suite, tokens["demo-member-1"], meeting_id).text
