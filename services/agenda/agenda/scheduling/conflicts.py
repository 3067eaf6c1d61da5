"""Double booking: which attendees are already busy when a meeting would take place."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from .common import SchedulingError, require_aware


@dataclass(frozen=True)
class Busy:
    """A member is taken from ``starts_at`` to ``ends_at`` (by ``meeting_id`` if known)."""

    member_id: str
    starts_at: datetime
    ends_at: datetime
    meeting_id: str | None = None

    def __post_init__(self) -> None:
        check_interval(self.starts_at, self.ends_at)


@dataclass(frozen=True)
class Conflict:
    """One attendee's clash: the busy interval that overlaps the proposed meeting."""

    member_id: str
    meeting_id: str | None
    starts_at: datetime
    ends_at: datetime


def check_interval(starts_at: datetime, ends_at: datetime) -> None:
    """Raise SchedulingError unless both ends are aware and the interval runs forwards."""
    require_aware(starts_at, "starts_at")
    require_aware(ends_at, "ends_at")
    if ends_at < starts_at:
        raise SchedulingError("終了日時が開始日時より前です。", "ends_at is before starts_at.")


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    """Half-open overlap: a meeting ending at 15:00 and one starting at 15:00 do not clash."""
    return a_start < b_end and b_start < a_end


def find_conflicts(
    starts_at: datetime,
    ends_at: datetime,
    attendee_ids: Iterable[str],
    busy: Iterable[Busy],
    *,
    ignore_meeting_id: str | None = None,
) -> list[Conflict]:
    """Busy intervals of the attendees that overlap [starts_at, ends_at), in a stable order."""
    check_interval(starts_at, ends_at)
    attendees = set(attendee_ids)
    found = {
        Conflict(b.member_id, b.meeting_id, b.starts_at, b.ends_at)
        for b in busy
        if b.member_id in attendees
        # The meeting being rescheduled must not clash with its own old time.
        and (ignore_meeting_id is None or b.meeting_id != ignore_meeting_id)
        and overlaps(starts_at, ends_at, b.starts_at, b.ends_at)
    }
    return sorted(found, key=lambda c: (c.starts_at, c.ends_at, c.member_id, c.meeting_id or ""))
