"""KASANE_MINUTES_SEPARATE_APPROVER=true: someone other than the author approves."""

from __future__ import annotations

import pytest

from kasane_shared.settings import Settings
from tests.helpers import assert_problem, auth, check_minutes, first_sign_in
from tests.minutes.test_minutes_flow import _minutes, _setup, _write


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """A city that requires a separate approver (otherwise the suite's test settings)."""
    return settings.model_copy(update={"minutes_separate_approver": True})


def _second_coordinator(suite, people, tokens) -> str:
    body = {
        "login": "approving-coordinator",
        "display_name": "承認 三郎",
        "organization_id": people.organizations["welfare"],
        "roles": ["coordinator"],
        "password": "kasane-test-initial-9",
    }
    admin = auth(tokens["demo-admin"])
    created = suite.client.post("/identity/members", json=body, headers=admin)
    assert created.status_code == 201, created.text
    token = first_sign_in(suite.client, body["login"], body["password"])
    for template in suite.client.get("/identity/pledge-templates", headers=auth(token)).json():
        if template["current"]:
            suite.client.post(
                f"/identity/members/{created.json()['id']}/pledges",
                json={"template_id": template["id"]},
                headers=auth(token),
            )
    return token


def test_the_author_cannot_approve_a_second_coordinator_can(suite, coordinator, people, tokens):
    _, meeting_id, item_id = _setup(coordinator, people, "shien", None)
    author = tokens["demo-coordinator"]
    assert _write(suite, tokens, people, meeting_id, item_id).status_code == 200
    _minutes(suite, author, meeting_id, "POST", "/submit")
    check_minutes(suite.client, auth(author), meeting_id)  # the author can read every text
    refused = assert_problem(
        _minutes(suite, author, meeting_id, "POST", "/approve"), 409, "same_approver"
    )
    assert "作成者以外" in refused["detail"]
    assert _minutes(suite, author, meeting_id).json()["status"] == "in_review"
    second = _second_coordinator(suite, people, tokens)
    approved = _minutes(suite, second, meeting_id, "POST", "/approve")
    assert approved.status_code == 200, approved.text
    me = suite.client.get("/identity/me", headers=auth(second)).json()
    assert approved.json()["status"] == "approved" and approved.json()["approved_by"] == me["id"]


def test_demo_minutes_wait_for_a_separate_approver(suite, people, tokens):
    from agenda.demo import seed_agenda
    from minutes.demo import seed_minutes
    from tests.helpers import PASSWORD

    ids = seed_agenda(suite.client, people, password=PASSWORD)
    seed_minutes(suite.client, people, ids["shien_meeting"], password=PASSWORD)
    url = f"/minutes/meetings/{ids['shien_meeting']}/minutes"
    member = suite.client.get(url, headers=auth(tokens["demo-member-1"])).json()
    assert member["status"] == "in_review" and member["content_hash"] is None


def test_an_approver_who_cannot_read_it_all_relies_on_the_authors_check(
    suite, coordinator, people, tokens
):
    """The second coordinator cannot open the texts: the author's clean check must cover them."""
    _, meeting_id, item_id = _setup(coordinator, people, "shien", None)
    author = tokens["demo-coordinator"]
    assert _write(suite, tokens, people, meeting_id, item_id).status_code == 200
    _minutes(suite, author, meeting_id, "POST", "/submit")
    second = _second_coordinator(suite, people, tokens)
    assert_problem(_minutes(suite, second, meeting_id, path="/check"), 409, "content_locked")
    refused = _minutes(suite, second, meeting_id, "POST", "/approve")
    assert "全文を閲覧できる担当者" in assert_problem(refused, 409, "unresolved_suspects")["detail"]
    assert check_minutes(suite.client, auth(author), meeting_id) > 0
    # The text changes after the check: the check no longer covers what is in review.
    rewritten = _write(suite, tokens, people, meeting_id, item_id, decisions="変更後の決定")
    assert rewritten.status_code == 200, rewritten.text
    assert_problem(
        _minutes(suite, second, meeting_id, "POST", "/approve"), 409, "unresolved_suspects"
    )
    check_minutes(suite.client, auth(author), meeting_id)
    approved = _minutes(suite, second, meeting_id, "POST", "/approve")
    assert approved.status_code == 200, approved.text
