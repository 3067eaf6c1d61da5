"""THE table: conference kind × pledge × consent × field class → what the member's view holds.

Every row builds a case whose title, notes, tax notes and briefing carry sentinels, puts it
on a meeting the member is invited to, changes the member's pledge, then searches the WHOLE
response text of the member's agenda view for each sentinel.
"""

from __future__ import annotations

import pytest

from kasane_shared.redaction import TAX_PLACEHOLDER
from tests.agenda import scenario as sc
from tests.helpers import assert_problem

# pledge state → the demo member who holds it (orgs: council, houkatsu, elderly, minsei)
PLEDGE_MEMBER = {
    "valid": "demo-member-1",
    "expired": "demo-member-2",
    "revoked": "demo-member-3",
    "none": "demo-member-4",
}
CONSENTS = ("none", "in_scope", "out_of_scope", "covers_tax", "withdrawn")

# (kind, consent) → with a valid pledge: "general" content shown?, "tax" shown?, or 409 / redacted
EXPECTED = {
    ("shien", "none"): ("shown", False),
    ("shien", "in_scope"): ("shown", False),
    ("shien", "out_of_scope"): ("shown", False),
    ("shien", "covers_tax"): ("shown", True),
    ("shien", "withdrawn"): ("shown", False),
    ("jusou", "none"): ("409", False),
    ("jusou", "in_scope"): ("shown", False),
    ("jusou", "out_of_scope"): ("consent_scope", False),
    ("jusou", "covers_tax"): ("shown", True),
    ("jusou", "withdrawn"): ("409", False),
}
ROWS = [
    (k, p, c, f)
    for k in ("shien", "jusou")
    for p in PLEDGE_MEMBER
    for c in CONSENTS
    for f in ("general", "tax")
]


def _consent(coordinator, people, case_id: str, consent: str, member_org: str):
    orgs = {
        "in_scope": ([member_org], False),
        "out_of_scope": ([people.organizations["welfare"], people.organizations["tax"]], True),
        "covers_tax": ([member_org], True),
        "withdrawn": ([member_org], True),
    }
    if consent == "none":
        return None
    ids, covers_tax = orgs[consent]
    return coordinator.ok(
        coordinator.post(
            f"/cases/{case_id}/consents",
            {"obtained_on": "2026-04-01", "organization_ids": ids, "covers_tax": covers_tax},
        ),
        201,
    )


def _member_org(people, login: str) -> str:
    return {
        "demo-member-1": "council",
        "demo-member-2": "houkatsu",
        "demo-member-3": "elderly",
        "demo-member-4": "minsei",
    }[login]


@pytest.mark.parametrize(
    ("kind", "pledge", "consent", "field_class"), ROWS, ids=["-".join(r) for r in ROWS]
)
def test_member_view(suite, people, tokens, coordinator, api, kind, pledge, consent, field_class):
    login = PLEDGE_MEMBER[pledge]
    member_id = people.members[login]
    member_org = people.organizations[_member_org(people, login)]
    case = coordinator.ok(coordinator.post("/cases", sc.case_body(people)), 201)
    given = _consent(coordinator, people, case["id"], consent, member_org)
    meeting = coordinator.ok(
        coordinator.post(
            "/meetings", sc.meeting_body(kind, [{"member_id": member_id, "required": True}])
        ),
        201,
    )
    outcome, tax_shown = EXPECTED[(kind, consent)]
    if consent == "withdrawn" and kind == "jusou":
        coordinator.ok(coordinator.post(f"/cases/{case['id']}/consents/{given['id']}/withdraw", {}))
    created = coordinator.post(f"/meetings/{meeting['id']}/items", sc.item_body(case["id"], kind))
    if outcome == "409":
        body = assert_problem(created, 409, "consent_required")
        assert "同意" in body["detail"]
        assert coordinator.ok(coordinator.get(f"/meetings/{meeting['id']}/items")) == []
        return
    item = coordinator.ok(created, 201)
    if consent == "withdrawn":
        coordinator.ok(coordinator.post(f"/cases/{case['id']}/consents/{given['id']}/withdraw", {}))
    coordinator.distribute(meeting["id"])
    if pledge == "expired":
        sc.expire_pledges(suite, member_id)
    elif pledge == "revoked":
        sc.revoke_pledges(suite, member_id, tokens[login])

    response = api(login).get(f"/meetings/{meeting['id']}/agenda")
    assert response.status_code == 200, response.text
    text, body = response.text, response.json()
    # Time and place reach every invitee.
    assert body["meeting"]["place"] == "かさね市役所 3階 会議室A"
    assert body["meeting"]["starts_at"] == "2026-12-01T10:00:00+09:00"

    if pledge != "valid":
        assert body["items"] == []
        assert body["notice"] == "誓約書が未提出のため、日時と場所のみ表示しています。"
        for sentinel in sc.ALL_SENTINELS:
            assert sentinel not in text, sentinel
        return

    [shown] = body["items"]
    assert (
        shown["id"] == item["id"]
        and shown["case_id"] == case["id"]
        and shown["purpose"] == sc.PURPOSE[kind]
    )
    if outcome == "consent_scope":
        assert shown["redacted"] == "consent_scope"
        for name in ("title", "summary", "notes", "tax_notes", "briefing"):
            assert name not in shown
        for sentinel in sc.GENERAL_SENTINELS + sc.TAX_SENTINELS:
            assert sentinel not in text, sentinel
        return

    assert shown["redacted"] is None
    if field_class == "general":
        for sentinel in sc.GENERAL_SENTINELS:
            assert sentinel in text, sentinel
        assert shown["title"] == sc.TITLE
        assert (
            sc.GENERAL in shown["summary"]
            and sc.GENERAL in shown["notes"]
            and sc.BRIEF_GENERAL in shown["briefing"]
        )
        return
    if tax_shown:
        assert shown["tax_masked"] is False
        for sentinel in sc.TAX_SENTINELS:
            assert sentinel in text, sentinel
        assert shown["tax_notes"] == sc.TAX_NOTE
        assert TAX_PLACEHOLDER not in shown["notes"]
    else:
        assert shown["tax_masked"] is True
        for sentinel in sc.TAX_SENTINELS:
            assert sentinel not in text, sentinel
        assert shown["tax_notes"] == TAX_PLACEHOLDER
        assert f"本人は{TAX_PLACEHOLDER}。" in shown["notes"]
        assert shown["briefing"].startswith(TAX_PLACEHOLDER)
