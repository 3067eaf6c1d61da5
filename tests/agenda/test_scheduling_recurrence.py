"""Recurrence rules: expansion against real calendar dates, and validation."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from agenda.scheduling import (
    JST,
    Recurrence,
    RecurrenceError,
    describe_ja,
    from_dict,
    occurrences,
    to_dict,
)
from agenda.scheduling.recurrence import MAX_PERIODS

from tests.agenda.recurrences import FOURTH_TUESDAY, rule


def days(r: Recurrence, **kwargs) -> list[date]:
    return [start.date() for start, _ in occurrences(r, **kwargs)]


def test_every_fourth_tuesday_over_a_year():
    assert days(FOURTH_TUESDAY, limit=12) == [
        date(2027, 1, 26),
        date(2027, 2, 23),
        date(2027, 3, 23),
        date(2027, 4, 27),
        date(2027, 5, 25),
        date(2027, 6, 22),
        date(2027, 7, 27),
        date(2027, 8, 24),
        date(2027, 9, 28),
        date(2027, 10, 26),
        date(2027, 11, 23),
        date(2027, 12, 28),
    ]


def test_times_are_jst_aware_with_duration():
    start, end = occurrences(FOURTH_TUESDAY, limit=1)[0]
    assert start == datetime(2027, 1, 26, 14, 0, tzinfo=JST)
    assert start.utcoffset() == timedelta(hours=9)
    assert end - start == timedelta(minutes=90)


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        # last Friday
        (
            {"frequency": "monthly", "weekday": 4, "week_of_month": -1},
            [date(2027, 1, 29), date(2027, 2, 26), date(2027, 3, 26), date(2027, 4, 30)],
        ),
        # every other month, 2nd Wednesday
        (
            {"frequency": "monthly", "interval": 2, "weekday": 2, "week_of_month": 2},
            [date(2027, 1, 13), date(2027, 3, 10), date(2027, 5, 12), date(2027, 7, 14)],
        ),
        # 1st Monday: Jan 2027 starts on a Friday
        (
            {"frequency": "monthly", "weekday": 0, "week_of_month": 1},
            [date(2027, 1, 4), date(2027, 2, 1), date(2027, 3, 1), date(2027, 4, 5)],
        ),
        # day 31 skips February, April, June
        (
            {"frequency": "monthly", "day_of_month": 31},
            [date(2027, 1, 31), date(2027, 3, 31), date(2027, 5, 31), date(2027, 7, 31)],
        ),
        # day 29: February 2028 is a leap month, February 2027 is not
        (
            {"frequency": "monthly", "day_of_month": 29, "starts_on": date(2027, 12, 1)},
            [date(2027, 12, 29), date(2028, 1, 29), date(2028, 2, 29), date(2028, 3, 29)],
        ),
        # every other month on the 31st: September and November have none
        (
            {
                "frequency": "monthly",
                "interval": 2,
                "day_of_month": 31,
                "starts_on": date(2027, 5, 1),
            },
            [date(2027, 5, 31), date(2027, 7, 31), date(2028, 1, 31), date(2028, 3, 31)],
        ),
        # weekly on Friday
        (
            {"frequency": "weekly", "weekday": 4},
            [date(2027, 1, 1), date(2027, 1, 8), date(2027, 1, 15), date(2027, 1, 22)],
        ),
        # every other Monday counts from the first meeting on or after starts_on
        (
            {"frequency": "weekly", "interval": 2, "weekday": 0, "starts_on": date(2027, 1, 6)},
            [date(2027, 1, 11), date(2027, 1, 25), date(2027, 2, 8), date(2027, 2, 22)],
        ),
        # the first month's date is already past starts_on: start next month
        (
            {
                "frequency": "monthly",
                "weekday": 1,
                "week_of_month": 4,
                "starts_on": date(2027, 1, 27),
            },
            [date(2027, 2, 23), date(2027, 3, 23), date(2027, 4, 27), date(2027, 5, 25)],
        ),
        # starts_on on a matching day includes it
        (
            {
                "frequency": "monthly",
                "weekday": 1,
                "week_of_month": 4,
                "starts_on": date(2027, 1, 26),
            },
            [date(2027, 1, 26), date(2027, 2, 23), date(2027, 3, 23), date(2027, 4, 27)],
        ),
    ],
)
def test_expansion(kwargs, expected):
    assert days(rule(**kwargs), limit=4) == expected


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        (
            {"until": date(2027, 4, 27)},
            [date(2027, 1, 26), date(2027, 2, 23), date(2027, 3, 23), date(2027, 4, 27)],
        ),
        ({"until": date(2027, 4, 26)}, [date(2027, 1, 26), date(2027, 2, 23), date(2027, 3, 23)]),
        ({"count": 2}, [date(2027, 1, 26), date(2027, 2, 23)]),
    ],
)
def test_until_and_count_end_the_series(kwargs, expected):
    assert days(rule(frequency="monthly", weekday=1, week_of_month=4, **kwargs)) == expected


def test_count_does_not_count_months_without_the_day():
    r = rule(frequency="monthly", day_of_month=31, count=3)
    assert days(r) == [date(2027, 1, 31), date(2027, 3, 31), date(2027, 5, 31)]


def test_limit_caps_an_open_series():
    assert len(occurrences(FOURTH_TUESDAY, limit=7)) == 7
    assert occurrences(FOURTH_TUESDAY, limit=0) == []


def test_skip_dates_remove_holidays_and_still_use_up_count():
    labour_thanksgiving = date(2027, 11, 23)
    assert labour_thanksgiving not in days(
        FOURTH_TUESDAY, limit=12, skip_dates=frozenset({labour_thanksgiving})
    )
    counted = rule(frequency="monthly", weekday=1, week_of_month=4, count=3)
    assert days(counted, skip_dates=frozenset({date(2027, 2, 23)})) == [
        date(2027, 1, 26),
        date(2027, 3, 23),
    ]


def test_after_is_strict_and_pages():
    first = occurrences(FOURTH_TUESDAY, limit=2)
    assert days(FOURTH_TUESDAY, after=first[-1][0], limit=2) == [
        date(2027, 3, 23),
        date(2027, 4, 27),
    ]
    # "after" in another zone is the same instant
    just_before = datetime(2027, 6, 22, 4, 59, tzinfo=UTC)  # 13:59 JST
    assert days(FOURTH_TUESDAY, after=just_before, limit=1) == [date(2027, 6, 22)]
    assert days(FOURTH_TUESDAY, after=just_before + timedelta(minutes=1), limit=1) == [
        date(2027, 7, 27)
    ]


def test_after_far_ahead_of_an_open_rule_terminates():
    assert (
        occurrences(rule(frequency="weekly", weekday=0), after=datetime(2900, 1, 1, tzinfo=JST))
        == []
    )


def test_skip_dates_eating_everything_terminates():
    weekly = rule(frequency="weekly", weekday=0)
    everything = frozenset(date(2027, 1, 4) + timedelta(weeks=k) for k in range(MAX_PERIODS))
    assert occurrences(weekly, skip_dates=everything) == []


@pytest.mark.parametrize(
    ("kwargs", "ja"),
    [
        ({"frequency": "monthly", "weekday": 1, "week_of_month": 5}, "第5週は指定できません。"),
        ({"frequency": "monthly", "weekday": 1, "week_of_month": 0}, "第5週は指定できません。"),
        ({"frequency": "monthly", "weekday": 1}, "「曜日と第n週」または「日付」が必要です"),
        ({"frequency": "monthly", "week_of_month": 2}, "「曜日と第n週」または「日付」が必要です"),
        ({"frequency": "monthly"}, "「曜日と第n週」または「日付」が必要です"),
        (
            {"frequency": "monthly", "weekday": 1, "week_of_month": 2, "day_of_month": 3},
            "どちらか一方",
        ),
        ({"frequency": "monthly", "day_of_month": 32}, "日付は1〜31"),
        ({"frequency": "monthly", "day_of_month": 0}, "日付は1〜31"),
        ({"frequency": "weekly"}, "曜日が必要です"),
        ({"frequency": "weekly", "weekday": 7}, "曜日は0（月）〜6（日）"),
        ({"frequency": "weekly", "weekday": 2, "week_of_month": 1}, "第n週や日付は指定できません"),
        ({"frequency": "weekly", "weekday": 2, "day_of_month": 1}, "第n週や日付は指定できません"),
        ({"frequency": "daily", "weekday": 2}, "毎週（weekly）か毎月（monthly）"),
        ({"frequency": "weekly", "weekday": 2, "interval": 0}, "間隔は1〜52"),
        ({"frequency": "monthly", "day_of_month": 1, "interval": 13}, "間隔は1〜12"),
        ({"frequency": "weekly", "weekday": True}, "曜日は0（月）〜6（日）"),
        ({"frequency": "weekly", "weekday": 2, "duration_minutes": 0}, "所要時間"),
        ({"frequency": "weekly", "weekday": 2, "start_time": time(14, 0, 30)}, "分単位"),
        (
            {"frequency": "weekly", "weekday": 2, "start_time": time(14, 0, tzinfo=JST)},
            "タイムゾーンなし",
        ),
        (
            {"frequency": "weekly", "weekday": 2, "starts_on": datetime(2027, 1, 1, tzinfo=JST)},
            "日付で指定",
        ),
        ({"frequency": "weekly", "weekday": 2, "until": date(2026, 12, 31)}, "開始日以降"),
        ({"frequency": "weekly", "weekday": 2, "count": 0}, "回数は1〜"),
        (
            {"frequency": "weekly", "weekday": 2, "count": 3, "until": date(2027, 6, 1)},
            "同時に指定できません",
        ),
    ],
)
def test_invalid_rules_are_refused_in_japanese_first(kwargs, ja):
    with pytest.raises(RecurrenceError) as caught:
        rule(**kwargs)
    message = str(caught.value)
    assert ja in message
    japanese, english = message.split(" / ", 1)
    assert japanese and english.isascii()
    assert isinstance(caught.value, ValueError)


def test_week_five_message_is_exact():
    with pytest.raises(RecurrenceError) as caught:
        rule(frequency="monthly", weekday=1, week_of_month=5)
    assert str(caught.value).endswith(" / week_of_month must be 1-4 or -1.")


@pytest.mark.parametrize(
    ("kwargs", "bad"),
    [
        ({"after": datetime(2027, 1, 1)}, "after"),
        ({"limit": -1}, "limit"),
        ({"limit": 100_000}, "limit"),
    ],
)
def test_invalid_expansion_requests(kwargs, bad):
    with pytest.raises(RecurrenceError, match=bad):
        occurrences(FOURTH_TUESDAY, **kwargs)


def test_open_rule_near_the_end_of_the_allowed_years_stops_without_overflow():
    last_day = date(2999, 12, 31)
    late = rule(frequency="weekly", interval=52, weekday=last_day.weekday(), starts_on=last_day)
    found = occurrences(late, limit=1000)
    assert found[0][0].date() == last_day
    assert found[-1][0].year <= 2999 + 100
    with pytest.raises(RecurrenceError, match="1900"):
        rule(frequency="weekly", weekday=0, starts_on=date(3000, 1, 1))


def test_closed_days_follow_japanese_holidays():
    # 2nd Monday of January 2027 is 成人の日 (11 Jan), a holiday jpholiday computes.
    rule = Recurrence(
        frequency="monthly",
        weekday=0,
        week_of_month=2,
        start_time=time(10, 0),
        duration_minutes=60,
        starts_on=date(2027, 1, 1),
        count=2,
        closed_days="next",
    )
    assert [s.date() for s, _ in occurrences(rule)] == [date(2027, 1, 12), date(2027, 2, 8)]
    skipped = from_dict({**to_dict(rule), "closed_days": "skip"})
    assert [s.date() for s, _ in occurrences(skipped)] == [date(2027, 2, 8)]
    assert "翌開庁日" in describe_ja(rule)
    # Year-end: 29 December to 3 January are closed whatever the weekday.
    year_end = Recurrence(
        frequency="monthly",
        day_of_month=30,
        start_time=time(10, 0),
        duration_minutes=60,
        starts_on=date(2027, 12, 1),
        count=1,
        closed_days="previous",
    )
    assert [s.date() for s, _ in occurrences(year_end)] == [date(2027, 12, 28)]
    with pytest.raises(RecurrenceError):
        Recurrence(**{**rule.__dict__, "closed_days": "sometimes"})
