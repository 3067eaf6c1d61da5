"""Proposing meeting times when every required attendee is free."""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from .common import JST, SchedulingError, is_int, require_aware
from .conflicts import Busy

MAX_WINDOW = timedelta(days=366)
MIN_STEP = timedelta(minutes=1)
WEEKDAYS = frozenset({0, 1, 2, 3, 4})
Interval = tuple[datetime, datetime]


def _merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted, non-overlapping union of the intervals (touching ones joined)."""
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _check(
    window_start: datetime,
    window_end: datetime,
    duration: timedelta,
    step: timedelta,
    working_hours: tuple[time, time],
    lunch: tuple[time, time] | None,
    limit: int,
) -> None:
    require_aware(window_start, "window_start")
    require_aware(window_end, "window_end")
    if not window_start < window_end <= window_start + MAX_WINDOW:
        raise SchedulingError(
            "候補期間は366日以内の正しい範囲で指定してください。",
            "the window must run forwards, 366 days at most.",
        )
    if duration <= timedelta(0) or step < MIN_STEP:
        raise SchedulingError(
            "所要時間は正、刻みは1分以上にしてください。",
            "duration must be positive and step at least 1 minute.",
        )
    for name, pair in (("working_hours", working_hours), ("lunch", lunch)):
        if pair is not None and not pair[0] < pair[1]:
            raise SchedulingError(
                f"{name} の開始は終了より前にしてください。", f"{name} must start before it ends."
            )
    if not is_int(limit) or limit < 0:
        raise SchedulingError("件数は0以上にしてください。", "limit must not be negative.")


class _Blocks:
    """Merged busy time with O(log n) lookup of the first block that ends after a moment."""

    def __init__(self, intervals: list[Interval]) -> None:
        self.intervals = intervals
        self.ends = [end for _, end in intervals]

    def clash(self, start: datetime, end: datetime) -> datetime | None:
        """End of the block overlapping [start, end), or None when the time is free."""
        i = bisect.bisect_right(self.ends, start)
        if i < len(self.intervals) and self.intervals[i][0] < end:
            return self.intervals[i][1]
        return None


def _align_up(moment: datetime, origin: datetime, step: timedelta) -> datetime:
    """The first origin + k*step at or after moment (k >= 0)."""
    if moment <= origin:
        return origin
    return origin + -((origin - moment) // step) * step


def _day_slots(
    day: date,
    blocks: _Blocks,
    *,
    window: Interval,
    duration: timedelta,
    step: timedelta,
    working_hours: tuple[time, time],
    lunch: tuple[time, time] | None,
) -> Iterable[Interval]:
    """Free slots on one JST day, earliest first; jumps over busy blocks instead of stepping."""
    opens = datetime.combine(day, working_hours[0], tzinfo=JST)
    closes = min(datetime.combine(day, working_hours[1], tzinfo=JST), window[1])
    lunch_block = None
    if lunch is not None:
        lunch_block = (
            datetime.combine(day, lunch[0], tzinfo=JST),
            datetime.combine(day, lunch[1], tzinfo=JST),
        )
    start = _align_up(window[0], opens, step)
    while start + duration <= closes:
        end = start + duration
        blocked_until = blocks.clash(start, end)
        if (
            blocked_until is None
            and lunch_block is not None
            and lunch_block[0] < end
            and start < lunch_block[1]
        ):
            blocked_until = lunch_block[1]
        if blocked_until is None:
            yield start, end
            start += step
        else:
            start = _align_up(blocked_until, opens, step)


def propose_slots(
    required_ids: Iterable[str],
    busy: Iterable[Busy],
    *,
    window_start: datetime,
    window_end: datetime,
    duration: timedelta,
    working_hours: tuple[time, time] = (time(9, 0), time(17, 0)),
    step: timedelta = timedelta(minutes=30),
    weekdays: frozenset[int] = WEEKDAYS,
    skip_dates: frozenset[date] = frozenset(),
    limit: int = 5,
    lunch: tuple[time, time] | None = (time(12, 0), time(13, 0)),
) -> list[Interval]:
    """Up to ``limit`` earliest (start, end) slots in JST where every required attendee is free.

    Starts are aligned to ``step`` from the start of working hours; a slot lies wholly
    inside working hours and the window, on an allowed weekday not in ``skip_dates``,
    and does not overlap lunch or any required attendee's busy time (touching is fine).
    Optional attendees are not passed in: only ``required_ids`` count.
    """
    _check(window_start, window_end, duration, step, working_hours, lunch, limit)
    required = set(required_ids)
    blocks = _Blocks(_merge((b.starts_at, b.ends_at) for b in busy if b.member_id in required))
    found: list[Interval] = []
    day = window_start.astimezone(JST).date()
    last = window_end.astimezone(JST).date()
    while day <= last and len(found) < limit:
        if day.weekday() in weekdays and day not in skip_dates:
            for slot in _day_slots(
                day,
                blocks,
                window=(window_start, window_end),
                duration=duration,
                step=step,
                working_hours=working_hours,
                lunch=lunch,
            ):
                found.append(slot)
                if len(found) >= limit:
                    break
        day += timedelta(days=1)
    return found
