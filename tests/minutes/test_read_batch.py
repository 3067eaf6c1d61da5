"""The member's minutes read asks identity once itself: the pledge and every key in one unwrap.

Each record is still checked on its own: a wrap moved from another record opens nothing of
the record whose row now holds it (the approved read fails closed, as before); without a
valid pledge identity opens nothing of the batch and the read is refused (403) as before,
also where the read fails before any key is asked.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from minutes.meeting_minutes.models import Minutes, MinutesWrap
from tests.agenda import scenario as sc
from tests.helpers import (
    UNWRAP_IN_PROCESS,
    approve_minutes,
    assert_problem,
    auth,
    record_service_calls,
    unwrap_audits,
)

FIRST, SECOND = "一件目の議事センチネルR1", "二件目の議事センチネルR2"
READER = "demo-member-1"


@pytest.fixture
def world(suite, coordinator, people, tokens):
    member = people.members[READER]
    cases = [
        coordinator.ok(coordinator.post("/cases", sc.case_body(people)), 201),
        coordinator.ok(coordinator.post("/cases", sc.case_body(people, title="二件目")), 201),
    ]
    meeting = coordinator.ok(
        coordinator.post(
            "/meetings", sc.meeting_body("shien", [{"member_id": member, "required": True}])
        ),
        201,
    )
    items = [
        coordinator.ok(
            coordinator.post(f"/meetings/{meeting['id']}/items", sc.item_body(c["id"], "shien")),
            201,
        )["id"]
        for c in cases
    ]
    coordinator.distribute(meeting["id"])
    base = f"/minutes/meetings/{meeting['id']}/minutes"
    body = {
        "attendance": [member],
        "items": [
            {"agenda_item_id": i, "discussion": said, "decisions": said}
            for i, said in zip(items, (FIRST, SECOND), strict=True)
        ],
    }
    headers = auth(tokens["demo-coordinator"])
    approve_minutes(suite.client, headers, base, body)
    return {"base": base, "member": member, "items": items}


@pytest.fixture
def calls(suite, monkeypatch):
    """Every call minutes makes (to identity, to agenda) and agenda makes to identity."""
    seen: list[tuple[str, str, str]] = []
    state = suite.suite.minutes.state
    record_service_calls(monkeypatch, state.identity, seen, "minutes>identity")
    record_service_calls(monkeypatch, state.agenda, seen, "minutes>agenda")
    record_service_calls(monkeypatch, suite.suite.agenda.state.identity, seen, "agenda>identity")
    return seen


def _read(suite, tokens, world):
    return suite.client.get(world["base"], headers=auth(tokens[READER]))


def test_one_identity_call_of_its_own_per_read(suite, tokens, world, calls):
    assert _read(suite, tokens, world).status_code == 200  # the first read may grant
    calls.clear()
    read = _read(suite, tokens, world)
    assert read.status_code == 200, read.text
    # Before: the pledge status, then the unwrap; now the pledge is carried in the unwrap.
    assert [c[1:] for c in calls if c[0] == "minutes>identity"] == [UNWRAP_IN_PROCESS]
    assert len([c for c in calls if c[0] == "minutes>agenda"]) == 1, calls
    # The agenda view minutes asks for is itself one identity call (agenda's own keys).
    assert [c[1:] for c in calls if c[0] == "agenda>identity"] == [UNWRAP_IN_PROCESS]
    items = read.json()["items"]
    assert [i["redacted"] for i in items] == [None, None]
    assert FIRST in items[0]["discussion"] and SECOND in items[1]["discussion"]
    last = unwrap_audits(suite.dbs["identity"], world["member"])[-1]
    assert last.outcome != "refused" and last.details["opened_count"] >= 2


def test_a_moved_wrap_opens_nothing_and_fails_the_read_closed(suite, tokens, world):
    first, second = world["items"]
    assert _read(suite, tokens, world).status_code == 200  # identity remembers these keys
    with suite.dbs["minutes"].session() as session:
        rows = {
            w.record_id: w
            for w in session.scalars(
                select(MinutesWrap).where(
                    MinutesWrap.member_id == world["member"],
                    MinutesWrap.record_table == "minutes_items",
                )
            )
        }
        assert len(rows) == 2
        ids = sorted(rows, key=lambda r: rows[r].created_at)
        # The second item's row now holds the first item's (genuine, member's own) wrap.
        session.execute(
            update(MinutesWrap)
            .where(MinutesWrap.id == rows[ids[1]].id)
            .values(wrapped=rows[ids[0]].wrapped)
        )
    read = _read(suite, tokens, world)
    # Identity still opens the genuine wrap; its key does not open the record whose row holds
    # it, and an approved version that fails a check is refused whole (409), as before.
    assert_problem(read, 409, "integrity_failure")
    assert FIRST not in read.text and SECOND not in read.text


def test_without_the_pledge_identity_opens_nothing_and_the_read_is_refused(
    suite, tokens, world, calls
):
    assert _read(suite, tokens, world).status_code == 200
    sc.revoke_pledges(suite, world["member"], tokens[READER])
    calls.clear()
    read = _read(suite, tokens, world)
    assert_problem(read, 403, "no_pledge")
    for secret in (FIRST, SECOND, *world["items"]):
        assert secret not in read.text
    assert ("minutes>identity", *UNWRAP_IN_PROCESS) in calls
    assert not [c for c in calls if "pledges" in c[2]], calls
    last = unwrap_audits(suite.dbs["identity"], world["member"])[-1]
    assert last.outcome == "refused" and last.details["opened_count"] == 0
    assert set(last.details["refused"]) == {"no_pledge"}


@pytest.mark.parametrize("path", ["", "?version=9"])
def test_without_the_pledge_a_failing_read_is_still_403(suite, tokens, world, path):
    """The pledge now comes with the keys: a read that fails before them still asks it first."""
    assert _read(suite, tokens, world).status_code == 200
    with suite.dbs["minutes"].session() as session:
        session.execute(update(Minutes).values(content_hash="0" * 64))
    sc.revoke_pledges(suite, world["member"], tokens[READER])
    read = suite.client.get(world["base"] + path, headers=auth(tokens[READER]))
    assert_problem(read, 403, "no_pledge")
    assert FIRST not in read.text and world["items"][0] not in read.text


def test_the_read_and_its_agenda_view_are_written_once_as_built(suite, tokens, world, monkeypatch):
    """Neither the minutes read nor the agenda view it asks for is validated again by FastAPI
    (a second pass in another worker thread): each writes what it built, as FastAPI would."""
    import fastapi.routing

    from minutes.meeting_minutes.schemas import MinutesOut

    checked: list[object] = []
    original = fastapi.routing.serialize_response

    async def counted(**kwargs):
        content = kwargs.get("response_content")
        # Other answers on the way (identity's tokens, unwraps) still go through it.
        if isinstance(content, MinutesOut) or (isinstance(content, dict) and "meeting" in content):
            checked.append(content)
        return await original(**kwargs)

    monkeypatch.setattr(fastapi.routing, "serialize_response", counted)
    read = _read(suite, tokens, world)
    assert read.status_code == 200, read.text
    assert read.headers["content-type"] == "application/json"
    assert checked == []
    # The same JSON the response model gives (field names, order, values).
    assert read.content == MinutesOut.model_validate_json(read.content).model_dump_json().encode()
    meeting = world["base"].split("/")[3]
    view = suite.client.get(f"/agenda/meetings/{meeting}/agenda", headers=auth(tokens[READER]))
    assert view.status_code == 200 and checked == []
    assert [i["redacted"] for i in view.json()["items"]] == [None, None]
