"""GET /minutes/todo: minutes in review waiting for my confirmation or for my approval."""

from __future__ import annotations

import pytest

from kasane_shared.settings import Settings
from tests.helpers import auth
from tests.minutes.test_minutes_flow import _minutes, _setup, _write


def _todo(suite, token: str) -> tuple[list[str], list[str]]:
    response = suite.client.get("/minutes/todo", headers=auth(token))
    assert response.status_code == 200, response.text
    body = response.json()
    return (
        [r["meeting_id"] for r in body["to_confirm"]],
        [r["meeting_id"] for r in body["to_approve"]],
    )


@pytest.fixture
def in_review(suite, coordinator, people, tokens) -> str:
    """Minutes of a 支援会議 attended by members 1 and 2, submitted for review."""
    _, meeting_id, item_id = _setup(coordinator, people, "shien", None)
    assert _write(suite, tokens, people, meeting_id, item_id).status_code == 200
    # A draft waits for no one.
    assert _todo(suite, tokens["demo-member-1"]) == ([], [])
    assert _todo(suite, tokens["demo-coordinator"]) == ([], [])
    _minutes(suite, tokens["demo-coordinator"], meeting_id, "POST", "/submit")
    return meeting_id


def test_attendees_confirm_coordinators_approve(suite, in_review, tokens):
    assert _todo(suite, tokens["demo-member-1"]) == ([in_review], [])
    assert _todo(suite, tokens["demo-member-3"]) == ([], [])  # did not attend
    assert _todo(suite, tokens["demo-coordinator"]) == ([], [in_review])
    row = suite.client.get("/minutes/todo", headers=auth(tokens["demo-member-1"])).json()
    assert row["to_confirm"][0]["version"] == 1 and row["to_confirm"][0]["submitted_at"]
    done = _minutes(suite, tokens["demo-member-1"], in_review, "POST", "/confirmations")
    assert done.status_code == 201, done.text
    assert _todo(suite, tokens["demo-member-1"]) == ([], [])
    assert _todo(suite, tokens["demo-member-2"]) == ([in_review], [])


class TestSeparateApprover:
    @pytest.fixture
    def settings(self, settings: Settings) -> Settings:
        """A city that requires a separate approver."""
        return settings.model_copy(update={"minutes_separate_approver": True})

    def test_the_author_is_not_asked_to_approve(self, suite, in_review, tokens):
        assert _todo(suite, tokens["demo-coordinator"]) == ([], [])


def test_needs_a_sign_in(suite):
    assert suite.client.get("/minutes/todo").status_code == 401
