"""Meeting rules: the meeting and who is invited, as stored and as shown; creating and
listing meetings. Attendance, warnings and agenda items build on these."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from agenda import access
from agenda.audit import record
from agenda.cases.service import get_case
from agenda.errors import invalid, meeting_not_found
from agenda.integrity.rows import verified, verify_all
from agenda.keys.service import KeyContext
from agenda.meetings import titles
from agenda.meetings.changes import STATUS_LABELS
from agenda.meetings.models import AgendaItem, Attendee, Meeting
from agenda.meetings.schemas import (
    SEGMENT_BODIES,
    AttendeeIn,
    AttendeeOut,
    MeetingCreate,
    MeetingOut,
)
from agenda.scheduling import SchedulingError, describe_ja, from_dict
from agenda.schemas_common import KIND_LABELS
from kasane_shared.db import new_id
from kasane_shared.disclosure import kind_label


def get_meeting(session: Session, meeting_id: str) -> Meeting:
    """One meeting or a 404."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise meeting_not_found()
    return meeting


def attendees_of(session: Session, meeting_id: str) -> list[Attendee]:
    """A meeting's invitees (each invitation verified: ``TamperedRow`` otherwise)."""
    return access.verified_attendees(session, [meeting_id])


def stored_attendee(session: Session, meeting_id: str, member_id: str) -> Attendee | None:
    """The invitation of one member as stored, not verified (to remove it)."""
    return session.scalar(
        select(Attendee).where(Attendee.meeting_id == meeting_id, Attendee.member_id == member_id)
    )


def attendee(session: Session, meeting_id: str, member_id: str) -> Attendee | None:
    """The invitation of one member, if any (verified: ``TamperedRow`` otherwise)."""
    return verified(session, stored_attendee(session, meeting_id, member_id))


def visible_meeting(ctx: KeyContext, meeting_id: str) -> Meeting:
    """A meeting the caller coordinates or attends; anything else is a 404."""
    return visible_meeting_and_invitation(ctx, meeting_id)[0]


def visible_meeting_and_invitation(
    ctx: KeyContext, meeting_id: str
) -> tuple[Meeting, Attendee | None]:
    """``visible_meeting`` and the caller's own invitation (None for a coordinator), read and
    verified once."""
    meeting = get_meeting(ctx.session, meeting_id)
    if ctx.caller.is_coordinator:
        return meeting, None
    me = attendee(ctx.session, meeting.id, ctx.caller.id)
    if me is None:
        raise meeting_not_found()
    return meeting, me


def directory(ctx: KeyContext) -> dict[str, dict[str, Any]]:
    """Active members by id (to check invitees and learn their organizations)."""
    return {m["id"]: m for m in ctx.identity.members(ctx.caller.token)}


def local(meeting: Meeting, value: datetime | None) -> datetime | None:
    """A stored UTC time shown at the meeting's own UTC offset (as it was entered)."""
    if value is None:
        return None
    return value.astimezone(timezone(timedelta(minutes=meeting.tz_offset_minutes or 0)))


def _local_offset(value: datetime) -> int:
    offset = value.utcoffset() or timedelta(0)
    return int(offset.total_seconds() // 60)


def shown_titles(ctx: KeyContext, meetings: list[Meeting]) -> dict[str, str]:
    """Titles as this caller may read them: the kind label without a pledge for the kind."""
    return titles.open_titles(ctx, meetings)


def shown_title(ctx: KeyContext, meeting: Meeting) -> str:
    """One meeting's title as this caller may read it (see ``shown_titles``)."""
    return titles.open_title(ctx, meeting)


def meeting_out(
    session: Session, meeting: Meeting, title: str | None = None, *, with_attendees: bool = True
) -> MeetingOut:
    """The public shape of a meeting (``title``: as opened for the caller; else the kind label)."""
    from agenda.distribution.service import distribution_state  # it builds on this module

    segment = None
    if meeting.segment_body:
        label, needs_consent = SEGMENT_BODIES[meeting.segment_body]
        segment = {
            "body": meeting.segment_body,
            "body_label": label,
            "body_needs_consent": needs_consent,
            "starts_at": local(meeting, meeting.segment_starts_at),
            "ends_at": local(meeting, meeting.segment_ends_at),
        }
    out = MeetingOut(
        id=meeting.id,
        kind=meeting.kind,
        kind_label=KIND_LABELS[meeting.kind],
        title=title or kind_label(meeting.kind),
        starts_at=local(meeting, meeting.starts_at),
        ends_at=local(meeting, meeting.ends_at),
        place=meeting.place,
        online_url=meeting.online_url,
        host_organization_id=meeting.host_organization_id,
        series_id=meeting.series_id,
        recurrence=meeting.recurrence,
        segment=segment,
        recurrence_label=_describe(meeting.recurrence),
        status=meeting.status or "scheduled",
        status_label=STATUS_LABELS[meeting.status or "scheduled"],
        sequence=meeting.sequence or 0,
        cancelled_at=meeting.cancelled_at,
    )
    out.distribution_status, out.distributed_at = distribution_state(session, meeting)
    if with_attendees:
        out.attendees = [
            AttendeeOut(
                member_id=a.member_id,
                organization_id=a.organization_id,
                required=a.required,
                case_ids=a.case_ids or [],
            )
            for a in attendees_of(session, meeting.id)
        ]
    return out


def _describe(recurrence: dict | None) -> str | None:
    if not recurrence:
        return None
    try:
        return describe_ja(from_dict(recurrence))
    except SchedulingError:
        return None


def _check_attendees(ctx: KeyContext, people: list[AttendeeIn]) -> dict[str, dict[str, Any]]:
    known = directory(ctx) if people else {}
    for index, a in enumerate(people):
        if a.member_id not in known:
            raise invalid(
                f"attendees.{index}.member_id",
                "存在しない（または無効な）構成員です。",
                "Unknown or inactive member.",
            )
        for case_id in a.case_ids:
            get_case(ctx.session, case_id)
    return known


def create_meeting(
    ctx: KeyContext,
    data: MeetingCreate,
    starts: list[tuple[datetime, datetime]],
    recurrence: dict | None = None,
) -> list[Meeting]:
    """Create a meeting, or each meeting of a series at the given times."""
    known = _check_attendees(ctx, data.attendees)
    if data.host_organization_id:
        from agenda.cases.service import check_organizations

        check_organizations(ctx, [data.host_organization_id], "host_organization_id")
    series_id = new_id() if len(starts) > 1 or data.recurrence else None
    made = []
    for begin, end in starts:
        meeting = Meeting(
            id=new_id(),
            kind=data.kind,
            starts_at=begin,
            ends_at=end,
            tz_offset_minutes=_local_offset(data.starts_at),
            place=data.place,
            online_url=data.online_url,
            host_organization_id=data.host_organization_id,
            series_id=series_id,
            recurrence=recurrence,
            created_by=ctx.caller.id,
        )
        if data.segment:
            shift = begin - data.starts_at
            meeting.segment_body, meeting.segment_starts_at, meeting.segment_ends_at = (
                data.segment.body,
                data.segment.starts_at + shift,
                data.segment.ends_at + shift,
            )
        ctx.session.add(meeting)
        ctx.session.flush()
        for a in data.attendees:
            ctx.session.add(
                Attendee(
                    meeting_id=meeting.id,
                    member_id=a.member_id,
                    organization_id=known[a.member_id].get("organization_id"),
                    required=a.required,
                    case_ids=list(dict.fromkeys(a.case_ids)),
                )
            )
        made.append(meeting)
    ctx.session.flush()
    for meeting in made:
        titles.seal_title(ctx, meeting, data.title)
        record(
            ctx.session,
            "meeting.create",
            ctx.caller.id,
            "meeting",
            meeting.id,
            kind=meeting.kind,
            attendees=len(data.attendees),
            series_id=series_id,
        )
    return made


def list_meetings(ctx: KeyContext) -> list[Meeting]:
    """Coordinators see every meeting, members those they are invited to."""
    query = select(Meeting).order_by(Meeting.starts_at, Meeting.id)
    if not ctx.caller.is_coordinator:
        mine = ctx.session.scalars(select(Attendee).where(Attendee.member_id == ctx.caller.id))
        query = query.where(Meeting.id.in_([a.meeting_id for a in verify_all(ctx.session, mine)]))
    return list(ctx.session.scalars(query))


def meeting_case_ids(session: Session, meeting_id: str) -> list[str]:
    """Cases on a meeting's agenda."""
    return list(
        dict.fromkeys(
            session.scalars(
                select(AgendaItem.case_id)
                .where(AgendaItem.meeting_id == meeting_id)
                .order_by(AgendaItem.position)
            )
        )
    )


def items_of(session: Session, meeting_id: str) -> list[AgendaItem]:
    """A meeting's items in agenda order."""
    return list(
        session.scalars(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting_id)
            .order_by(AgendaItem.position, AgendaItem.created_at, AgendaItem.id)
        )
    )
