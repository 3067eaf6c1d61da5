"""Changing a scheduled meeting: move, postpone, edit, cancel; this one or the series onwards.

Every change of time or place raises the meeting's iCalendar SEQUENCE, so calendars take
the new invitation over the old one; a cancellation raises it too and turns each
invitee's invitation into METHOD:CANCEL. The reason for a cancellation is free text and
is sealed for the invitees (it may name a person), like case content.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from agenda.audit import record
from agenda import access
from agenda.keys.service import (
    CONTENT,
    KeyContext,
    ensure_coordinator_access,
    open_each,
    seal,
)
from agenda.meetings import titles
from agenda.meetings.models import Meeting, MeetingNote
from agenda.meetings.schemas import MeetingCancel, MeetingUpdate
from agenda.scheduling import JST
from kasane_shared.db import new_id, utcnow
from kasane_shared.errors import conflict

STATUS_LABELS = {"scheduled": "開催予定", "cancelled": "中止"}
PLACE_FIELDS = ("place", "online_url")


def cancelled_refused() -> Exception:
    """A cancelled meeting is kept as it was: no edits, attendees or items."""
    return conflict(
        "meeting_cancelled",
        "この会議は中止されているため、変更できません。",
        "This meeting is cancelled and cannot be changed.",
    )


def require_scheduled(meeting: Meeting) -> Meeting:
    """The meeting, unless it is cancelled (then a 409)."""
    if meeting.status == "cancelled":
        raise cancelled_refused()
    return meeting


def targets(session: Session, meeting: Meeting, scope: str) -> list[Meeting]:
    """This meeting, or it and the later scheduled meetings of its series, in time order."""
    if scope != "following" or not meeting.series_id:
        return [meeting]
    later = session.scalars(
        select(Meeting)
        .where(
            Meeting.series_id == meeting.series_id,
            Meeting.starts_at > meeting.starts_at,
            Meeting.status == "scheduled",
        )
        .order_by(Meeting.starts_at, Meeting.id)
    )
    return [meeting, *later]


def planned_times(
    session: Session, meeting: Meeting, data: MeetingUpdate
) -> list[tuple[Meeting, datetime, datetime]]:
    """(meeting, new start, new end) for every meeting a change touches (later ones shifted)."""
    starts = data.starts_at or meeting.starts_at
    ends = data.ends_at or meeting.ends_at
    shift_start, shift_end = starts - meeting.starts_at, ends - meeting.ends_at
    return [
        (m, m.starts_at + shift_start, m.ends_at + shift_end)
        for m in targets(session, meeting, data.scope)
    ]


def _check_order(starts: datetime, ends: datetime) -> None:
    if ends <= starts:
        from agenda.errors import invalid

        raise invalid(
            "ends_at",
            "終了日時は開始日時より後にしてください。",
            "ends_at must be after starts_at.",
        )


def _offset_minutes(value: datetime) -> int:
    offset = value.utcoffset() or timedelta(0)
    return int(offset.total_seconds() // 60)


def _moved_rule(rule: dict | None, starts: datetime, ends: datetime, day_shift: int) -> dict | None:
    """The series rule after its later meetings moved: new time of day; a moved day drops it."""
    if not rule or day_shift:
        return None
    local = starts.astimezone(JST)
    return rule | {
        "start_time": local.strftime("%H:%M"),
        "duration_minutes": int((ends - starts).total_seconds() // 60),
        "starts_on": local.date().isoformat(),
    }


def update(ctx: KeyContext, meeting: Meeting, data: MeetingUpdate) -> list[Meeting]:
    """Apply a change to this meeting (or the series onwards); time or place bumps SEQUENCE."""
    require_scheduled(meeting)
    changes = data.model_dump(exclude_unset=True, exclude={"scope"})
    planned = planned_times(ctx.session, meeting, data)
    for _, starts, ends in planned:
        _check_order(starts, ends)
    moved_series = data.scope == "following" and len(planned) > 1
    new_series = (
        new_id() if moved_series and ("starts_at" in changes or "ends_at" in changes) else None
    )
    day_shift = (
        planned[0][1].astimezone(JST).date() - meeting.starts_at.astimezone(JST).date()
    ).days
    for target, starts, ends in planned:
        before = (target.starts_at, target.ends_at, target.place, target.online_url)
        if changes.get("place") is not None:
            target.place = changes["place"]
        if changes.get("title") is not None:
            titles.seal_title(ctx, target, changes["title"])
        for name in ("online_url", "host_organization_id"):
            if name in changes:
                setattr(target, name, changes[name])
        target.starts_at, target.ends_at = starts, ends
        if data.starts_at is not None:
            target.tz_offset_minutes = _offset_minutes(data.starts_at)
        if new_series:
            target.series_id = new_series
            target.recurrence = _moved_rule(target.recurrence, starts, ends, day_shift)
        if before != (target.starts_at, target.ends_at, target.place, target.online_url):
            target.sequence = (target.sequence or 0) + 1
        record(
            ctx.session,
            "meeting.update",
            ctx.caller.id,
            "meeting",
            target.id,
            fields=sorted(changes),
            scope=data.scope,
            sequence=target.sequence,
        )
    ctx.session.flush()
    return [m for m, _, _ in planned]


def cancel(ctx: KeyContext, meeting: Meeting, data: MeetingCancel) -> list[Meeting]:
    """Cancel; each invitee reads 「中止」 and the reason (sealed for them), calendars a CANCEL."""
    if meeting.status == "cancelled":
        raise conflict(
            "already_cancelled",
            "この会議はすでに中止されています。",
            "This meeting is already cancelled.",
        )
    done = targets(ctx.session, meeting, data.scope)
    now = utcnow()
    for target in done:
        target.status, target.cancelled_at, target.cancelled_by = "cancelled", now, ctx.caller.id
        target.sequence = (target.sequence or 0) + 1
        _seal_note(ctx, target, "cancel", data.reason)
        record(
            ctx.session,
            "meeting.cancel",
            ctx.caller.id,
            "meeting",
            target.id,
            scope=data.scope,
            sequence=target.sequence,
        )
    ctx.session.flush()
    return done


def _seal_note(ctx: KeyContext, meeting: Meeting, purpose: str, text: str) -> MeetingNote:
    invitees = access.invitee_ids(ctx.session, meeting.id)
    note = MeetingNote(
        id=new_id(), meeting_id=meeting.id, purpose=purpose, created_by=ctx.caller.id
    )
    ctx.session.add(note)
    ctx.session.flush()
    holders = [(m, meeting.kind, "attendee") for m in invitees]
    seal(
        ctx,
        note,
        {CONTENT: {"text": text}},
        {CONTENT: [*holders, (ctx.caller.id, meeting.kind, "author")]},
    )
    return note


def cancel_reasons(ctx: KeyContext, meetings: Sequence[Meeting]) -> dict[str, str]:
    """The cancellation reason of each cancelled meeting the caller's keys open (one unwrap)."""
    # A reason is content: none for a caller without a pledge for the meeting's kind.
    cancelled = {
        m.id: m
        for m in meetings
        if m.status == "cancelled" and ctx.disclosure().may_see_content(m.kind)
    }
    if not cancelled:
        return {}
    notes = list(
        ctx.session.scalars(
            select(MeetingNote)
            .where(MeetingNote.meeting_id.in_(cancelled), MeetingNote.purpose == "cancel")
            .order_by(MeetingNote.created_at, MeetingNote.id)
        )
    )
    if not notes:
        return {}
    kinds = tuple({m.kind for m in cancelled.values()})
    if ctx.caller.is_coordinator:
        ensure_coordinator_access(ctx, notes, kinds)
    # A reason that fails to open is left out (and audited); the meetings are still listed.
    opened, _ = open_each(ctx, notes, (CONTENT,), kinds)
    reasons = {
        n.meeting_id: opened[(n.id, CONTENT)]["text"] for n in notes if (n.id, CONTENT) in opened
    }
    if reasons:
        record(
            ctx.session,
            "meeting.note_read",
            ctx.caller.id,
            "meeting",
            None,
            meetings=sorted(reasons),
        )
    return reasons
