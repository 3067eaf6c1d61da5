"""The demo includes approved minutes of the 支援会議 that show the masking."""

from __future__ import annotations

from agenda.demo import seed_agenda
from kasane_shared.redaction import TAX_PLACEHOLDER
from minutes.demo import seed_minutes
from tests.helpers import PASSWORD, auth


def test_seed_minutes(suite, people, tokens):
    ids = seed_agenda(suite.client, people, password=PASSWORD)
    seed_minutes(suite.client, people, ids["shien_meeting"], password=PASSWORD)
    seed_minutes(suite.client, people, ids["shien_meeting"], password=PASSWORD)  # once only
    url = f"/minutes/meetings/{ids['shien_meeting']}/minutes"
    member = suite.client.get(url, headers=auth(tokens["demo-member-1"]))
    body = member.json()
    assert body["status"] == "approved" and body["version"] == 1 and body["content_hash"]
    by_purpose = {item["purpose"]: item for item in body["items"]}
    # No consent: the tax part is masked. Consent covering tax with 社協 in scope: member 1
    # reads it.
    assert (
        TAX_PLACEHOLDER in by_purpose["emergency"]["discussion"]
        and "住民税の分納中" not in member.text
    )
    assert (
        by_purpose["policy"]["tax_masked"] is False
        and "固定資産税を3年分滞納" in by_purpose["policy"]["discussion"]
    )
    assert "社協が家計相談を行い" in member.text
    unsigned = suite.client.get(url, headers=auth(tokens["demo-member-4"]))
    assert unsigned.status_code == 403 and unsigned.json()["code"] == "no_pledge"
