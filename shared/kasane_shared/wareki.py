"""Japanese era dates (和暦) for documents and web pages: 「令和8年1月27日（火）14:00」."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def _tokyo() -> tzinfo:
    # Japan has had no daylight saving since 1951, so a fixed +09:00 is exact for every
    # date we can format; it covers machines without the system tz database.
    try:
        return ZoneInfo("Asia/Tokyo")
    except ZoneInfoNotFoundError:
        return timezone(timedelta(hours=9), "JST")


JST: tzinfo = _tokyo()

# Newest first: the first era whose start is on or before a date is that date's era.
ERAS: tuple[tuple[str, date], ...] = (
    ("令和", date(2019, 5, 1)),
    ("平成", date(1989, 1, 8)),
    ("昭和", date(1926, 12, 25)),
)

WEEKDAYS = "月火水木金土日"
RANGE_SEP = "〜"


def era_year(d: date) -> tuple[str, int]:
    """The era name and the year within it (1 for the first year) of a date."""
    for name, start in ERAS:
        if d >= start:
            return name, d.year - start.year + 1
    raise ValueError(f"dates before 昭和 (1926-12-25) are not supported: {d.isoformat()}")


def _year_label(name: str, year: int) -> str:
    return f"{name}{'元' if year == 1 else year}年"


def format_date(d: date) -> str:
    """「令和8年1月27日（火）」; the first year of an era is written 元年."""
    if isinstance(d, datetime):
        # A datetime is a date subclass; formatting its naive fields would skip the JST step.
        raise TypeError("format_date takes a date; use format_datetime for a datetime")
    name, year = era_year(d)
    return f"{_year_label(name, year)}{d.month}月{d.day}日（{WEEKDAYS[d.weekday()]}）"


def to_jst(dt: datetime, tz: tzinfo | None = None) -> datetime:
    """An aware datetime converted to Japan time (or tz); naive datetimes are refused."""
    if dt.tzinfo is None or dt.tzinfo.utcoffset(dt) is None:
        raise ValueError("naive datetime: give a timezone-aware datetime")
    return dt.astimezone(tz or JST)


def format_datetime(dt: datetime, tz: tzinfo | None = None) -> str:
    """「令和8年1月27日（火）14:00」 in Japan time (or tz)."""
    local = to_jst(dt, tz)
    return f"{format_date(local.date())}{local:%H:%M}"


def format_time_range(start: datetime, end: datetime, tz: tzinfo | None = None) -> str:
    """「令和8年1月27日（火）14:00〜15:30」; both full dates when the days differ."""
    s, e = to_jst(start, tz), to_jst(end, tz)
    if s.date() == e.date():
        return f"{format_datetime(s, tz)}{RANGE_SEP}{e:%H:%M}"
    return f"{format_datetime(s, tz)}{RANGE_SEP}{format_datetime(e, tz)}"


def fiscal_year_label(d: date) -> str:
    """「令和8年度」: the fiscal year (April to March) a date falls in."""
    if isinstance(d, datetime):
        raise TypeError("fiscal_year_label takes a date")
    start_year = d.year if d.month >= 4 else d.year - 1
    # Named in the era of the date itself (April 2019 was 平成31年度, June 2019 令和元年度),
    # unless that era began after the fiscal year's April (Feb 1989 is in 昭和63年度).
    for name, era_start in ERAS:
        if d >= era_start:
            year = start_year - era_start.year + 1
            if year >= 1:
                return f"{_year_label(name, year)}度"
    name, year = era_year(date(start_year, 4, 1))
    return f"{_year_label(name, year)}度"
