"""Bad input to distribution and to the suspect decisions: a clear 4xx, nothing changed."""

from __future__ import annotations

from sqlalchemy import func, select

from agenda.base import AuditEntry
from kasane_shared.redaction import find_tax_spans
from tests.agenda import scenario as sc
from tests.agenda.test_distribution import CLEAR, _meeting, expected_suspects, suspect_text
from tests.helpers import assert_problem


def _audit_count(suite) -> int:
    with suite.dbs["agenda"].session() as session:
        return session.scalar(select(func.count()).select_from(AuditEntry))


def test_distributing_what_is_not_there_or_not_yours(coordinator, people, api):
    _, meeting, _ = _meeting(coordinator, people)
    for path in ("/meetings/nope/distribution", "/meetings/" + "0" * 32 + "/distribution"):
        assert_problem(coordinator.get(path), 404, "not_found")
    assert_problem(coordinator.post("/meetings/nope/distribute"), 404, "not_found")
    for login in ("demo-member-1", "demo-admin", "demo-auditor"):
        who = api(login)
        assert_problem(who.get(f"/meetings/{meeting['id']}/distribution"), 403)
        assert_problem(who.post(f"/meetings/{meeting['id']}/distribute"), 403)
    assert coordinator.ok(coordinator.get(f"/meetings/{meeting['id']}"))["distribution_status"] == (
        "draft"
    )


def test_a_cancelled_meeting_is_not_distributed(suite, coordinator, people, api):
    _, meeting, _ = _meeting(coordinator, people)
    coordinator.ok(coordinator.post(f"/meetings/{meeting['id']}/cancel", {"reason": "台風のため"}))
    before = _audit_count(suite)
    body = assert_problem(coordinator.post(f"/meetings/{meeting['id']}/distribute"), 409)
    assert body["code"] == "meeting_cancelled" and "中止" in body["detail"]
    assert _audit_count(suite) == before
    view = api("demo-member-1").ok(api("demo-member-1").get(f"/meetings/{meeting['id']}/agenda"))
    assert view["distributed"] is False and view["items"] == []


def test_keep_must_name_an_open_suspect(suite, coordinator, people):
    expected = expected_suspects(CLEAR)
    case, meeting, item = _meeting(coordinator, people, notes=CLEAR)
    url, path = f"/meetings/{meeting['id']}/distribution", f"/cases/{case['id']}/tax-marks"
    check = coordinator.ok(coordinator.get(url))
    before = _audit_count(suite)
    start, end, _ = expected[0]
    [masked, *_] = find_tax_spans(CLEAR)  # a masked range is no suspect
    wrong = [
        ({"field": "notes", "action": "keep", "start": masked.start, "end": masked.end}, 422),
        ({"field": "notes", "action": "keep", "start": start, "end": end + 1}, 422),
        ({"field": "notes", "action": "keep", "start": 0, "end": len(CLEAR) + 1}, 422),
        ({"field": "notes", "action": "keep", "start": end, "end": start}, 422),
        ({"field": "notes", "action": "mark", "start": 3, "end": 3}, 422),
        ({"field": "notes", "action": "keep", "start": -1, "end": 2}, 422),
        ({"field": "tax_notes", "action": "keep", "start": 0, "end": 2}, 422),
        ({"field": "notes", "action": "maybe", "start": start, "end": end}, 422),
        ({"field": "notes", "action": "keep", "start": start, "end": end, "text": "x"}, 422),
    ]
    for body, status in wrong:
        problem = assert_problem(coordinator.post(path, body), status)
        assert problem["detail"] and "Traceback" not in str(problem)
    item_path = f"/meetings/{meeting['id']}/items/{item['id']}/tax-marks"
    assert_problem(
        coordinator.post(item_path, {"field": "notes", "action": "keep", "start": 0, "end": 2}), 422
    )
    assert_problem(
        coordinator.post(
            f"/cases/{'0' * 32}/tax-marks",
            {"field": "notes", "action": "keep", "start": start, "end": end},
        ),
        404,
    )
    assert coordinator.ok(coordinator.get(url)) == check
    assert _audit_count(suite) == before + 1  # only the check just read was logged
    # The first keep is taken; the same keep again no longer names an open suspect.
    keep = {"field": "notes", "action": "keep", "start": start, "end": end}
    coordinator.ok(coordinator.post(path, keep))
    assert assert_problem(coordinator.post(path, keep), 422)["code"] == "not_a_suspect"


def test_offsets_counted_in_utf16_units_are_refused(coordinator, people):
    """A character outside the BMP is one code point; UTF-16 offsets miss by one and are refused."""
    text = suspect_text(1, prefix="𠮷田さん：")
    expected = expected_suspects(text)
    case, meeting, _ = _meeting(coordinator, people, notes=text)
    path = f"/cases/{case['id']}/tax-marks"
    start, end, _ = expected[0]
    check = coordinator.ok(coordinator.get(f"/meetings/{meeting['id']}/distribution"))
    shifted = {"field": "notes", "action": "keep", "start": start + 1, "end": end + 1}
    assert assert_problem(coordinator.post(path, shifted), 422)["code"] == "not_a_suspect"
    past_end = {"field": "notes", "action": "mark", "start": 0, "end": len(text) + 1}
    assert_problem(coordinator.post(path, past_end), 422, "invalid_input")
    assert coordinator.ok(coordinator.get(f"/meetings/{meeting['id']}/distribution")) == check
    coordinator.ok(coordinator.post(path, {**shifted, "start": start, "end": end}))


def test_unresolved_distribution_changes_nothing(suite, coordinator, people, api):
    _, meeting, _ = _meeting(coordinator, people, notes=CLEAR)
    before = _audit_count(suite)
    body = assert_problem(coordinator.post(f"/meetings/{meeting['id']}/distribute"), 409)
    assert body["code"] == "unresolved_suspects"
    assert _audit_count(suite) == before
    assert coordinator.ok(coordinator.get(f"/meetings/{meeting['id']}"))["distribution_status"] == (
        "draft"
    )
    view = api("demo-member-1").get(f"/meetings/{meeting['id']}/agenda")
    assert view.json()["items"] == [] and sc.TITLE not in view.text
