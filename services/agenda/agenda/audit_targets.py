"""What an auditor may know of agenda's audit targets: dates, kinds and case numbers, no content."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from agenda.cases.models import Case, Consent
from agenda.meetings.models import AgendaItem, Meeting
from agenda.plans.models import SupportPlan

Ref = tuple[str, str]


def _meeting(meeting: Meeting) -> dict[str, Any]:
    return {
        "kind": "meeting",
        "starts_at": meeting.starts_at.isoformat(),
        "conference_kind": meeting.kind,
    }


def _case(case: Case) -> dict[str, Any]:
    # The case number; cases opened before numbering read by the day they were opened.
    return {
        "kind": "case",
        "number": case.number,
        "opened_on": case.created_at.date().isoformat(),
    }


def _ids(refs: list[Ref], kind: str) -> set[str]:
    return {target_id for target_type, target_id in refs if target_type == kind}


def describe(session: Session, refs: list[Ref]) -> dict[Ref, dict[str, Any]]:
    """Meetings by date and kind, cases by number, items by meeting and position."""
    out: dict[Ref, dict[str, Any]] = {}
    items = list(
        session.scalars(select(AgendaItem).where(AgendaItem.id.in_(_ids(refs, "agenda_item"))))
    )
    consents = list(session.scalars(select(Consent).where(Consent.id.in_(_ids(refs, "consent")))))
    plans = list(session.scalars(select(SupportPlan).where(SupportPlan.id.in_(_ids(refs, "plan")))))
    meeting_ids = _ids(refs, "meeting") | {i.meeting_id for i in items}
    case_ids = _ids(refs, "case") | {c.case_id for c in consents} | {p.case_id for p in plans}
    meetings = {
        m.id: m for m in session.scalars(select(Meeting).where(Meeting.id.in_(meeting_ids)))
    }
    cases = {c.id: c for c in session.scalars(select(Case).where(Case.id.in_(case_ids)))}
    for meeting_id in _ids(refs, "meeting") & meetings.keys():
        out[("meeting", meeting_id)] = _meeting(meetings[meeting_id])
    for case_id in _ids(refs, "case") & cases.keys():
        out[("case", case_id)] = _case(cases[case_id])
    for item in items:
        if item.meeting_id in meetings:
            out[("agenda_item", item.id)] = _meeting(meetings[item.meeting_id]) | {
                "kind": "agenda_item",
                "position": item.position,
            }
    for consent in consents:
        if consent.case_id in cases:
            out[("consent", consent.id)] = _case(cases[consent.case_id]) | {"kind": "consent"}
    for plan in plans:
        if plan.case_id in cases:
            out[("plan", plan.id)] = _case(cases[plan.case_id]) | {
                "kind": "plan",
                "version": plan.version,
            }
    return out
