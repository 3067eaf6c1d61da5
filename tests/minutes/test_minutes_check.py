"""The check before approval (承認前確認): suspects block approval until kept or masked.

Suspects are taken from what the redactor says of each text at test time (its model is
retrained now and then), never from hard-coded offsets.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import func, select

from kasane_shared.redaction import TAX_PLACEHOLDER, find_tax_spans
from minutes.base import AuditEntry
from tests.agenda.scenario import expire_pledges
from tests.agenda.test_distribution import expected_suspects, suspect_text
from tests.helpers import assert_problem, auth, check_minutes, metric
from tests.minutes.test_minutes_flow import _minutes, _setup

CLEAR = suspect_text(2)
DECIDED = "決定センチネルC7。見守りを続ける。"
DUTY = "月1回の訪問"
ACTION = "次回までに訪問結果を共有する"


def _draft(people, item_id: str, discussion: str = CLEAR) -> dict[str, Any]:
    member = people.members["demo-member-1"]
    return {
        "attendance": [member, people.members["demo-member-2"]],
        "items": [
            {
                "agenda_item_id": item_id,
                "discussion": discussion,
                "decisions": DECIDED,
                "roles": [{"organization_id": people.organizations["council"], "duty": DUTY}],
                "action_items": [{"text": ACTION}],
            }
        ],
    }


@pytest.fixture
def in_review(suite, coordinator, people, tokens) -> tuple[str, str]:
    """Minutes of a 支援会議 in review whose discussion holds open suspects."""
    _, meeting_id, item_id = _setup(coordinator, people, "shien", None)
    token = tokens["demo-coordinator"]
    written = _minutes(suite, token, meeting_id, "PUT", json=_draft(people, item_id))
    assert written.status_code == 200, written.text
    assert _minutes(suite, token, meeting_id, "POST", "/submit").status_code == 200
    return meeting_id, item_id


def _check(suite, tokens, meeting_id: str) -> dict[str, Any]:
    response = _minutes(suite, tokens["demo-coordinator"], meeting_id, path="/check")
    assert response.status_code == 200, response.text
    return response.json()


def _field(check: dict[str, Any], path: str) -> dict[str, Any]:
    return next(f for i in check["items"] for f in i["fields"] if f["field"] == path)


def _audit(suite) -> list[AuditEntry]:
    with suite.dbs["minutes"].session() as session:
        entries = list(session.scalars(select(AuditEntry).order_by(AuditEntry.seq)))
        session.expunge_all()
        return entries


def _audit_count(suite) -> int:
    with suite.dbs["minutes"].session() as session:
        return session.scalar(select(func.count()).select_from(AuditEntry))


def _decide(suite, tokens, meeting_id, item_id, path, action, start, end):
    body = {
        "agenda_item_id": item_id,
        "field": path,
        "action": action,
        "start": start,
        "end": end,
    }
    token = tokens["demo-coordinator"]
    return _minutes(suite, token, meeting_id, "POST", "/tax-marks", json=body)


def test_the_check_lists_every_text_with_masks_and_suspects(suite, in_review, tokens):
    meeting_id, item_id = in_review
    check = _check(suite, tokens, meeting_id)
    assert check["status"] == "in_review" and check["version"] == 1
    [item] = check["items"]
    assert item["item_id"] == item_id
    paths = [f["field"] for f in item["fields"]]
    assert paths == ["discussion", "decisions", "roles.0.duty", "action_items.0.text"]
    for f, text in zip(item["fields"], (CLEAR, DECIDED, DUTY, ACTION), strict=True):
        assert f["record"] == "minutes" and f["record_id"] == item_id and f["text"] == text
        assert f["masked"] == [[s.start, s.end, "auto"] for s in find_tax_spans(text)]
        assert f["suspects"] == expected_suspects(text) and not f["locked"]
    assert all(reason for f in item["fields"] for _, _, reason in f["suspects"])
    assert (
        check["unresolved"] == item["unresolved"] == sum(len(f["suspects"]) for f in item["fields"])
    )
    assert check["unresolved"] >= 2
    [read] = [e for e in _audit(suite) if e.action == "minutes.check"]
    assert read.details["unresolved"] == check["unresolved"]
    assert CLEAR[:6] not in json.dumps(read.details, ensure_ascii=False)


def test_suspects_block_approval_until_kept_or_masked(suite, in_review, tokens, people):
    meeting_id, item_id = in_review
    token = tokens["demo-coordinator"]
    refused = assert_problem(_minutes(suite, token, meeting_id, "POST", "/approve"), 409)
    assert refused["code"] == "unresolved_suspects" and "疑い箇所" in refused["detail"]
    assert _minutes(suite, token, meeting_id).json()["status"] == "in_review"
    assert not [e for e in _audit(suite) if e.action == "minutes.approve"]

    (k_start, k_end, _), (m_start, m_end, _) = expected_suspects(CLEAR)[:2]
    kept = _decide(suite, tokens, meeting_id, item_id, "discussion", "keep", k_start, k_end)
    assert kept.status_code == 200, kept.text
    marked = _decide(suite, tokens, meeting_id, item_id, "discussion", "mark", m_start, m_end)
    assert marked.status_code == 200, marked.text
    discussion = _field(_check(suite, tokens, meeting_id), "discussion")
    open_ranges = [(s, e) for s, e, _ in discussion["suspects"]]
    assert (k_start, k_end) not in open_ranges and (m_start, m_end) not in open_ranges
    [decision] = discussion["kept"]
    assert decision[:3] == [k_start, k_end, people.members["demo-coordinator"]]
    assert decision[3].startswith("20")
    assert any(s <= m_start and m_end <= e and o == "manual" for s, e, o in discussion["masked"])

    # Members: the kept phrase stays in clear, the marked one is masked now.
    shown = _minutes(suite, tokens["demo-member-1"], meeting_id).json()["items"][0]
    assert CLEAR[k_start:k_end] in shown["discussion"] and TAX_PLACEHOLDER in shown["discussion"]
    assert CLEAR[m_start:m_end] not in shown["discussion"]

    entries = {e.action: e for e in _audit(suite)}
    for action, start, end in (("keep", k_start, k_end), ("mark", m_start, m_end)):
        details = entries[f"minutes.tax_{action}"].details
        assert details["field"] == "discussion"
        assert (details["start"], details["end"]) == (start, end)
        assert set(details) == {"minutes_id", "field", "start", "end"}
        assert entries[f"minutes.tax_{action}"].target_type == "minutes_item"

    check_minutes(suite.client, auth(token), meeting_id)  # the rest: not tax data
    approved = _minutes(suite, token, meeting_id, "POST", "/approve")
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"


def test_a_keep_in_a_text_with_nothing_masked_hides_nothing(suite, coordinator, people, tokens):
    """A decision is kept with the hidden parts even where there are none; readers see no mask."""
    text = suspect_text(1)
    _, meeting_id, item_id = _setup(coordinator, people, "shien", None)
    token = tokens["demo-coordinator"]
    draft = _draft(people, item_id, discussion="見守りを続ける。")
    draft["items"][0]["decisions"] = text
    assert _minutes(suite, token, meeting_id, "PUT", json=draft).status_code == 200
    decisions = _field(_check(suite, tokens, meeting_id), "decisions")
    for start, end, _ in decisions["suspects"]:
        done = _decide(suite, tokens, meeting_id, item_id, "decisions", "keep", start, end)
        assert done.status_code == 200, done.text
    assert _field(_check(suite, tokens, meeting_id), "decisions")["suspects"] == []
    _minutes(suite, token, meeting_id, "POST", "/submit")
    shown = _minutes(suite, tokens["demo-member-1"], meeting_id).json()["items"][0]
    masked_now = bool(find_tax_spans(text))
    assert shown["tax_masked"] is masked_now
    assert (TAX_PLACEHOLDER in shown["decisions"]) is masked_now


def _bad_bodies(item_id: str) -> list[tuple[str, dict[str, Any], int, str | None]]:
    """(label, body, status, code) of decisions that must change nothing."""
    (start, end, _), masked = expected_suspects(CLEAR)[0], find_tax_spans(CLEAR)[0]
    base = {"agenda_item_id": item_id, "field": "discussion", "action": "keep"}
    assert expected_suspects(DECIDED) == []  # a text with nothing to decide
    return [
        ("masked-range", {**base, "start": masked.start, "end": masked.end}, 422, "not_a_suspect"),
        ("one-too-long", {**base, "start": start, "end": end + 1}, 422, "not_a_suspect"),
        ("clean-text", {**base, "field": "decisions", "start": 0, "end": 2}, 422, "not_a_suspect"),
        ("past-the-end", {**base, "start": 0, "end": len(CLEAR) + 1}, 422, "invalid_input"),
        ("mark-past-end", {**base, "action": "mark", "start": 0, "end": 19999}, 422, None),
        ("backwards", {**base, "start": end, "end": start}, 422, "invalid_input"),
        ("empty", {**base, "action": "mark", "start": 3, "end": 3}, 422, "invalid_input"),
        ("negative", {**base, "start": -1, "end": 2}, 422, None),
        ("no-such-role", {**base, "field": "roles.5.duty", "start": 0, "end": 2}, 422, None),
        ("not-a-text", {**base, "field": "monitoring_on", "start": 0, "end": 2}, 422, None),
        ("unknown-action", {**base, "action": "maybe", "start": start, "end": end}, 422, None),
        ("text-sent", {**base, "start": start, "end": end, "text": "x"}, 422, None),
        ("other-item", {**base, "agenda_item_id": "0" * 32, "start": start, "end": end}, 404, None),
    ]


def test_bad_decisions_change_nothing(suite, in_review, tokens):
    meeting_id, item_id = in_review
    before, count = _check(suite, tokens, meeting_id), _audit_count(suite)
    token = tokens["demo-coordinator"]
    for label, body, status, code in _bad_bodies(item_id):
        response = _minutes(suite, token, meeting_id, "POST", "/tax-marks", json=body)
        problem = assert_problem(response, status, code)
        assert problem["lang"] == "ja" and problem["detail"], label
    assert _audit_count(suite) == count
    assert _check(suite, tokens, meeting_id) == before


def test_offsets_counted_in_utf16_units_are_refused(suite, coordinator, people, tokens):
    """A character outside the BMP is one code point; UTF-16 offsets miss by one and are refused."""
    text = suspect_text(1, prefix="𠮷田さん：")
    _, meeting_id, item_id = _setup(coordinator, people, "shien", None)
    token = tokens["demo-coordinator"]
    written = _minutes(suite, token, meeting_id, "PUT", json=_draft(people, item_id, text))
    assert written.status_code == 200, written.text
    start, end, _ = expected_suspects(text)[0]
    before = _check(suite, tokens, meeting_id)
    shifted = _decide(suite, tokens, meeting_id, item_id, "discussion", "keep", start + 1, end + 1)
    assert assert_problem(shifted, 422)["code"] == "not_a_suspect"
    past = _decide(suite, tokens, meeting_id, item_id, "discussion", "mark", 0, len(text) + 1)
    assert_problem(past, 422, "invalid_input")
    assert _check(suite, tokens, meeting_id) == before
    done = _decide(suite, tokens, meeting_id, item_id, "discussion", "keep", start, end)
    assert done.status_code == 200, done.text


@pytest.mark.parametrize(
    ("login", "method", "path", "status"),
    [
        ("demo-member-1", "GET", "/check", 403),
        ("demo-member-1", "POST", "/tax-marks", 403),
        ("demo-auditor", "GET", "/check", 403),
        ("demo-admin", "POST", "/tax-marks", 403),
    ],
)
def test_only_coordinators_check_and_decide(suite, in_review, tokens, login, method, path, status):
    meeting_id, item_id = in_review
    count = _audit_count(suite)
    body = {"agenda_item_id": item_id, "field": "discussion", "action": "keep", "start": 0}
    response = _minutes(suite, tokens[login], meeting_id, method, path, json={**body, "end": 2})
    assert_problem(response, status)
    assert _audit_count(suite) == count


def test_minutes_that_are_not_there(suite, coordinator, people, tokens):
    _, meeting_id, item_id = _setup(coordinator, people, "shien", None)
    token = tokens["demo-coordinator"]
    body = {"agenda_item_id": item_id, "field": "discussion", "action": "keep", "start": 0}
    for meeting in ("nope", "0" * 32, meeting_id):  # unknown meetings, and no minutes yet
        assert_problem(_minutes(suite, token, meeting, path="/check"), 404, "not_found")
        decided = _minutes(suite, token, meeting, "POST", "/tax-marks", json={**body, "end": 2})
        assert_problem(decided, 404, "not_found")


def test_approved_minutes_take_no_decision(suite, in_review, tokens):
    meeting_id, item_id = in_review
    token = tokens["demo-coordinator"]
    check_minutes(suite.client, auth(token), meeting_id)
    assert _minutes(suite, token, meeting_id, "POST", "/approve").status_code == 200
    check = _check(suite, tokens, meeting_id)
    assert check["status"] == "approved" and check["unresolved"] == 0
    start, end, _ = expected_suspects(CLEAR)[0]
    refused = _decide(suite, tokens, meeting_id, item_id, "discussion", "mark", start, end)
    assert_problem(refused, 409, "wrong_status")


def test_a_coordinator_without_a_pledge_neither_checks_nor_decides(
    suite, in_review, tokens, people
):
    meeting_id, item_id = in_review
    expire_pledges(suite, people.members["demo-coordinator"])
    count = _audit_count(suite)
    start, end, _ = expected_suspects(CLEAR)[0]
    for response in (
        _minutes(suite, tokens["demo-coordinator"], meeting_id, path="/check"),
        _decide(suite, tokens, meeting_id, item_id, "discussion", "keep", start, end),
    ):
        body = assert_problem(response, 403, "no_pledge")
        assert "誓約書" in body["detail"] and CLEAR[start:end] not in response.text
    assert _audit_count(suite) == count


def test_the_suspects_metric_counts_checks_not_the_bookkeeping_of_a_decision(
    suite, in_review, tokens
):
    meeting_id, item_id = in_review
    name = "kasane_redaction_suspects_total"
    before = metric(suite.client, "minutes", name) or 0
    first = _check(suite, tokens, meeting_id)["unresolved"]
    assert metric(suite.client, "minutes", name) == before + first
    start, end, _ = expected_suspects(CLEAR)[0]
    kept = _decide(suite, tokens, meeting_id, item_id, "discussion", "keep", start, end)
    assert kept.status_code == 200, kept.text
    assert metric(suite.client, "minutes", name) == before + first
    assert _check(suite, tokens, meeting_id)["unresolved"] == first - 1
    assert metric(suite.client, "minutes", name) == before + 2 * first - 1
