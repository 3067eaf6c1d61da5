"""Review for real: drafts stay with coordinators, attendees confirm, corrections need reasons."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from minutes.meeting_minutes.models import Minutes, MinutesConfirmation
from tests.agenda.scenario import TITLE
from tests.helpers import assert_problem, auth
from tests.minutes.test_minutes_flow import _approve, _minutes, _setup, _write


@pytest.fixture
def drafted(suite, coordinator, people, tokens):
    case_id, meeting_id, item_id = _setup(coordinator, people, "shien", None)
    assert _write(suite, tokens, people, meeting_id, item_id).status_code == 200
    return meeting_id


def test_items_name_their_case_by_number_and_title(suite, coordinator, people, tokens):
    _, meeting_id, _ = _setup(coordinator, people, "shien", None)
    token = tokens["demo-coordinator"]
    skeleton = _minutes(suite, token, meeting_id).json()["items"][0]
    assert re.fullmatch(r"R\d+-\d{4}", skeleton["case_number"]) and skeleton["case_title"] == TITLE
    item_id = skeleton["agenda_item_id"]
    saved = _write(suite, tokens, people, meeting_id, item_id).json()["items"][0]
    assert saved["case_number"] == skeleton["case_number"] and saved["case_title"] == TITLE


def test_members_do_not_see_a_draft(suite, drafted, tokens):
    member = tokens["demo-member-1"]
    assert_problem(_minutes(suite, member, drafted), 404, "not_found")
    assert_problem(_minutes(suite, member, drafted, params={"version": 1}), 404, "not_found")
    assert _minutes(suite, member, drafted, path="/versions").json() == []
    assert_problem(_minutes(suite, member, drafted, "POST", "/confirmations"), 409, "wrong_status")
    _minutes(suite, tokens["demo-coordinator"], drafted, "POST", "/submit")
    assert _minutes(suite, member, drafted).json()["status"] == "in_review"
    assert [v["status"] for v in _minutes(suite, member, drafted, path="/versions").json()] == [
        "in_review"
    ]


def _count(suite) -> int:
    with suite.dbs["minutes"].session() as session:
        return session.scalar(select(func.count()).select_from(MinutesConfirmation)) or 0


def test_attendees_confirm_and_the_coordinator_sees_who(suite, drafted, tokens, people):
    coordinator, member = tokens["demo-coordinator"], tokens["demo-member-1"]
    _minutes(suite, coordinator, drafted, "POST", "/submit")
    confirmed = _minutes(suite, member, drafted, "POST", "/confirmations")
    assert confirmed.status_code == 201, confirmed.text
    assert confirmed.json()["member_id"] == people.members["demo-member-1"]
    assert confirmed.json()["version"] == 1
    assert_problem(
        _minutes(suite, member, drafted, "POST", "/confirmations"), 409, "already_confirmed"
    )
    # Invited but not recorded as attending: nothing to confirm; without a pledge, nothing at all.
    invited = {"attendees": [{"member_id": people.members["demo-member-3"]}]}
    added = suite.client.post(
        f"/agenda/meetings/{drafted}/attendees", json=invited, headers=auth(coordinator)
    )
    assert added.status_code == 200, added.text
    assert_problem(
        _minutes(suite, tokens["demo-member-3"], drafted, "POST", "/confirmations"),
        403,
        "not_attendee",
    )
    assert_problem(
        _minutes(suite, tokens["demo-member-4"], drafted, "POST", "/confirmations"),
        403,
        "no_pledge",
    )
    assert _count(suite) == 1
    mine = _minutes(suite, member, drafted).json()
    assert mine["confirmed_by_me"] is True and mine["confirmations"] is None
    seen = _minutes(suite, coordinator, drafted).json()
    assert [c["member_id"] for c in seen["confirmations"]] == [people.members["demo-member-1"]]
    listed = _minutes(suite, coordinator, drafted, path="/confirmations", params={"version": 1})
    assert [c["member_id"] for c in listed.json()] == [people.members["demo-member-1"]]
    assert_problem(
        _minutes(suite, member, drafted, path="/confirmations", params={"version": 1}), 403
    )
    assert_problem(_minutes(suite, coordinator, drafted, path="/confirmations"), 422)
    assert_problem(
        _minutes(suite, coordinator, drafted, path="/confirmations", params={"version": 9}),
        404,
    )
    comment = _minutes(
        suite, member, drafted, "POST", "/comments", json={"text": "2頁目の日付が違います"}
    )
    assert comment.status_code == 201


def _versions(suite) -> int:
    with suite.dbs["minutes"].session() as session:
        return session.scalar(select(func.count()).select_from(Minutes)) or 0


@pytest.mark.parametrize(
    "body",
    [
        None,
        {},
        {"reason": ""},
        {"reason": "   "},
        {"reason": "あ" * 2000},
        {"reason": "記載漏れ", "extra": 1},
        {"reason": 12},
    ],
    ids=["no-body", "missing", "empty", "blank", "2000-chars", "unknown-field", "not-text"],
)
def test_a_correction_needs_a_reason(suite, drafted, tokens, body):
    coordinator = tokens["demo-coordinator"]
    _minutes(suite, coordinator, drafted, "POST", "/submit")
    assert _approve(suite, coordinator, drafted).status_code == 200
    kwargs = {} if body is None else {"json": body}
    refused = assert_problem(
        _minutes(suite, coordinator, drafted, "POST", "/corrections", **kwargs), 422
    )
    assert "Traceback" not in str(refused)
    assert _versions(suite) == 1


def test_corrections_only_from_approved_minutes_and_by_coordinators(suite, drafted, tokens):
    reason = {"json": {"reason": "記載漏れ"}}
    assert_problem(
        _minutes(suite, tokens["demo-coordinator"], drafted, "POST", "/corrections", **reason),
        409,
        "wrong_status",
    )
    assert_problem(
        _minutes(suite, tokens["demo-member-1"], drafted, "POST", "/corrections", **reason), 403
    )
    assert _versions(suite) == 1
