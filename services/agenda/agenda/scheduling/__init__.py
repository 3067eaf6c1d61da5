"""Pure scheduling logic for the agenda service: no database, no HTTP.

- recurrence: regular meeting series, their dates, storage form and Japanese wording
- conflicts: double booking of attendees
- free_slots: times when every required attendee is free
- due: cases whose monitoring or plan review has come
- ics: calendar invitations (time and place only)

All times are timezone-aware; the city's zone is Asia/Tokyo (``JST``). Bad input raises
``SchedulingError`` (a ValueError) whose ``str()`` reads "日本語 / English" and which
carries ``ja`` and ``en`` separately for the HTTP layer.
"""

from .common import JST, SchedulingError
from .conflicts import Busy, Conflict, find_conflicts
from .due import DueItem, PlanState, due_cases
from .free_slots import propose_slots
from .ics import render_invitation
from .recurrence import Recurrence, RecurrenceError, describe_ja, from_dict, occurrences, to_dict

__all__ = [
    "JST",
    "Busy",
    "Conflict",
    "DueItem",
    "PlanState",
    "Recurrence",
    "RecurrenceError",
    "SchedulingError",
    "describe_ja",
    "due_cases",
    "find_conflicts",
    "from_dict",
    "occurrences",
    "propose_slots",
    "render_invitation",
    "to_dict",
]
