"""The member's agenda view asks identity once: the pledge and every key in one batched unwrap
(in suite mode, identity's custody called in process).

Each record is still checked on its own: one whose wrap was moved from another record, or
whose origin fails, is listed as unreadable while the rest is served; one that fails its
origin is never sent to identity; and without a valid pledge identity opens nothing.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from agenda.keys.models import Wrap
from agenda.meetings.models import AgendaItem
from tests.agenda import scenario as sc
from tests.helpers import UNWRAP_IN_PROCESS, record_service_calls, unwrap_audits

OTHER_BRIEF = "二件目の説明センチネルB8"


@pytest.fixture
def world(suite, coordinator, people):
    member = people.members["demo-member-1"]
    cases = [
        coordinator.ok(coordinator.post("/cases", sc.case_body(people)), 201),
        coordinator.ok(coordinator.post("/cases", sc.case_body(people, title="二件目")), 201),
    ]
    meeting = coordinator.ok(
        coordinator.post("/meetings", sc.meeting_body("shien", [{"member_id": member}])), 201
    )
    items = [
        coordinator.ok(
            coordinator.post(
                f"/meetings/{meeting['id']}/items", sc.item_body(case["id"], "shien", **extra)
            ),
            201,
        )
        for case, extra in zip(cases, ({}, {"briefing": OTHER_BRIEF}), strict=True)
    ]
    coordinator.distribute(meeting["id"])
    return {"meeting": meeting["id"], "member": member, "items": [i["id"] for i in items]}


@pytest.fixture
def calls(suite, monkeypatch):
    """Every call agenda makes to identity, as (method, path)."""
    seen: list[tuple[str, ...]] = []
    record_service_calls(monkeypatch, suite.suite.agenda.state.identity, seen)
    return seen


def _view(api, world):
    return api("demo-member-1").ok(api("demo-member-1").get(f"/meetings/{world['meeting']}/agenda"))


def test_one_identity_call_opens_the_title_cases_and_items(suite, api, world, calls):
    _view(api, world)  # the first view may grant and ask the session
    calls.clear()
    view = _view(api, world)
    # (The audit anchor, at most once every few seconds per service, is no part of the view.)
    assert calls == [UNWRAP_IN_PROCESS]
    assert view["pledge_valid"] is True and view["meeting"]["title"] != "支援会議"
    assert [i["redacted"] for i in view["items"]] == [None, None]
    assert OTHER_BRIEF in view["items"][1]["briefing"]
    # Identity heard the title, both cases and both items in that one batch.
    assert unwrap_audits(suite.dbs["identity"], world["member"])[-1].details["opened_count"] == 5


def test_a_wrap_moved_from_another_record_refuses_that_record_only(suite, api, world):
    first, second = world["items"]
    _view(api, world)  # identity now remembers the data keys of these wraps
    with suite.dbs["agenda"].session() as session:
        wraps = {
            w.record_id: w
            for w in session.scalars(
                select(Wrap).where(
                    Wrap.record_id.in_([first, second]),
                    Wrap.member_id == world["member"],
                    Wrap.audience == "content",
                )
            )
        }
        # The second item's row now holds the first item's (genuine, member's own) wrap.
        session.execute(
            update(Wrap).where(Wrap.id == wraps[second].id).values(wrapped=wraps[first].wrapped)
        )
    view = _view(api, world)
    by_id = {i["id"]: i for i in view["items"]}
    assert by_id[second]["redacted"] == "unreadable" and "briefing" not in by_id[second]
    assert by_id[first]["redacted"] is None and sc.BRIEF_GENERAL in by_id[first]["briefing"]
    assert OTHER_BRIEF not in str(view) and sc.BRIEF_GENERAL not in str(by_id[second])


def test_a_record_failing_its_origin_is_not_sent_to_identity(suite, api, world):
    first, second = world["items"]
    with suite.dbs["agenda"].session() as session:
        session.execute(
            update(AgendaItem).where(AgendaItem.id == second).values(origin_mac="0" * 64)
        )
    view = _view(api, world)
    by_id = {i["id"]: i for i in view["items"]}
    assert by_id[second]["redacted"] == "unreadable" and by_id[first]["redacted"] is None
    opened = unwrap_audits(suite.dbs["identity"], world["member"])[-1].details["opened"]
    assert second not in {o["record_id"] for o in opened} and first in str(opened)


def test_without_the_pledge_identity_opens_nothing_of_the_batch(suite, api, tokens, world, calls):
    _view(api, world)  # wraps held: the next view needs no grant, so it asks in one call
    sc.revoke_pledges(suite, world["member"], tokens["demo-member-1"])
    calls.clear()
    view = _view(api, world)
    assert view["pledge_valid"] is False and view["items"] == []
    assert view["meeting"]["title"] == "支援会議"
    assert UNWRAP_IN_PROCESS in calls
    last = unwrap_audits(suite.dbs["identity"], world["member"])[-1]
    assert last.outcome == "refused" and last.details["opened_count"] == 0
    assert set(last.details["refused"]) == {"no_pledge"}
    for secret in (*sc.ALL_SENTINELS, OTHER_BRIEF, *world["items"]):
        assert secret not in str(view)
