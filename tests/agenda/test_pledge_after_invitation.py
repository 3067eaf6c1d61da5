"""A member invited before signing the pledge reads the agenda once they have signed."""

from __future__ import annotations

from tests.agenda.scenario import GENERAL, TAX_FACT, case_body, item_body, meeting_body
from tests.helpers import auth


def test_member_signs_after_invitation_then_sees_the_agenda(suite, coordinator, people, tokens):
    m4 = people.members["demo-member-4"]
    case = coordinator.ok(coordinator.post("/cases", case_body(people)), 201)
    meeting = coordinator.ok(
        coordinator.post("/meetings", meeting_body("shien", [{"member_id": m4, "required": True}])),
        201,
    )
    coordinator.ok(
        coordinator.post(f"/meetings/{meeting['id']}/items", item_body(case["id"], "shien")), 201
    )
    coordinator.distribute(meeting["id"])
    url = f"/agenda/meetings/{meeting['id']}/agenda"
    before = suite.client.get(url, headers=auth(tokens["demo-member-4"]))
    assert before.json()["items"] == [] and GENERAL not in before.text
    template = next(
        t
        for t in suite.client.get(
            "/identity/pledge-templates?kind=shien", headers=auth(tokens["demo-member-4"])
        ).json()
        if t["current"]
    )
    signed = suite.client.post(
        f"/identity/members/{m4}/pledges",
        json={"template_id": template["id"]},
        headers=auth(tokens["demo-member-4"]),
    )
    assert signed.status_code == 201
    after = suite.client.get(url, headers=auth(tokens["demo-member-4"]))
    item = after.json()["items"][0]
    assert item["redacted"] is None and GENERAL in item["summary"]
    assert TAX_FACT not in after.text and item["tax_masked"] is True
