"""Monotonic record versions in the minutes (issue 18, finding 12's first point): a tax-mark
decision re-seals an item (new data key, new pointers, a new version); a writer of the
database who kept the item's older row and wraps puts them back, every MAC in them genuine,
to show members the phrase in clear again. The minutes' mark of the item refuses it.
"""

from __future__ import annotations

from sqlalchemy import select

from kasane_shared.redaction import TAX_PLACEHOLDER
from minutes.base import AuditEntry
from tests.agenda.test_distribution import expected_suspects
from tests.helpers import assert_problem
from tests.minutes.test_minutes_check import CLEAR, _decide, in_review  # noqa: F401 (fixture)
from tests.minutes.test_minutes_flow import _minutes
from tests.minutes.test_record_origin import _item
from tests.origin_attacks import restore, snapshot


def test_an_older_item_restored_with_its_wraps_is_refused(suite, in_review, tokens):  # noqa: F811
    meeting_id, agenda_item_id = in_review
    item_id = _item(suite, meeting_id)
    older = snapshot(suite, "minutes_items", item_id, service="minutes")
    start, end, _ = expected_suspects(CLEAR)[0]
    marked = _decide(suite, tokens, meeting_id, agenda_item_id, "discussion", "mark", start, end)
    assert marked.status_code == 200, marked.text
    member = tokens["demo-member-1"]
    shown = _minutes(suite, member, meeting_id).json()["items"][0]["discussion"]
    assert CLEAR[start:end] not in shown and TAX_PLACEHOLDER in shown

    restore(suite, "minutes_items", item_id, older, service="minutes", extra=("tax_blocks",))

    response = _minutes(suite, member, meeting_id)
    assert CLEAR[start:end] not in response.text
    assert_problem(response, 409, "integrity_failure")
    with suite.dbs["minutes"].session() as session:
        failures = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "minutes.integrity_failure")
        ).all()
        assert {(f.target_type, f.target_id, f.details.get("check")) for f in failures} == {
            ("minutes_item", item_id, "version")
        }
