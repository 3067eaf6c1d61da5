"""Scheduling help on agenda's data; the pure logic lives in ``agenda.scheduling``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from agenda.meetings.models import Meeting
from agenda.meetings.schemas import MeetingCreate


def series_times(data: MeetingCreate) -> list[tuple[datetime, datetime]]:
    """Start and end of each meeting to create (one, or the series' occurrences)."""
    return [(data.starts_at, data.ends_at)]


def meeting_conflicts(session: Session, meeting: Meeting) -> list[dict]:
    """Other meetings that double-book this meeting's attendees."""
    return []


def conflict_warnings(conflicts: list[dict]) -> list[dict]:
    """One warning per double-booked member."""
    return []
