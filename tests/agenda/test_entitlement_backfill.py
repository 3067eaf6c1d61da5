"""Consents and invitations older than their MACs: migration 0010 lists them, agenda MACs
them once (its first request holding its keys). A MAC nulled later, or a list written after
that backfill, never gets a new one: nulling a MAC is no way to have an edited row signed.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import insert, select, text, update

from agenda.base import AuditEntry
from agenda.integrity.backfill import MODELS
from agenda.integrity.models import EntitlementRowBackfill
from agenda.integrity.rows import sound
from tests.agenda import scenario as sc
from tests.helpers import assert_problem


def _world(coordinator, people) -> dict[str, Any]:
    case = coordinator.ok(coordinator.post("/cases", sc.case_body(people)), 201)
    consent = coordinator.ok(
        coordinator.post(
            f"/cases/{case['id']}/consents",
            {"obtained_on": "2026-04-01", "organization_ids": [people.organizations["council"]]},
        ),
        201,
    )
    members = [{"member_id": people.members[m]} for m in ("demo-member-1", "demo-member-2")]
    meeting = coordinator.ok(coordinator.post("/meetings", sc.meeting_body("jusou", members)), 201)
    coordinator.ok(
        coordinator.post(f"/meetings/{meeting['id']}/items", sc.item_body(case["id"], "jusou")),
        201,
    )
    coordinator.distribute(meeting["id"])
    return {"case": case["id"], "consent": consent["id"], "meeting": meeting["id"]}


def _as_before_the_upgrade(suite, only: tuple[str, str] | None = None) -> None:
    """What migration 0010 leaves behind: rows listed, none with a MAC (or just ``only``)."""
    with suite.dbs["agenda"].session() as session:
        for table_name, model in MODELS.items():
            table = model.__table__
            for (row_id,) in session.execute(select(table.c.id)):
                if only is not None and only != (table_name, row_id):
                    continue
                session.execute(update(table).where(table.c.id == row_id).values(row_mac=None))
                session.execute(
                    insert(EntitlementRowBackfill).values(table_name=table_name, row_id=row_id)
                )
    suite.suite.agenda.state.entitlement_backfill = True  # as has_pending finds at start


def _all_sound(suite) -> bool:
    with suite.dbs["agenda"].session() as session:
        return all(
            sound(session, row)
            for model in MODELS.values()
            for row in session.scalars(select(model))
        )


def _backfills(suite) -> list[AuditEntry]:
    with suite.dbs["agenda"].session() as session:
        return list(
            session.scalars(
                select(AuditEntry)
                .where(AuditEntry.action == "agenda.entitlement_backfill")
                .order_by(AuditEntry.seq)
            )
        )


def test_first_request_macs_the_listed_rows_once(suite, people, coordinator, api):
    world = _world(coordinator, people)
    _as_before_the_upgrade(suite)
    assert not _all_sound(suite)

    view = api("demo-member-1").ok(api("demo-member-1").get(f"/meetings/{world['meeting']}/agenda"))
    assert view["items"][0]["redacted"] is None  # the in-scope member reads as before
    assert _all_sound(suite)
    [done] = _backfills(suite)
    assert done.outcome == "ok" and done.details == {"count": 3, "listed": 3}
    with suite.dbs["agenda"].session() as session:
        assert session.scalar(select(EntitlementRowBackfill.row_id)) is None
    assert suite.suite.agenda.state.entitlement_backfill is False


def test_a_row_listed_again_after_the_backfill_is_refused(suite, people, coordinator, api):
    world = _world(coordinator, people)
    _as_before_the_upgrade(suite)
    coordinator.ok(coordinator.get(f"/meetings/{world['meeting']}/entitlements"))
    # Later, a writer widens the consent, nulls its MAC and lists it for a "backfill".
    with suite.dbs["agenda"].session() as session:
        session.execute(
            text("UPDATE consents SET organization_ids = :o, covers_tax = true WHERE id = :id"),
            {
                "o": json.dumps(list(people.organizations.values())),
                "id": world["consent"],
            },
        )
    _as_before_the_upgrade(suite, only=("consents", world["consent"]))

    response = api("demo-member-2").get(f"/meetings/{world['meeting']}/agenda")
    assert response.status_code == 200, response.text
    assert response.json()["items"][0]["redacted"] == "unreadable"
    for sentinel in sc.GENERAL_SENTINELS + sc.TAX_SENTINELS:
        assert sentinel not in response.text
    ok, refused = _backfills(suite)
    assert ok.outcome == "ok"
    assert refused.outcome == "refused" and refused.details["reason"] == "done_before"
    with suite.dbs["agenda"].session() as session:
        assert session.scalar(select(EntitlementRowBackfill.row_id)) is None  # list dropped
        mac = session.scalar(
            text("SELECT row_mac FROM consents WHERE id = :id"), {"id": world["consent"]}
        )
    assert mac is None
    assert_problem(
        coordinator.get(f"/meetings/{world['meeting']}/entitlements"), 409, "integrity_failure"
    )


def test_a_nulled_mac_that_is_not_listed_stays_refused(suite, people, coordinator, api):
    world = _world(coordinator, people)
    with suite.dbs["agenda"].session() as session:
        session.execute(text("UPDATE attendees SET row_mac = NULL"))
    assert_problem(
        api("demo-member-1").get(f"/meetings/{world['meeting']}/agenda"), 409, "integrity_failure"
    )
    assert _backfills(suite) == []
