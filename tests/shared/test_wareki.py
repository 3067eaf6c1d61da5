"""和暦 formatting: era boundaries, 元年, weekdays, JST conversion, fiscal years."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from kasane_shared.wareki import (
    JST,
    fiscal_year_label,
    format_date,
    format_datetime,
    format_time_range,
)

UTC = timezone.utc


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2026, 1, 27), "令和8年1月27日（火）"),
        (date(2019, 5, 1), "令和元年5月1日（水）"),
        (date(2019, 4, 30), "平成31年4月30日（火）"),
        (date(2019, 12, 31), "令和元年12月31日（火）"),
        (date(2020, 1, 1), "令和2年1月1日（水）"),
        (date(1989, 1, 8), "平成元年1月8日（日）"),
        (date(1989, 1, 7), "昭和64年1月7日（土）"),
        (date(1990, 1, 1), "平成2年1月1日（月）"),
        (date(1926, 12, 25), "昭和元年12月25日（土）"),
        (date(1927, 1, 1), "昭和2年1月1日（土）"),
        (date(2000, 2, 29), "平成12年2月29日（火）"),
        (date(2026, 2, 1), "令和8年2月1日（日）"),
        (date(2026, 2, 2), "令和8年2月2日（月）"),
        (date(2026, 2, 6), "令和8年2月6日（金）"),
        (date(2026, 2, 7), "令和8年2月7日（土）"),
        (date(2026, 2, 4), "令和8年2月4日（水）"),
        (date(2026, 2, 5), "令和8年2月5日（木）"),
    ],
)
def test_format_date(d: date, expected: str) -> None:
    assert format_date(d) == expected


def test_dates_before_showa_are_refused() -> None:
    with pytest.raises(ValueError):
        format_date(date(1926, 12, 24))


def test_format_date_refuses_a_datetime() -> None:
    with pytest.raises(TypeError):
        format_date(datetime(2026, 1, 27, 14, 0, tzinfo=JST))


@pytest.mark.parametrize(
    ("dt", "expected"),
    [
        (datetime(2026, 1, 27, 14, 0, tzinfo=JST), "令和8年1月27日（火）14:00"),
        (datetime(2026, 1, 26, 20, 0, tzinfo=UTC), "令和8年1月27日（火）05:00"),
        (datetime(2026, 1, 27, 5, 0, tzinfo=UTC), "令和8年1月27日（火）14:00"),
        (datetime(2026, 1, 27, 14, 59, tzinfo=UTC), "令和8年1月27日（火）23:59"),
        (datetime(2026, 1, 27, 15, 0, tzinfo=UTC), "令和8年1月28日（水）00:00"),
        (datetime(2019, 4, 30, 15, 0, tzinfo=UTC), "令和元年5月1日（水）00:00"),
        (
            datetime(2026, 1, 27, 9, 5, tzinfo=timezone(timedelta(hours=-5))),
            "令和8年1月27日（火）23:05",
        ),
    ],
)
def test_format_datetime_in_japan_time(dt: datetime, expected: str) -> None:
    assert format_datetime(dt) == expected


def test_format_datetime_other_timezone() -> None:
    dt = datetime(2026, 1, 27, 14, 0, tzinfo=JST)
    assert format_datetime(dt, tz=UTC) == "令和8年1月27日（火）05:00"


def test_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError):
        format_datetime(datetime(2026, 1, 27, 14, 0))
    with pytest.raises(ValueError):
        format_time_range(datetime(2026, 1, 27, 14, 0), datetime(2026, 1, 27, 15, 0, tzinfo=JST))


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (
            datetime(2026, 1, 27, 14, 0, tzinfo=JST),
            datetime(2026, 1, 27, 15, 30, tzinfo=JST),
            "令和8年1月27日（火）14:00〜15:30",
        ),
        (
            datetime(2026, 1, 27, 5, 0, tzinfo=UTC),
            datetime(2026, 1, 27, 6, 30, tzinfo=UTC),
            "令和8年1月27日（火）14:00〜15:30",
        ),
        (
            datetime(2026, 1, 27, 22, 0, tzinfo=JST),
            datetime(2026, 1, 28, 1, 0, tzinfo=JST),
            "令和8年1月27日（火）22:00〜令和8年1月28日（水）01:00",
        ),
        (
            # Same UTC day, different Japanese days.
            datetime(2026, 1, 27, 13, 0, tzinfo=UTC),
            datetime(2026, 1, 27, 16, 0, tzinfo=UTC),
            "令和8年1月27日（火）22:00〜令和8年1月28日（水）01:00",
        ),
        (
            datetime(2019, 4, 30, 23, 0, tzinfo=JST),
            datetime(2019, 5, 1, 1, 0, tzinfo=JST),
            "平成31年4月30日（火）23:00〜令和元年5月1日（水）01:00",
        ),
    ],
)
def test_format_time_range(start: datetime, end: datetime, expected: str) -> None:
    assert format_time_range(start, end) == expected


@pytest.mark.parametrize(
    ("d", "expected"),
    [
        (date(2026, 4, 1), "令和8年度"),
        (date(2026, 3, 31), "令和7年度"),
        (date(2027, 3, 31), "令和8年度"),
        (date(2026, 1, 27), "令和7年度"),
        (date(2020, 3, 31), "令和元年度"),
        (date(2020, 4, 1), "令和2年度"),
        (date(2019, 5, 1), "令和元年度"),
        (date(2019, 4, 30), "平成31年度"),
        (date(2019, 3, 31), "平成30年度"),
        (date(1989, 2, 1), "昭和63年度"),
        (date(1989, 4, 1), "平成元年度"),
    ],
)
def test_fiscal_year_label(d: date, expected: str) -> None:
    assert fiscal_year_label(d) == expected
