"""Bad input on every agenda endpoint: a clear 4xx problem in Japanese, and nothing changed."""

from __future__ import annotations

import pytest

from tests.agenda import scenario as sc
from tests.agenda.rows import dump
from tests.helpers import assert_problem


@pytest.fixture
def world(coordinator, people):
    """One case with a consent, a jusou meeting with one item."""
    case = coordinator.ok(coordinator.post("/cases", sc.case_body(people)), 201)
    consent = coordinator.ok(
        coordinator.post(
            f"/cases/{case['id']}/consents",
            {"obtained_on": "2026-04-01", "organization_ids": [people.organizations["council"]]},
        ),
        201,
    )
    meeting = coordinator.ok(
        coordinator.post(
            "/meetings", sc.meeting_body("jusou", [{"member_id": people.members["demo-member-1"]}])
        ),
        201,
    )
    item = coordinator.ok(
        coordinator.post(f"/meetings/{meeting['id']}/items", sc.item_body(case["id"], "jusou")), 201
    )
    return {
        "case": case["id"],
        "consent": consent["id"],
        "meeting": meeting["id"],
        "item": item["id"],
    }


def _cases(w, people):
    c, m, i, k = w["case"], w["meeting"], w["item"], w["consent"]
    long = "あ" * 20001
    good_meeting = sc.meeting_body("shien", [])
    return [
        ("POST", "/cases", {"title": ""}, 422),
        ("POST", "/cases", {"title": "x", "secret": 1}, 422),
        ("POST", "/cases", {"title": 5}, 422),
        ("POST", "/cases", {"title": "x", "notes": long}, 422),
        ("POST", "/cases", {"title": "x", "status": "open"}, 422),
        ("POST", "/cases", {"title": "x", "issues": "8050"}, 422),
        ("POST", "/cases", {"title": "x", "subjects": [{"relation": "隣人", "name": "x"}]}, 422),
        ("POST", "/cases", {"title": "x", "lead_organization_id": "nope"}, 422),
        ("POST", "/cases", "not json", 400),
        ("GET", "/cases/nope", None, 404),
        ("PATCH", f"/cases/{c}", {"title": None, "extra": True}, 422),
        ("PATCH", f"/cases/{c}", {"status": 3}, 422),
        ("PATCH", "/cases/nope", {"title": "x"}, 404),
        (
            "POST",
            f"/cases/{c}/consents",
            {"obtained_on": "2026-13-01", "organization_ids": ["x"]},
            422,
        ),
        (
            "POST",
            f"/cases/{c}/consents",
            {"obtained_on": "2026-04-01", "organization_ids": []},
            422,
        ),
        (
            "POST",
            f"/cases/{c}/consents",
            {"obtained_on": "2026-04-01", "organization_ids": ["unknown-org"]},
            422,
        ),
        (
            "POST",
            f"/cases/{c}/consents",
            {
                "obtained_on": "2026-04-01",
                "organization_ids": [people.organizations["council"]],
                "covers_tax": "maybe",
            },
            422,
        ),
        (
            "POST",
            "/cases/nope/consents",
            {"obtained_on": "2026-04-01", "organization_ids": [people.organizations["council"]]},
            404,
        ),
        ("POST", f"/cases/{c}/consents/nope/withdraw", {}, 404),
        ("POST", f"/cases/{c}/consents/{k}/withdraw", {"why": 1}, 422),
        ("POST", f"/cases/{c}/plans", {"status": "start"}, 422),
        (
            "POST",
            f"/cases/{c}/plans",
            {"status": "plan_creation", "roles": [{"organization_id": "x"}]},
            422,
        ),
        (
            "POST",
            f"/cases/{c}/plans",
            {"status": "plan_creation", "roles": [{"organization_id": "nope", "duty": "d"}]},
            422,
        ),
        ("POST", f"/cases/{c}/plans", {"status": "plan_creation", "monitoring_on": "soon"}, 422),
        (
            "POST",
            f"/cases/{c}/tax-marks",
            {"field": "notes", "action": "erase", "start": 0, "end": 1},
            422,
        ),
        (
            "POST",
            f"/cases/{c}/tax-marks",
            {"field": "notes", "action": "mark", "start": 3, "end": 2},
            422,
        ),
        ("POST", "/meetings", good_meeting | {"kind": "other"}, 422),
        ("POST", "/meetings", good_meeting | {"starts_at": "2026-12-01T10:00:00"}, 422),
        ("POST", "/meetings", good_meeting | {"ends_at": "2026-12-01T09:00:00+09:00"}, 422),
        ("POST", "/meetings", good_meeting | {"place": "x" * 201}, 422),
        ("POST", "/meetings", good_meeting | {"attendees": [{"member_id": "ghost"}]}, 422),
        (
            "POST",
            "/meetings",
            good_meeting | {"attendees": [{"member_id": "a"}, {"member_id": "a"}]},
            422,
        ),
        ("POST", "/meetings", good_meeting | {"online_url": "javascript:alert(1)"}, 422),
        (
            "POST",
            "/meetings",
            good_meeting
            | {
                "segment": {
                    "body": "pta",
                    "starts_at": "2026-12-01T10:00:00+09:00",
                    "ends_at": "2026-12-01T10:30:00+09:00",
                }
            },
            422,
        ),
        ("POST", "/meetings", good_meeting | {"recurrence": {"frequency": "daily"}}, 422),
        ("POST", "/meetings", [1, 2], 422),
        ("GET", "/meetings/nope", None, 404),
        ("PATCH", f"/meetings/{m}", {"starts_at": "tomorrow"}, 422),
        ("PATCH", f"/meetings/{m}", {"kind": "shien"}, 422),
        ("PATCH", "/meetings/nope", {"place": "x"}, 404),
        ("POST", f"/meetings/{m}/attendees", {"attendees": []}, 422),
        ("POST", f"/meetings/{m}/attendees", {"attendees": [{"member_id": "ghost"}]}, 422),
        (
            "POST",
            f"/meetings/{m}/attendees",
            {"attendees": [{"member_id": people.members["demo-member-2"], "case_ids": ["nope"]}]},
            404,
        ),
        ("DELETE", f"/meetings/{m}/attendees/ghost", None, 404),
        ("POST", f"/meetings/{m}/items", {"case_id": c, "purpose": "info_sharing"}, 422),
        ("POST", f"/meetings/{m}/items", {"case_id": c, "purpose": "lunch"}, 422),
        ("POST", f"/meetings/{m}/items", {"case_id": "nope", "purpose": "plan_change"}, 404),
        (
            "POST",
            f"/meetings/{m}/items",
            {"case_id": c, "purpose": "plan_change", "minutes": 0},
            422,
        ),
        (
            "POST",
            f"/meetings/{m}/items",
            {"case_id": c, "purpose": "plan_change", "minutes": "ten"},
            422,
        ),
        (
            "POST",
            f"/meetings/{m}/items",
            {"case_id": c, "purpose": "plan_change", "briefing": "x" * 8001},
            422,
        ),
        ("POST", "/meetings/nope/items", {"case_id": c, "purpose": "plan_change"}, 404),
        ("PATCH", f"/meetings/{m}/items/{i}", {"purpose": "emergency"}, 422),
        ("PATCH", f"/meetings/{m}/items/nope", {"minutes": 5}, 404),
        ("DELETE", f"/meetings/{m}/items/nope", None, 404),
        ("POST", f"/meetings/{m}/items/reorder", {"item_ids": ["nope"]}, 422),
        (
            "POST",
            f"/meetings/{m}/items/{i}/tax-marks",
            {"field": "notes", "action": "mark", "start": 0, "end": 1},
            422,
        ),
        ("GET", "/meetings/nope/agenda", None, 404),
        ("GET", "/meetings/nope/invitation.ics", None, 404),
        ("GET", f"/meetings/{m}/conflicts?x=1", None, None),
        (
            "GET",
            "/scheduling/free-slots?member_id=a&from=2026-12-01&to=2026-12-02&duration_minutes=60",
            None,
            422,
        ),
        (
            "GET",
            "/scheduling/free-slots?from=2026-12-01T09:00:00%2B09:00&to=2026-12-01T08:00:00%2B09:00&duration_minutes=60",
            None,
            422,
        ),
        (
            "GET",
            "/scheduling/free-slots?from=2026-12-01T09:00:00%2B09:00&to=2026-12-03T08:00:00%2B09:00&duration_minutes=0",
            None,
            422,
        ),
        ("GET", "/due?days=abc", None, 422),
    ]


def test_bad_input_changes_nothing(suite, coordinator, people, world):
    before = dump(suite, include_audit=False)
    for method, path, body, status in _cases(world, people):
        kwargs = (
            {"content": body, "headers": coordinator.headers | {"content-type": "application/json"}}
            if isinstance(body, str)
            else {"json": body, "headers": coordinator.headers}
        )
        response = suite.client.request(method, f"/agenda{path}", **kwargs)
        if status is None:
            assert response.status_code < 500, (method, path, response.text)
            continue
        problem = assert_problem(response, status)
        assert problem["lang"] == "ja", (method, path)
    assert dump(suite, include_audit=False) == before


def test_no_token_and_wrong_roles(suite, api, people, world):
    for path in ("/cases", f"/cases/{world['case']}", f"/meetings/{world['meeting']}/items"):
        assert_problem(suite.client.get(f"/agenda{path}"), 401)
        assert_problem(api("demo-admin").get(path), 403)
        assert_problem(api("demo-auditor").get(path), 403)
    assert_problem(api("demo-member-1").post("/meetings", sc.meeting_body("shien", [])), 403)
    assert_problem(
        api("demo-member-1").post(
            f"/meetings/{world['meeting']}/items", sc.item_body(world["case"], "jusou")
        ),
        403,
    )
    assert_problem(
        suite.client.get("/agenda/cases", headers={"Authorization": "Bearer not-a-token"}), 401
    )


def test_english_on_request(suite, coordinator):
    response = suite.client.post(
        "/agenda/cases", json={"title": ""}, headers=coordinator.headers | {"Accept-Language": "en"}
    )
    assert assert_problem(response, 422)["lang"] == "en"
