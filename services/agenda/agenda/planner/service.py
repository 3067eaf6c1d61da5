"""Scheduling help on agenda's data; the pure logic lives in ``agenda.scheduling``."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from agenda.cases.models import Case
from agenda.errors import invalid
from agenda.meetings.models import AgendaItem, Attendee, Meeting
from agenda.meetings.schemas import MeetingCreate
from agenda.scheduling import (
    JST,
    Busy,
    PlanState,
    Recurrence,
    SchedulingError,
    due_cases,
    find_conflicts,
    occurrences,
    propose_slots,
    to_dict,
)
from agenda.scheduling.due import CASE_STATUSES, NEVER_DUE
from kasane_shared.db import utcnow
from kasane_shared.errors import FieldError, KasaneError

MAX_SERIES = 24
DEFAULT_SERIES = 6


def scheduling_problem(error: SchedulingError, field: str = "body") -> KasaneError:
    """The scheduling logic refused its input: a 422 in the reader's language."""
    return KasaneError(
        422,
        "invalid_input",
        "入力内容に誤りがあります。",
        "The input is not valid.",
        errors=[FieldError(field, error.ja, error.en)],
    )


def _rule(data: MeetingCreate) -> Recurrence:
    r, local = data.recurrence, data.starts_at.astimezone(JST)
    assert r is not None
    weekday, day_of_month = r.weekday, r.day_of_month
    if r.frequency == "weekly" or r.week_of_month is not None:
        weekday = local.weekday() if weekday is None else weekday
    elif weekday is None and day_of_month is None:
        day_of_month = local.day
    count = r.count if r.count is not None or r.until is not None else DEFAULT_SERIES
    return Recurrence(
        frequency=r.frequency,
        interval=r.interval,
        weekday=weekday,
        week_of_month=r.week_of_month,
        day_of_month=day_of_month,
        start_time=local.time().replace(second=0, microsecond=0),
        duration_minutes=int((data.ends_at - data.starts_at).total_seconds() // 60),
        starts_on=local.date(),
        until=r.until,
        count=count,
        closed_days=r.closed_days,
    )


def series_times(
    data: MeetingCreate,
) -> tuple[list[tuple[datetime, datetime]], dict[str, Any] | None]:
    """Start and end of each meeting to create (one, or the series' next) and the stored rule."""
    if data.recurrence is None:
        return [(data.starts_at, data.ends_at)], None
    try:
        rule = _rule(data)
        times = occurrences(rule, after=data.starts_at - timedelta(seconds=1), limit=MAX_SERIES)
    except SchedulingError as error:
        raise scheduling_problem(error, "recurrence") from error
    if not times:
        raise invalid(
            "recurrence",
            "この繰り返し設定では会議の日付がありません。",
            "This rule yields no meeting dates.",
        )
    return times, to_dict(rule)


def busy_of(
    session: Session, member_ids: list[str], starts: datetime, ends: datetime
) -> list[Busy]:
    """The members' meetings overlapping [starts, ends)."""
    rows = session.execute(
        select(Attendee.member_id, Meeting.id, Meeting.starts_at, Meeting.ends_at)
        .join(Meeting, Meeting.id == Attendee.meeting_id)
        .where(
            Attendee.member_id.in_(member_ids),
            Meeting.starts_at < ends,
            Meeting.ends_at > starts,
            Meeting.status == "scheduled",
        )
    )
    return [Busy(member_id, s, e, meeting_id) for member_id, meeting_id, s, e in rows]


def meeting_conflicts(session: Session, meeting: Meeting) -> list[dict]:
    """Other meetings that double-book this meeting's attendees (ids and times only)."""
    members = list(
        session.scalars(select(Attendee.member_id).where(Attendee.meeting_id == meeting.id))
    )
    if not members:
        return []
    busy = busy_of(session, members, meeting.starts_at, meeting.ends_at)
    found = find_conflicts(
        meeting.starts_at, meeting.ends_at, members, busy, ignore_meeting_id=meeting.id
    )
    return [
        {
            "meeting_id": meeting.id,
            "member_id": c.member_id,
            "other_meeting_id": c.meeting_id,
            "starts_at": c.starts_at.astimezone(JST).isoformat(),
            "ends_at": c.ends_at.astimezone(JST).isoformat(),
        }
        for c in found
    ]


def conflict_warnings(conflicts: list[dict]) -> list[dict]:
    """One warning per double-booked member."""
    seen: dict[str, dict] = {}
    for c in conflicts:
        seen.setdefault(
            c["member_id"],
            {
                "code": "double_booking",
                "message": "この構成員は同じ時間帯に別の会議が入っています。",
                "message_en": "This attendee already has another meeting at this time.",
                "member_id": c["member_id"],
            },
        )
    return list(seen.values())


def free_slots(
    session: Session,
    member_ids: list[str],
    starts: datetime,
    ends: datetime,
    minutes: int,
    step: int,
    limit: int,
) -> list[dict]:
    """Earliest slots (JST working hours) when every listed member is free."""
    try:
        slots = propose_slots(
            member_ids,
            busy_of(session, member_ids, starts, ends),
            window_start=starts,
            window_end=ends,
            duration=timedelta(minutes=minutes),
            step=timedelta(minutes=step),
            limit=limit,
        )
    except SchedulingError as error:
        raise scheduling_problem(error, "query") from error
    return [{"starts_at": s.isoformat(), "ends_at": e.isoformat()} for s, e in slots]


def _states(session: Session, last_day: date) -> list[PlanState]:
    """Open cases that may be due by ``last_day``: one query on indexed columns of cases."""
    rows = session.execute(
        select(
            Case.id,
            Case.status,
            Case.current_plan_id,
            Case.plan_status,
            Case.monitoring_on,
            Case.next_review_on,
        ).where(
            Case.status.in_(sorted(CASE_STATUSES - NEVER_DUE)),
            or_(
                and_(Case.current_plan_id.is_(None), Case.status == "active"),
                Case.monitoring_on <= last_day,
                Case.next_review_on <= last_day,
            ),
        )
    )
    return [
        PlanState(
            row.id,
            row.current_plan_id,
            row.plan_status if row.current_plan_id else None,
            row.monitoring_on,
            row.next_review_on,
            row.status,
        )
        for row in rows
    ]


def due_list(session: Session, days: int) -> list[dict]:
    """Cases whose monitoring date or role due date comes within ``days`` (plain dates only)."""
    now = utcnow()
    upcoming = set(
        session.scalars(
            select(AgendaItem.case_id)
            .join(Meeting, Meeting.id == AgendaItem.meeting_id)
            .where(Meeting.starts_at >= now, Meeting.status == "scheduled")
        )
    )
    today = now.astimezone(JST).date()
    try:
        items = due_cases(
            _states(session, today + timedelta(days=max(days, 0))),
            today=today,
            horizon_days=days,
            already_scheduled=upcoming,
        )
    except SchedulingError as error:
        raise scheduling_problem(error, "days") from error
    return [
        {
            "case_id": i.case_id,
            "reason": i.reason,
            "due_on": i.due_on,
            "overdue": i.overdue,
            "suggested_purpose": i.suggested_purpose,
        }
        for i in items
    ]
