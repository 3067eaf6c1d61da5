"""Exports of the minutes for one reader: plain data in, document bytes out."""

from .document import (
    STATUS_LABELS,
    AttendanceRow,
    ConferenceKind,
    ItemSection,
    MinutesDocument,
    MinutesStatus,
    RoleRow,
)
from .docx import render_minutes_docx

__all__ = [
    "STATUS_LABELS",
    "AttendanceRow",
    "ConferenceKind",
    "ItemSection",
    "MinutesDocument",
    "MinutesStatus",
    "RoleRow",
    "render_minutes_docx",
]
