"""Closed days of a Japanese municipal office (閉庁日) and what a series does on them.

A closed day is a Saturday or Sunday, a national holiday (国民の祝日, 振替休日 and 国民の休日,
computed by the maintained ``jpholiday`` package, never a hand-kept list) or the year-end
break of 29 December to 3 January (行政機関の休日に関する法律 第1条).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

import jpholiday

ClosedDayRule = Literal["ignore", "skip", "next", "previous"]
CLOSED_DAY_RULES: tuple[str, ...] = ("ignore", "skip", "next", "previous")
# A run of closed days is never longer than this (Golden Week plus a weekend is 5 to 9).
_MAX_RUN = 31


def holiday_name(day: date) -> str | None:
    """The national holiday's name (e.g. 「勤労感謝の日」), or None on other days."""
    return jpholiday.is_holiday_name(day)


def is_year_end(day: date) -> bool:
    """29 December to 3 January."""
    return (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)


def is_closed(day: date) -> bool:
    """Saturday, Sunday, a national holiday or the year-end break."""
    return day.weekday() >= 5 or is_year_end(day) or jpholiday.is_holiday(day)


def closed_reason(day: date) -> str | None:
    """Why a day is closed, in Japanese (「日曜日」「勤労感謝の日」「年末年始」), or None."""
    name = holiday_name(day)
    if name:
        return name
    if is_year_end(day):
        return "年末年始"
    if day.weekday() >= 5:
        return "土曜日" if day.weekday() == 5 else "日曜日"
    return None


def apply_rule(day: date, rule: str) -> date | None:
    """The day a meeting falls on under ``rule``: itself, None (skipped) or the nearest open day."""
    if rule == "ignore" or not is_closed(day):
        return day
    if rule == "skip":
        return None
    step = timedelta(days=1 if rule == "next" else -1)
    moved = day
    for _ in range(_MAX_RUN):
        moved += step
        if not is_closed(moved):
            return moved
    return None


RULE_LABELS_JA = {
    "ignore": "",
    "skip": "（土日祝日・年末年始は休み）",
    "next": "（土日祝日・年末年始は翌開庁日）",
    "previous": "（土日祝日・年末年始は前開庁日）",
}
