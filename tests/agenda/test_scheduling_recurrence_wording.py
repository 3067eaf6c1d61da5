"""Recurrence rules in words (describe_ja) and in storage (to_dict / from_dict)."""

from __future__ import annotations

from datetime import date, time

import pytest

from agenda.scheduling import (
    RecurrenceError,
    describe_ja,
    from_dict,
    to_dict,
)

from tests.agenda.recurrences import FOURTH_TUESDAY, rule


@pytest.mark.parametrize(
    ("kwargs", "text"),
    [
        ({"frequency": "monthly", "weekday": 1, "week_of_month": 4}, "毎月第4火曜日 14:00〜15:30"),
        (
            {"frequency": "monthly", "weekday": 4, "week_of_month": -1},
            "毎月最終金曜日 14:00〜15:30",
        ),
        (
            {"frequency": "monthly", "interval": 2, "weekday": 2, "week_of_month": 2},
            "隔月 第2水曜日 14:00〜15:30",
        ),
        (
            {"frequency": "monthly", "interval": 3, "weekday": 2, "week_of_month": 2},
            "3か月ごと 第2水曜日 14:00〜15:30",
        ),
        ({"frequency": "monthly", "interval": 2, "day_of_month": 15}, "隔月 15日 14:00〜15:30"),
        ({"frequency": "monthly", "day_of_month": 15}, "毎月15日 14:00〜15:30"),
        (
            {"frequency": "monthly", "day_of_month": 31},
            "毎月31日（該当日のない月は開催なし） 14:00〜15:30",
        ),
        ({"frequency": "weekly", "weekday": 4}, "毎週金曜日 14:00〜15:30"),
        ({"frequency": "weekly", "interval": 2, "weekday": 0}, "隔週 月曜日 14:00〜15:30"),
        ({"frequency": "weekly", "interval": 3, "weekday": 6}, "3週ごと 日曜日 14:00〜15:30"),
        (
            {"frequency": "weekly", "weekday": 4, "start_time": time(9, 5), "duration_minutes": 60},
            "毎週金曜日 09:05〜10:05",
        ),
        (
            {
                "frequency": "weekly",
                "weekday": 4,
                "start_time": time(23, 0),
                "duration_minutes": 120,
            },
            "毎週金曜日 23:00〜翌01:00",
        ),
        (
            {"frequency": "weekly", "weekday": 4, "until": date(2028, 3, 31)},
            "毎週金曜日 14:00〜15:30（2028年3月31日まで）",
        ),
        ({"frequency": "weekly", "weekday": 4, "count": 12}, "毎週金曜日 14:00〜15:30（全12回）"),
    ],
)
def test_describe_ja(kwargs, text):
    assert describe_ja(rule(**kwargs)) == text


@pytest.mark.parametrize(
    "r",
    [
        FOURTH_TUESDAY,
        rule(frequency="monthly", interval=2, day_of_month=31, until=date(2028, 3, 31)),
        rule(frequency="weekly", interval=2, weekday=4, count=10, start_time=time(9, 30)),
        rule(frequency="monthly", weekday=4, week_of_month=-1),
    ],
)
def test_dict_round_trip(r):
    stored = to_dict(r)
    assert from_dict(stored) == r
    assert all(isinstance(v, (str, int, type(None))) for v in stored.values())


def test_to_dict_shape():
    assert to_dict(FOURTH_TUESDAY) == {
        "frequency": "monthly",
        "interval": 1,
        "weekday": 1,
        "week_of_month": 4,
        "day_of_month": None,
        "start_time": "14:00",
        "duration_minutes": 90,
        "starts_on": "2027-01-01",
        "until": None,
        "count": None,
        "closed_days": "ignore",
    }


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"week_of_month": 5}, "第5週"),
        ({"start_time": "2pm"}, "start_time"),
        ({"start_time": 1400}, "start_time"),
        ({"starts_on": "2027/01/01"}, "starts_on"),
        ({"until": "tomorrow"}, "until"),
        ({"interval": "2"}, "間隔"),
        ({"colour": "red"}, "colour"),
        ({"frequency": None}, "frequency"),
    ],
)
def test_from_dict_refuses_bad_storage(change, fragment):
    with pytest.raises(RecurrenceError, match=fragment):
        from_dict({**to_dict(FOURTH_TUESDAY), **change})


@pytest.mark.parametrize("data", [None, [], "monthly"])
def test_from_dict_refuses_non_objects(data):
    with pytest.raises(RecurrenceError):
        from_dict(data)
