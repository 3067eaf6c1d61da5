"""What a coordinator confirms before a meeting is saved: past dates, closed days, clashes.

Nothing is saved here. The scheduling page asks first and shows the answers with a
confirm step; the meeting is only written when the coordinator goes ahead.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from agenda.meetings.models import Meeting
from agenda.meetings.schemas import CheckOut
from agenda.planner.service import busy_of
from agenda.scheduling import JST, find_conflicts
from agenda.scheduling.holidays import closed_reason
from kasane_shared.db import utcnow

_SPACE = re.compile(r"\s+")


def place_key(place: str) -> str:
    """A place as compared for clashes: width, case and spaces do not matter."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", place or "")).casefold()


def room_conflicts(
    session: Session,
    place: str,
    starts: datetime,
    ends: datetime,
    ignore: Iterable[str] = (),
) -> list[dict]:
    """Scheduled meetings in the same room overlapping [starts, ends) (ids and times only)."""
    key, skip = place_key(place), set(ignore)
    if not key:
        return []
    rows = session.scalars(
        select(Meeting).where(
            Meeting.starts_at < ends, Meeting.ends_at > starts, Meeting.status == "scheduled"
        )
    )
    return [
        {
            "other_meeting_id": m.id,
            "starts_at": m.starts_at.astimezone(JST).isoformat(),
            "ends_at": m.ends_at.astimezone(JST).isoformat(),
        }
        for m in rows
        if m.id not in skip and place_key(m.place) == key
    ]


def check(
    session: Session,
    times: list[tuple[datetime, datetime]],
    place: str,
    member_ids: list[str],
    ignore: Iterable[str] = (),
) -> CheckOut:
    """Every issue of saving meetings at ``times`` in ``place`` with these invitees."""
    skip, now = set(ignore), utcnow()
    past, closed, clashes, rooms = [], [], [], []
    for starts, ends in times:
        local = starts.astimezone(JST)
        if starts < now:
            past.append(local)
        reason = closed_reason(local.date())
        if reason:
            closed.append({"starts_at": local.isoformat(), "reason": reason})
        busy = [b for b in busy_of(session, member_ids, starts, ends) if b.meeting_id not in skip]
        clashes += [
            {
                "member_id": c.member_id,
                "other_meeting_id": c.meeting_id,
                "starts_at": c.starts_at.astimezone(JST).isoformat(),
                "ends_at": c.ends_at.astimezone(JST).isoformat(),
                "for_starts_at": local.isoformat(),
            }
            for c in find_conflicts(starts, ends, member_ids, busy)
        ]
        rooms += [
            r | {"for_starts_at": local.isoformat()}
            for r in room_conflicts(session, place, starts, ends, skip)
        ]
    return CheckOut(
        needs_confirmation=bool(past or closed or clashes or rooms),
        past=past,
        closed_days=closed,
        conflicts=clashes,
        room_conflicts=rooms,
        warnings=_warnings(past, closed, clashes, rooms),
    )


def _warnings(past: list, closed: list, clashes: list, rooms: list) -> list[dict]:
    out = []
    if past:
        out.append(
            {
                "code": "past_date",
                "message": "過去の日時です。この日時で登録してよいか確認してください。",
                "message_en": "This date is in the past. Please confirm it is right.",
            }
        )
    if closed:
        out.append(
            {
                "code": "closed_day",
                "message": "閉庁日（土日祝日・年末年始）に当たる会議があります。",
                "message_en": "A meeting falls on a day the offices are closed.",
            }
        )
    for member_id in dict.fromkeys(c["member_id"] for c in clashes):
        out.append(
            {
                "code": "double_booking",
                "message": "この構成員は同じ時間帯に別の会議が入っています。",
                "message_en": "This attendee already has another meeting at this time.",
                "member_id": member_id,
            }
        )
    if rooms:
        out.append(
            {
                "code": "room_clash",
                "message": "同じ場所で同じ時間帯に別の会議が入っています。",
                "message_en": "Another meeting takes this room at this time.",
            }
        )
    return out
