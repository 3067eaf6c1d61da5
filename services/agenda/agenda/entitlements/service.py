"""Per-meeting audiences, computed by the same rules that decide agenda wraps."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from agenda import access
from agenda.cases.models import Consent
from agenda.keys.statements import consent_proof
from agenda.meetings.models import AgendaItem, Attendee, Meeting
from kasane_shared.errors import not_found


def meeting_entitlements(session: Session, meeting_id: str) -> dict[str, Any]:
    """Attendees, and per item which of them may read its content and its tax data."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise not_found("会議", "Meeting")
    attendees = sorted(access.verified_attendees(session, [meeting.id]), key=lambda a: a.member_id)
    items = list(
        session.scalars(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting.id)
            .order_by(AgendaItem.position)
        )
    )
    out_items = []
    for item in items:
        consent = access.active_consent(session, item.case_id)
        content, tax = _audiences(meeting.kind, item, attendees, consent)
        proof = consent_proof(session, consent)
        out_items.append(
            {
                "id": item.id,
                "case_id": item.case_id,
                "purpose": item.purpose,
                "order": item.position,
                "content_member_ids": content,
                "tax_member_ids": tax,
                # What the minutes' grants of this item rest on, for identity to check.
                "consent": None if proof is None else proof.wire(),
            }
        )
    return {
        "meeting": {
            "id": meeting.id,
            "kind": meeting.kind,
            "starts_at": meeting.starts_at.isoformat(),
            "ends_at": meeting.ends_at.isoformat(),
            "host_organization_id": meeting.host_organization_id,
        },
        "attendees": [
            {"member_id": a.member_id, "required": a.required, "organization_id": a.organization_id}
            for a in attendees
        ],
        "items": out_items,
    }


def _audiences(
    kind: str, item: AgendaItem, attendees: list[Attendee], consent: Consent | None
) -> tuple[list[str], list[str]]:
    """Attendees who may read the item's content, and those who may read its tax data."""
    content, tax = [], []
    for a in attendees:
        if not access.attends_for(a, item.case_id):
            continue
        may_read, may_read_tax = access.entitled(kind, consent, a.organization_id)
        if may_read:
            content.append(a.member_id)
        if may_read_tax:
            tax.append(a.member_id)
    return content, tax


def case_access(session: Session, case_id: str) -> list[dict[str, Any]]:
    """Per agenda item of a case (every meeting), who may read its content and tax data now."""
    items = access.case_items(session, case_id)
    meeting_ids = {i.meeting_id for i in items}
    kinds = dict(
        session.execute(select(Meeting.id, Meeting.kind).where(Meeting.id.in_(meeting_ids))).all()
    )
    attendees = access.verified_attendees(session, meeting_ids)
    consent = access.active_consent(session, case_id)
    out = []
    for item in items:
        present = [a for a in attendees if a.meeting_id == item.meeting_id]
        content, tax = _audiences(kinds[item.meeting_id], item, present, consent)
        out.append(
            {"agenda_item_id": item.id, "content_member_ids": content, "tax_member_ids": tax}
        )
    return out
