"""Double booking: overlaps count, touching does not, only attendees, own meeting ignored."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from agenda.scheduling import JST, Busy, Conflict, SchedulingError, find_conflicts


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2027, 1, 26, hour, minute, tzinfo=JST)


START, END = at(14), at(15, 30)


@pytest.mark.parametrize(
    ("busy_from", "busy_to", "clash"),
    [
        (at(13), at(14, 30), True),  # overlaps the start
        (at(15), at(16), True),  # overlaps the end
        (at(14, 30), at(15), True),  # inside the meeting
        (at(13), at(17), True),  # contains the meeting
        (at(14), at(15, 30), True),  # the same time
        (at(13), at(14), False),  # ends as the meeting starts
        (at(15, 30), at(16), False),  # starts as the meeting ends
        (at(9), at(10), False),  # well apart
    ],
)
def test_overlap_matrix(busy_from, busy_to, clash):
    conflicts = find_conflicts(START, END, ["m1"], [Busy("m1", busy_from, busy_to, "mtg-x")])
    assert conflicts == ([Conflict("m1", "mtg-x", busy_from, busy_to)] if clash else [])


def test_other_members_do_not_count():
    assert find_conflicts(START, END, ["m1"], [Busy("m2", at(14), at(15))]) == []


def test_own_meeting_is_ignored_when_rescheduling():
    busy = [Busy("m1", at(14), at(15), "mtg-self"), Busy("m2", at(14), at(15), "mtg-other")]
    assert find_conflicts(START, END, ["m1", "m2"], busy, ignore_meeting_id="mtg-self") == [
        Conflict("m2", "mtg-other", at(14), at(15)),
    ]


def test_busy_without_meeting_id_is_never_ignored():
    busy = [Busy("m1", at(14), at(15))]
    assert find_conflicts(START, END, ["m1"], busy, ignore_meeting_id="mtg-self") == [
        Conflict("m1", None, at(14), at(15)),
    ]


def test_order_is_deterministic_and_duplicates_collapse():
    busy = [
        Busy("m2", at(15), at(16), "b"),
        Busy("m1", at(15), at(16), "b"),
        Busy("m3", at(13), at(14, 30), "a"),
        Busy("m1", at(15), at(16), "b"),
    ]
    expected = [
        Conflict("m3", "a", at(13), at(14, 30)),
        Conflict("m1", "b", at(15), at(16)),
        Conflict("m2", "b", at(15), at(16)),
    ]
    assert find_conflicts(START, END, ["m1", "m2", "m3"], busy) == expected
    assert find_conflicts(START, END, ("m3", "m2", "m1"), reversed(busy)) == expected


def test_other_time_zones_compare_as_instants():
    clash = Busy(
        "m1", datetime(2027, 1, 26, 5, 15, tzinfo=UTC), datetime(2027, 1, 26, 6, 0, tzinfo=UTC)
    )
    touching = Busy(
        "m2", datetime(2027, 1, 26, 6, 30, tzinfo=UTC), datetime(2027, 1, 26, 7, 0, tzinfo=UTC)
    )
    assert [c.member_id for c in find_conflicts(START, END, ["m1", "m2"], [clash, touching])] == [
        "m1"
    ]


@pytest.mark.parametrize(
    ("starts_at", "ends_at"),
    [(datetime(2027, 1, 26, 14), END), (START, datetime(2027, 1, 26, 15)), (END, START)],
)
def test_bad_intervals_are_refused(starts_at, ends_at):
    with pytest.raises(SchedulingError):
        find_conflicts(starts_at, ends_at, ["m1"], [])
    with pytest.raises(SchedulingError):
        Busy("m1", starts_at, ends_at)
