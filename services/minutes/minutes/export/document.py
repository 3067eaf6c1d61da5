"""Plain, already-redacted minutes data handed to the renderers: one reader's copy."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

ConferenceKind = Literal["shien", "jusou"]
MinutesStatus = Literal["draft", "in_review", "approved"]

STATUS_LABELS: dict[str, str] = {
    "draft": "下書き",
    "in_review": "確認中",
    "approved": "承認済み",
}


@dataclass(frozen=True)
class AttendanceRow:
    """One attendee line: who, from where, in what capacity, and whether present."""

    name: str
    organization: str
    role_label: str
    present: bool


@dataclass(frozen=True)
class RoleRow:
    """One row of 役割分担: which agency does what, by when."""

    organization: str
    duty: str
    due: date | None = None


@dataclass(frozen=True)
class ItemSection:
    """One agenda item as this reader may see it; ``notice`` set means it is withheld."""

    order: int
    heading: str
    purpose_label: str
    case_label: str | None = None
    discussion: str | None = None
    decisions: str | None = None
    roles: list[RoleRow] = field(default_factory=list)
    monitoring_on: date | None = None
    action_items: list[str] = field(default_factory=list)
    notice: str | None = None


@dataclass(frozen=True)
class MinutesDocument:
    """Everything one reader's Word copy of the minutes shows, nothing more."""

    document_id: str
    conference_kind: ConferenceKind
    title: str
    meeting_title: str
    starts_at: datetime
    ends_at: datetime
    place: str | None
    online: bool
    host_organization: str | None
    status: MinutesStatus
    version: int
    approved_by: str | None
    approved_at: datetime | None
    content_hash: str | None
    attendance: list[AttendanceRow]
    items: list[ItemSection]
    next_meeting: datetime | None
    recipient_name: str
    issued_at: datetime
