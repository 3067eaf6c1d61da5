"""Issue 18, finding 3: consents and invitations are MAC'd; an edited row grants nothing.

Each test builds a 重層的支援会議 whose case's consent names only the council, invites a
member of the council and one of 地域包括 (out of scope), distributes the agenda, then edits
a row with SQL as a writer of agenda's database could. The out-of-scope member's next view
must give them no content key and no tax key, show none of the case's text, and the
refusal must be in agenda's audit log (ids only).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select, text

from agenda.base import AuditEntry
from kasane_shared.db import new_id
from tests.agenda import scenario as sc
from tests.helpers import assert_problem

OUTSIDER = "demo-member-2"  # 地域包括支援センター: outside the consent's scope


def _world(
    coordinator, people, *, covers_tax: bool = False, withdrawn_wide: bool = False
) -> dict[str, Any]:
    council = people.organizations["council"]
    case = coordinator.ok(coordinator.post("/cases", sc.case_body(people)), 201)
    wide = None
    if withdrawn_wide:  # an earlier consent naming 地域包括 too, withdrawn by the person
        orgs = [council, people.organizations["houkatsu"]]
        wide = coordinator.ok(
            coordinator.post(
                f"/cases/{case['id']}/consents",
                {"obtained_on": "2026-03-01", "organization_ids": orgs, "covers_tax": True},
            ),
            201,
        )["id"]
        coordinator.ok(coordinator.post(f"/cases/{case['id']}/consents/{wide}/withdraw", {}))
    consent = coordinator.ok(
        coordinator.post(
            f"/cases/{case['id']}/consents",
            {"obtained_on": "2026-04-01", "organization_ids": [council], "covers_tax": covers_tax},
        ),
        201,
    )
    attendees = [
        {"member_id": people.members[login], "required": True}
        for login in ("demo-member-1", OUTSIDER)
    ]
    meeting = coordinator.ok(
        coordinator.post("/meetings", sc.meeting_body("jusou", attendees)), 201
    )
    coordinator.ok(
        coordinator.post(f"/meetings/{meeting['id']}/items", sc.item_body(case["id"], "jusou")),
        201,
    )
    coordinator.distribute(meeting["id"])
    return {"case": case["id"], "consent": consent["id"], "meeting": meeting["id"], "wide": wide}


def _sql(suite, statement: str, **params: Any) -> None:
    with suite.dbs["agenda"].session() as session:
        session.execute(text(statement), params)


def _content_wraps(suite, member_id: str) -> list[tuple[str, str]]:
    with suite.dbs["agenda"].session() as session:
        rows = session.execute(
            text(
                "SELECT record_table, audience FROM wraps WHERE member_id = :m "
                "AND record_table IN ('cases', 'agenda_items')"
            ),
            {"m": member_id},
        )
        return [tuple(r) for r in rows]


def _failures(suite) -> list[AuditEntry]:
    with suite.dbs["agenda"].session() as session:
        return list(
            session.scalars(
                select(AuditEntry)
                .where(AuditEntry.action == "agenda.integrity_failure")
                .order_by(AuditEntry.seq)
            )
        )


def _nothing_shown(text_: str) -> None:
    for sentinel in sc.GENERAL_SENTINELS + sc.TAX_SENTINELS:
        assert sentinel not in text_, sentinel


def test_widened_consent_grants_nothing(suite, people, coordinator, api):
    world = _world(coordinator, people)
    outsider = people.members[OUTSIDER]
    before = api(OUTSIDER).ok(api(OUTSIDER).get(f"/meetings/{world['meeting']}/agenda"))
    assert before["items"][0]["redacted"] == "consent_scope"
    assert _content_wraps(suite, outsider) == []

    widened = [people.organizations["council"], people.organizations["houkatsu"]]
    _sql(
        suite,
        "UPDATE consents SET organization_ids = :orgs, covers_tax = true WHERE id = :id",
        orgs=json.dumps(widened),
        id=world["consent"],
    )
    response = api(OUTSIDER).get(f"/meetings/{world['meeting']}/agenda")
    assert response.status_code == 200, response.text
    [item] = response.json()["items"]
    assert item["redacted"] == "unreadable" and item["tax_masked"] is True
    assert "整合性" in item["notice"]
    _nothing_shown(response.text)
    assert _content_wraps(suite, outsider) == []  # neither content nor tax keys

    [failure] = _failures(suite)
    assert (failure.target_type, failure.target_id) == ("consent", world["consent"])
    assert failure.outcome == "tampered" and failure.actor_id == outsider
    assert set(failure.details) <= {"meeting_id"}
    assert failure.details["meeting_id"] == world["meeting"]


def test_forged_withdrawal_does_not_bring_back_an_older_consent(suite, people, coordinator, api):
    """Hiding the newest consent (a forged withdrawal) fails too, not the older, wider one."""
    world = _world(coordinator, people, withdrawn_wide=True)
    # The narrow one "withdrawn" and the wider one's withdrawal undone, both with SQL.
    _sql(
        suite,
        "UPDATE consents SET withdrawn_at = '2026-05-01 00:00:00.000000' WHERE id = :id",
        id=world["consent"],
    )
    _sql(suite, "UPDATE consents SET withdrawn_at = NULL WHERE id = :id", id=world["wide"])
    response = api(OUTSIDER).get(f"/meetings/{world['meeting']}/agenda")
    assert response.status_code == 200, response.text
    _nothing_shown(response.text)
    assert _content_wraps(suite, people.members[OUTSIDER]) == []
    assert _failures(suite)


def test_edited_invitation_grants_nothing(suite, people, coordinator, api):
    world = _world(coordinator, people, covers_tax=True)
    outsider = people.members[OUTSIDER]
    _sql(
        suite,
        "UPDATE attendees SET organization_id = :org WHERE meeting_id = :m AND member_id = :me",
        org=people.organizations["council"],
        m=world["meeting"],
        me=outsider,
    )
    response = api(OUTSIDER).get(f"/meetings/{world['meeting']}/agenda")
    body = assert_problem(response, 409, "integrity_failure")
    assert "整合性" in body["detail"] and "出席者" in body["detail"]
    _nothing_shown(response.text)
    assert _content_wraps(suite, outsider) == []

    [failure] = _failures(suite)
    assert failure.target_type == "attendee" and failure.outcome == "tampered"
    # The minutes service seals by the same rows: it is refused, not given a wider audience.
    refused = coordinator.get(f"/meetings/{world['meeting']}/entitlements")
    assert_problem(refused, 409, "integrity_failure")


def test_inserted_invitation_grants_nothing(suite, people, coordinator, api):
    """A forged invitation row (no MAC) to a meeting the member was never invited to."""
    world = _world(coordinator, people, covers_tax=True)
    stranger = people.members["demo-member-3"]
    _sql(
        suite,
        "INSERT INTO attendees (id, meeting_id, member_id, organization_id, required, case_ids) "
        "VALUES (:id, :m, :me, :org, true, '[]')",
        id=new_id(),
        m=world["meeting"],
        me=stranger,
        org=people.organizations["council"],
    )
    response = api("demo-member-3").get(f"/meetings/{world['meeting']}/agenda")
    assert_problem(response, 409, "integrity_failure")
    _nothing_shown(response.text)
    assert _content_wraps(suite, stranger) == []
    assert [f.target_type for f in _failures(suite)] == ["attendee"]


def test_a_tampered_consent_is_not_laundered_by_a_later_write(suite, people, coordinator):
    world = _world(coordinator, people)
    _sql(suite, "UPDATE consents SET covers_tax = true WHERE id = :id", id=world["consent"])
    refused = coordinator.post(f"/cases/{world['case']}/consents/{world['consent']}/withdraw", {})
    assert_problem(refused, 409, "integrity_failure")
    with suite.dbs["agenda"].session() as session:
        covers_tax, withdrawn = session.execute(
            text("SELECT covers_tax, withdrawn_at FROM consents WHERE id = :id"),
            {"id": world["consent"]},
        ).one()
    assert covers_tax and withdrawn is None  # refused whole: no new MAC over the edit


def test_agendas_own_writes_verify(suite, people, coordinator, api):
    """Invitations added and changed, consents corrected: every row agenda writes verifies."""
    world = _world(coordinator, people)
    outsider = people.members[OUTSIDER]
    coordinator.ok(
        coordinator.post(
            f"/meetings/{world['meeting']}/attendees",
            {"attendees": [{"member_id": outsider, "required": False, "case_ids": []}]},
        )
    )
    coordinator.ok(
        coordinator.post(
            f"/cases/{world['case']}/consents/{world['consent']}/correct",
            {
                "reason": "wrong_tax",
                "replacement": {
                    "obtained_on": "2026-04-01",
                    "organization_ids": [people.organizations["council"]],
                    "covers_tax": True,
                },
            },
        )
    )
    assert coordinator.ok(coordinator.get(f"/meetings/{world['meeting']}/entitlements"))
    assert api("demo-member-1").ok(api("demo-member-1").get(f"/meetings/{world['meeting']}/agenda"))
    assert _failures(suite) == []
