"""Proposing slots: working hours, lunch, weekends, busy attendees, efficiency."""

from __future__ import annotations

import random
import time as clock
from datetime import UTC, date, datetime, time, timedelta

import pytest

from agenda.scheduling import JST, Busy, SchedulingError, propose_slots

HOUR = timedelta(hours=1)
MONDAY = date(2027, 1, 25)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=JST)


def slots(required=("a", "b"), busy=(), *, start=None, end=None, duration=HOUR, **kwargs):
    start = start or at(MONDAY, 0)
    end = end or start + timedelta(weeks=4)
    return propose_slots(
        list(required), list(busy), window_start=start, window_end=end, duration=duration, **kwargs
    )


def starts(found) -> list[datetime]:
    return [s for s, _ in found]


def test_everyone_free_gives_nine_oclock_of_the_next_weekday():
    saturday = date(2027, 1, 23)
    found = slots(start=at(saturday, 10))
    assert found[0] == (at(MONDAY, 9), at(MONDAY, 10))
    assert starts(found) == [
        at(MONDAY, 9),
        at(MONDAY, 9, 30),
        at(MONDAY, 10),
        at(MONDAY, 10, 30),
        at(MONDAY, 11),
    ]
    assert all(s.utcoffset() == timedelta(hours=9) for s, _ in found)


def test_window_start_mid_morning_aligns_to_the_step():
    assert starts(slots(start=at(MONDAY, 10, 10), limit=1)) == [at(MONDAY, 10, 30)]


def test_window_given_in_utc_is_read_in_jst():
    # Sunday 2027-01-24 23:00 UTC is Monday 08:00 JST.
    found = slots(start=datetime(2027, 1, 24, 23, 0, tzinfo=UTC), limit=1)
    assert found == [(at(MONDAY, 9), at(MONDAY, 10))]


def test_busy_blocks_push_the_slot():
    busy = [
        Busy("a", at(MONDAY, 9), at(MONDAY, 10, 15)),
        Busy("b", at(MONDAY, 10, 30), at(MONDAY, 11, 45)),
    ]
    # 10:30 would clash with b; 11:45 ends b, the next aligned start is 12:00, lunch pushes
    # to 13:00.
    assert starts(slots(busy=busy, limit=2)) == [at(MONDAY, 13), at(MONDAY, 13, 30)]


def test_touching_busy_time_is_free():
    busy = [Busy("a", at(MONDAY, 8), at(MONDAY, 9)), Busy("b", at(MONDAY, 10), at(MONDAY, 11))]
    assert starts(slots(busy=busy, limit=2)) == [at(MONDAY, 9), at(MONDAY, 11)]


def test_lunch_is_excluded_unless_none():
    morning_busy = [Busy("a", at(MONDAY, 9), at(MONDAY, 11, 30))]
    assert starts(slots(busy=morning_busy, limit=1)) == [at(MONDAY, 13)]
    assert starts(slots(busy=morning_busy, limit=1, lunch=None)) == [at(MONDAY, 11, 30)]
    # A half-hour meeting fits 11:30-12:00, touching lunch.
    assert starts(slots(busy=morning_busy, limit=1, duration=timedelta(minutes=30))) == [
        at(MONDAY, 11, 30)
    ]


def test_weekends_and_skip_dates_are_skipped():
    friday = date(2027, 1, 29)
    busy = [Busy("a", at(friday, 9), at(friday, 17))]
    found = slots(busy=busy, start=at(friday, 0), limit=1, skip_dates=frozenset({date(2027, 2, 1)}))
    assert starts(found) == [at(date(2027, 2, 2), 9)]


def test_custom_weekdays_allow_saturday():
    found = slots(start=at(date(2027, 1, 23), 0), limit=1, weekdays=frozenset({5}))
    assert starts(found) == [at(date(2027, 1, 23), 9)]


def test_a_slot_must_end_by_closing_time():
    day_busy = [Busy("a", at(MONDAY, 9), at(MONDAY, 15, 30))]
    two_hours = timedelta(hours=2)
    assert starts(slots(busy=day_busy, duration=two_hours, limit=1)) == [
        at(MONDAY + timedelta(days=1), 9)
    ]
    ninety = timedelta(minutes=90)
    assert slots(busy=day_busy, duration=ninety, limit=1) == [(at(MONDAY, 15, 30), at(MONDAY, 17))]


def test_a_slot_must_end_within_the_window():
    assert slots(end=at(MONDAY, 9, 59)) == []
    assert slots(end=at(MONDAY, 10)) == [(at(MONDAY, 9), at(MONDAY, 10))]


def test_no_slot_gives_an_empty_list():
    whole_month = [Busy("a", at(MONDAY, 0), at(MONDAY, 0) + timedelta(weeks=5))]
    assert slots(busy=whole_month) == []
    assert slots(duration=timedelta(hours=9)) == []
    assert slots(limit=0) == []


def test_only_required_attendees_count():
    optional_busy = [Busy("optional", at(MONDAY, 0), at(MONDAY, 0) + timedelta(weeks=5))]
    assert starts(slots(busy=optional_busy, limit=1)) == [at(MONDAY, 9)]


def test_step_and_working_hours_are_honoured():
    found = slots(limit=3, step=timedelta(minutes=15), working_hours=(time(8, 30), time(17, 15)))
    assert starts(found) == [at(MONDAY, 8, 30), at(MONDAY, 8, 45), at(MONDAY, 9)]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"start": datetime(2027, 1, 25, 9)},
        {"end": at(MONDAY, 0)},
        {"end": at(MONDAY, 0) + timedelta(days=400)},
        {"duration": timedelta(0)},
        {"step": timedelta(seconds=1)},
        {"working_hours": (time(17), time(9))},
        {"lunch": (time(13), time(12))},
        {"limit": -1},
    ],
)
def test_bad_requests_are_refused(kwargs):
    with pytest.raises(SchedulingError):
        slots(**kwargs)


def test_four_weeks_twenty_people_two_hundred_busy_blocks_is_fast():
    rng = random.Random(7)
    people = [f"m{i}" for i in range(20)]
    busy = []
    for _ in range(200):
        day = MONDAY + timedelta(days=rng.randrange(28))
        begin = at(day, 9) + timedelta(minutes=30 * rng.randrange(16))
        busy.append(
            Busy(rng.choice(people), begin, begin + timedelta(minutes=30 * rng.randrange(1, 5)))
        )
    began = clock.perf_counter()
    found = slots(required=people, busy=busy, limit=200)
    elapsed = clock.perf_counter() - began
    assert elapsed < 0.5
    assert found == sorted(found)
    for s, e in found:
        assert not any(b.starts_at < e and s < b.ends_at for b in busy)
        assert s.weekday() < 5 and time(9) <= s.time() and e.time() <= time(17)
        assert not (s.time() < time(13) and time(12) < e.time())
