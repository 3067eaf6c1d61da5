"""Corrections: a reason, the author's full words, members keep the approved version."""

from __future__ import annotations

from tests.helpers import assert_problem
from tests.minutes.test_minutes_flow import (  # noqa: F401 (shien is a fixture)
    DECIDED,
    GENERAL_SAID,
    TAX_SAID,
    _approve,
    _draft,
    _minutes,
    shien,
)


def test_correction_keeps_the_approved_version(suite, shien, tokens, people):  # noqa: F811
    _, meeting_id, item_id = shien
    token = tokens["demo-coordinator"]
    _minutes(suite, token, meeting_id, "POST", "/submit")
    first = _approve(suite, token, meeting_id).json()
    reason = {"reason": "決定事項の記載漏れ"}
    second = _minutes(suite, token, meeting_id, "POST", "/corrections", json=reason)
    assert (
        second.status_code == 201
        and second.json()["version"] == 2
        and second.json()["status"] == "draft"
    )
    # The author reads and edits their own words in full, tax included, whatever the consent.
    assert GENERAL_SAID in second.text and TAX_SAID in second.text
    full_discussion = second.json()["items"][0]["discussion"]
    body = {
        "attendance": [people.members["demo-member-1"]],
        "items": [
            {
                **_draft(item_id, org=people.organizations["council"]),
                "discussion": full_discussion + "次回は長女も同席する。",
                "decisions": "訂正後の決定",
            }
        ],
    }
    assert _minutes(suite, token, meeting_id, "PUT", json=body).status_code == 200
    # Members keep the approved version while the correction is a draft and in review.
    member = tokens["demo-member-1"]
    assert _minutes(suite, member, meeting_id).json()["version"] == 1
    assert_problem(_minutes(suite, member, meeting_id, params={"version": 2}), 404)
    _minutes(suite, token, meeting_id, "POST", "/submit")
    kept = _minutes(suite, member, meeting_id).json()
    assert kept["version"] == 1 and kept["review_version"] == 2
    assert kept["items"][0]["decisions"] == DECIDED
    reviewed = _minutes(suite, member, meeting_id, params={"version": 2}).json()
    assert reviewed["status"] == "in_review" and reviewed["items"][0]["decisions"] == "訂正後の決定"
    assert "次回は長女も同席する。" in reviewed["items"][0]["discussion"]
    assert TAX_SAID not in reviewed["items"][0]["discussion"]
    _minutes(suite, token, meeting_id, "POST", "/submit")
    assert _approve(suite, token, meeting_id).json()["version"] == 2
    old = _minutes(suite, token, meeting_id, params={"version": 1}).json()
    assert (
        old["status"] == "superseded"
        and old["content_hash"] == first["content_hash"]
        and old["items"][0]["decisions"] == DECIDED
    )
    assert _minutes(suite, member, meeting_id).json()["version"] == 2
    versions = _minutes(suite, token, meeting_id, path="/versions").json()
    assert [v["status"] for v in versions] == ["superseded", "approved"]
    assert [v["correction_reason"] for v in versions] == [None, "決定事項の記載漏れ"]
