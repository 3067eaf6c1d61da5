"""Inviting and uninviting members: who is invited decides who gets the agenda's keys."""

from __future__ import annotations

from agenda import access
from agenda.audit import record
from agenda.cases.service import get_case
from agenda.keys.service import KeyContext
from agenda.meetings import titles
from agenda.meetings.changes import require_scheduled
from agenda.meetings.meeting_warnings import _dedupe, pledge_warnings, scope_warnings
from agenda.meetings.models import Attendee, Meeting
from agenda.meetings.schemas import AttendeeIn
from agenda.meetings.service import _check_attendees, attendee, meeting_case_ids, stored_attendee


def sync_meeting(ctx: KeyContext, meeting: Meeting) -> list[dict]:
    """Re-sync the keys of every case on a meeting's agenda."""
    titles.sync_title(ctx, meeting)
    warnings: list[dict] = []
    for case_id in meeting_case_ids(ctx.session, meeting.id):
        warnings += access.sync_case(ctx, get_case(ctx.session, case_id))
    return _dedupe(warnings)


def add_attendees(ctx: KeyContext, meeting: Meeting, people: list[AttendeeIn]) -> list[dict]:
    """Invite members; those entitled get their keys now."""
    require_scheduled(meeting)
    known = _check_attendees(ctx, people)
    for a in people:
        existing = attendee(ctx.session, meeting.id, a.member_id)
        if existing is None:
            ctx.session.add(
                Attendee(
                    meeting_id=meeting.id,
                    member_id=a.member_id,
                    organization_id=known[a.member_id].get("organization_id"),
                    required=a.required,
                    case_ids=list(dict.fromkeys(a.case_ids)),
                )
            )
        else:
            existing.required, existing.case_ids = a.required, list(dict.fromkeys(a.case_ids))
    ctx.session.flush()
    record(
        ctx.session,
        "meeting.attendees_add",
        ctx.caller.id,
        "meeting",
        meeting.id,
        members=[a.member_id for a in people],
    )
    warnings = pledge_warnings(ctx, meeting.kind, [a.member_id for a in people]) + scope_warnings(
        ctx, meeting, [a.member_id for a in people]
    )
    return _dedupe(warnings + sync_meeting(ctx, meeting))


def remove_attendee(ctx: KeyContext, meeting: Meeting, member_id: str) -> None:
    """Uninvite a member: their keys for this meeting's items are deleted."""
    # Not verified: taking a forged invitation away must stay possible.
    row = stored_attendee(ctx.session, meeting.id, member_id)
    if row is None:
        from kasane_shared.errors import not_found

        raise not_found("出席者", "Attendee")
    ctx.session.delete(row)
    ctx.session.flush()
    sync_meeting(ctx, meeting)
    record(
        ctx.session,
        "meeting.attendee_remove",
        ctx.caller.id,
        "meeting",
        meeting.id,
        member_id=member_id,
    )
