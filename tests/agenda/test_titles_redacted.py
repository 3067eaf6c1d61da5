"""Case and meeting titles go through the redactor: lists, tabs and invitations show titles."""

from __future__ import annotations

from kasane_shared.redaction import TAX_PLACEHOLDER
from tests.agenda import scenario as sc

CASE_TITLE = "固定資産税を3年分滞納している8050世帯"
MEETING_TITLE = "住民税を滞納している世帯の支援会議"


def test_members_read_titles_with_tax_masked_and_coordinators_in_full(people, coordinator, api):
    member_id = people.members["demo-member-1"]
    case = coordinator.ok(coordinator.post("/cases", sc.case_body(people, title=CASE_TITLE)), 201)
    meeting = coordinator.ok(
        coordinator.post(
            "/meetings",
            sc.meeting_body(
                "shien", [{"member_id": member_id, "required": True}], title=MEETING_TITLE
            ),
        ),
        201,
    )
    coordinator.ok(
        coordinator.post(f"/meetings/{meeting['id']}/items", sc.item_body(case["id"], "shien")),
        201,
    )
    coordinator.distribute(meeting["id"])
    # Lists open only the content audience: the title there is masked like any text.
    [listed] = [c for c in coordinator.ok(coordinator.get("/cases")) if c["id"] == case["id"]]
    assert TAX_PLACEHOLDER in listed["title"] and "固定資産税" not in listed["title"]
    # The case itself opens in full for its author, with the fact found in the title.
    opened = coordinator.ok(coordinator.get(f"/cases/{case['id']}"))
    assert opened["title"] == CASE_TITLE and opened["tax_spans"]["title"]

    member = api("demo-member-1")
    responses = [
        member.get(f"/meetings/{meeting['id']}/agenda"),
        member.get("/meetings"),
        member.get(f"/meetings/{meeting['id']}"),
    ]
    for response in responses:
        assert response.status_code == 200, response.text
        for fact in ("固定資産税", "住民税", "滞納"):
            assert fact not in response.text, (fact, response.request.url)
    view = responses[0].json()
    assert view["items"][0]["title"].startswith(TAX_PLACEHOLDER)
    assert view["meeting"]["title"].startswith(TAX_PLACEHOLDER)
