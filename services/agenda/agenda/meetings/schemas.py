"""Meeting, attendee and agenda item shapes on the wire."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    Field,
    StringConstraints,
    model_validator,
)

from agenda.schemas_common import Id, StrictIn

Kind = Literal["shien", "jusou"]
Purpose = Literal[
    "info_sharing",
    "policy",
    "emergency",
    "plan_creation",
    "plan_change",
    "termination",
    "suspension",
]
# Existing bodies that may hand a slice of their session to a 支援会議 (Atami), and whether
# the body itself needs the person's consent (Nagano's table).
SEGMENT_BODIES = {
    "community_care": ("地域ケア会議", False),
    "child_protection": ("要保護児童対策地域協議会 個別ケース検討会", False),
    "poverty_coordination": ("生活困窮者支援調整会議", True),
    "care_planning": ("サービス担当者会議", True),
    "individual_support": ("個別支援会議", True),
}
SegmentBody = Literal[
    "community_care",
    "child_protection",
    "poverty_coordination",
    "care_planning",
    "individual_support",
]


def _in_range(value: datetime) -> datetime:
    # A meeting of another century is a typo; the minutes' Japanese dates (和暦) start at 昭和.
    if not 2000 <= value.year <= 2099:
        raise ValueError(
            "会議の日時は2000年から2099年の間で指定してください。"
            " / Meeting times must fall between 2000 and 2099."
        )
    return value


MeetingTime = Annotated[AwareDatetime, AfterValidator(_in_range)]


def _ordered(starts: datetime | None, ends: datetime | None) -> None:
    if starts is not None and ends is not None and ends <= starts:
        raise ValueError(
            "終了日時は開始日時より後にしてください。 / ends_at must be after starts_at."
        )


class AttendeeIn(StrictIn):
    """An invitee: required (必須構成員) or general (一般構成員, for the listed cases only)."""

    member_id: Id
    required: bool = True
    case_ids: list[Id] = Field(default_factory=list, max_length=50)


class SegmentIn(StrictIn):
    """The 支援会議 slice of an existing body's session."""

    body: SegmentBody
    starts_at: MeetingTime
    ends_at: MeetingTime

    @model_validator(mode="after")
    def _check(self) -> SegmentIn:
        _ordered(self.starts_at, self.ends_at)
        return self


class RecurrenceIn(StrictIn):
    """A regular series (定例会議) starting with this meeting's date and time (JST).

    weekly: ``weekday`` 0=Mon..6=Sun (default: the meeting's weekday); monthly: an nth
    weekday (``week_of_month`` 1-4 or -1 = last) or a ``day_of_month``. Up to 24 meetings
    are created: ``count`` of them, or those up to ``until`` (default 6).
    """

    frequency: Literal["weekly", "monthly"]
    interval: int = Field(default=1, ge=1, le=12)
    weekday: int | None = Field(default=None, ge=0, le=6)
    week_of_month: Literal[1, 2, 3, 4, -1] | None = None
    day_of_month: int | None = Field(default=None, ge=1, le=31)
    until: date | None = None
    count: int | None = Field(default=None, ge=1, le=24)
    # 土日祝日・年末年始: keep the date, skip it, or move to the next or previous open day.
    closed_days: Literal["ignore", "skip", "next", "previous"] = "ignore"


class MeetingCreate(StrictIn):
    """A meeting; with ``recurrence`` the series' meetings are created too."""

    kind: Kind
    title: str = Field(min_length=1, max_length=200)
    starts_at: MeetingTime
    ends_at: MeetingTime
    place: str = Field(min_length=1, max_length=200)
    online_url: str | None = Field(default=None, max_length=500, pattern=r"^https?://\S+$")
    host_organization_id: Id | None = None
    attendees: list[AttendeeIn] = Field(default_factory=list, max_length=200)
    recurrence: RecurrenceIn | None = None
    segment: SegmentIn | None = None

    @model_validator(mode="after")
    def _check(self) -> MeetingCreate:
        _ordered(self.starts_at, self.ends_at)
        if len({a.member_id for a in self.attendees}) != len(self.attendees):
            raise ValueError("同じ構成員が重複しています。 / An attendee is listed twice.")
        if self.segment and not (
            self.starts_at <= self.segment.starts_at and self.segment.ends_at <= self.ends_at
        ):
            raise ValueError(
                "支援会議の時間帯は会議の時間内にしてください。 / "
                "The segment must lie within the meeting."
            )
        return self


Scope = Literal["this", "following"]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]


class MeetingUpdate(StrictIn):
    """Changes to a meeting; ``scope`` "following" changes the later meetings of its series too.

    A change of time shifts each later meeting by the same amount.
    """

    scope: Scope = "this"
    title: str | None = Field(default=None, min_length=1, max_length=200)
    starts_at: MeetingTime | None = None
    ends_at: MeetingTime | None = None
    place: str | None = Field(default=None, min_length=1, max_length=200)
    online_url: str | None = Field(default=None, max_length=500, pattern=r"^https?://\S+$")
    host_organization_id: Id | None = None

    @model_validator(mode="after")
    def _check(self) -> MeetingUpdate:
        _ordered(self.starts_at, self.ends_at)
        return self


class MeetingCancel(StrictIn):
    """Cancel a meeting (or it and the later meetings of its series), saying why."""

    reason: Reason
    scope: Scope = "this"


class AttendeesAdd(StrictIn):
    """Invite more members."""

    attendees: list[AttendeeIn] = Field(min_length=1, max_length=200)


class AttendeeOut(BaseModel):
    """An invitee."""

    member_id: str
    organization_id: str | None
    required: bool
    case_ids: list[str]


class MeetingOut(BaseModel):
    """A meeting (no case content)."""

    id: str
    kind: Kind
    kind_label: str
    title: str
    starts_at: datetime
    ends_at: datetime
    place: str
    online_url: str | None
    host_organization_id: str | None
    series_id: str | None
    recurrence: dict | None
    recurrence_label: str | None = None
    segment: dict | None
    # draft (never distributed), distributed, or changed (an item added or rewritten since)
    distribution_status: str = "draft"
    distributed_at: datetime | None = None
    attendees: list[AttendeeOut] | None = None
    warnings: list[dict] = Field(default_factory=list)
    conflicts: list[dict] = Field(default_factory=list)
    series: list[str] = Field(default_factory=list)
    status: Literal["scheduled", "cancelled"] = "scheduled"
    status_label: str = "開催予定"
    sequence: int = 0
    cancelled_at: datetime | None = None
    cancel_reason: str | None = None
    changed: list[str] = Field(default_factory=list)


class CheckOut(BaseModel):
    """What to confirm before saving: past dates, closed days, double bookings, room clashes."""

    needs_confirmation: bool
    past: list[datetime]
    closed_days: list[dict]
    conflicts: list[dict]
    room_conflicts: list[dict]
    warnings: list[dict]


class ItemCreate(StrictIn):
    """A case on the agenda; ``briefing`` is scanned for tax data."""

    case_id: Id
    purpose: Purpose
    minutes: int = Field(default=15, ge=1, le=480)
    briefing: str = Field(default="", max_length=8000)
    order: int | None = Field(default=None, ge=1, le=1000)
    presenter_member_id: Id | None = None
    # A case already on this agenda is refused (409 duplicate_case) unless this is true.
    allow_duplicate: bool = False


class ItemUpdate(StrictIn):
    """Changes to an item."""

    purpose: Purpose | None = None
    minutes: int | None = Field(default=None, ge=1, le=480)
    briefing: str | None = Field(default=None, max_length=8000)
    order: int | None = Field(default=None, ge=1, le=1000)
    presenter_member_id: Id | None = None


class Reorder(StrictIn):
    """The meeting's item ids in their new order (every item exactly once)."""

    item_ids: list[Id] = Field(min_length=1, max_length=500)


class ItemOut(BaseModel):
    """An item as the coordinator sees it."""

    id: str
    meeting_id: str
    case_id: str
    purpose: Purpose
    purpose_label: str
    order: int
    minutes: int
    presenter: str | None
    readable: bool
    unreadable: bool = False  # the stored item failed to open: listed with a notice only
    notice: str | None = None
    notice_en: str | None = None
    briefing: str | None = None
    tax_masked: bool = True
    briefing_tax_spans: list[list[int]] | None = None
    warnings: list[dict] = Field(default_factory=list)
