"""Recurrence rules the recurrence tests share: a 14:00, 90-minute series from 2027-01-01."""

from __future__ import annotations

from datetime import date, time

from agenda.scheduling import Recurrence


def rule(**kwargs) -> Recurrence:
    """A rule on the shared start, time and duration, with ``kwargs`` on top."""
    base = {"start_time": time(14, 0), "duration_minutes": 90, "starts_on": date(2027, 1, 1)}
    return Recurrence(**{**base, **kwargs})


FOURTH_TUESDAY = rule(frequency="monthly", weekday=1, week_of_month=4)
