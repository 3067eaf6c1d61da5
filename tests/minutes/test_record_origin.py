"""Records with an origin in the minutes (issue 18, finding 4): an item re-made by a writer of
the database with public keys alone (fresh data key, right associated data, wraps for the
readers and the escrow) opens under every AEAD and HPKE check, so only the minutes' origin
MAC can refuse it; it does, before anything is shown, and audits the item's id.
"""

from __future__ import annotations

import json

from sqlalchemy import select, text

from minutes.base import AuditEntry
from minutes.meeting_minutes.models import Minutes, MinutesItem
from minutes.meeting_minutes.sealing import canonical
from tests.helpers import assert_problem
from tests.minutes.test_minutes_flow import (  # noqa: F401 (shien is a fixture)
    GENERAL_SAID,
    _minutes,
    shien,
)
from tests.origin_attacks import FORGED, mint


def _item(suite, meeting_id: str) -> str:
    with suite.dbs["minutes"].session() as session:
        minutes = session.scalar(select(Minutes).where(Minutes.meeting_id == meeting_id))
        return session.scalar(select(MinutesItem.id).where(MinutesItem.minutes_id == minutes.id))


def _forged_item(_audience: str, _name: str) -> str:
    body = {
        "discussion": FORGED,
        "decisions": FORGED,
        "roles": [],
        "monitoring_on": None,
        "action_items": [],
    }
    return canonical({"body": canonical(body), "tax_blocks": {}})


def test_an_item_minted_with_public_keys_is_refused(suite, shien, tokens):  # noqa: F811
    _, meeting_id, _ = shien
    token = tokens["demo-coordinator"]
    assert GENERAL_SAID in _minutes(suite, token, meeting_id).text
    item_id = _item(suite, meeting_id)
    with suite.dbs["minutes"].session() as session:
        session.execute(
            text("UPDATE minutes_items SET tax_blocks = :t WHERE id = :id"),
            {"t": json.dumps({}), "id": item_id},
        )
    mint(suite, MinutesItem, item_id, service="minutes", value=_forged_item)

    response = _minutes(suite, token, meeting_id)
    assert FORGED not in response.text
    assert_problem(response, 409, "integrity_failure")
    with suite.dbs["minutes"].session() as session:
        failures = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "minutes.integrity_failure")
        ).all()
        assert ("minutes_item", item_id) in {(f.target_type, f.target_id) for f in failures}
        assert all(FORGED not in json.dumps(f.details, ensure_ascii=False) for f in failures)


def test_writing_reading_and_correcting_still_work(suite, shien, tokens):  # noqa: F811
    _, meeting_id, _ = shien
    token = tokens["demo-coordinator"]
    assert GENERAL_SAID in _minutes(suite, token, meeting_id).text
    with suite.dbs["minutes"].session() as session:
        assert all(i.origin_mac for i in session.scalars(select(MinutesItem)))
