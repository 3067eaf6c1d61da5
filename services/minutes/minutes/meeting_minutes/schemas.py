"""Minutes shapes on the wire (DESIGN.md core shape, extended)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

Text = Annotated[str, Field(max_length=20000)]
Id = Annotated[str, Field(min_length=1, max_length=64)]


class RoleAssignment(BaseModel):
    """Who does what by when."""

    model_config = ConfigDict(extra="forbid")
    organization_id: Id
    duty: Annotated[str, Field(min_length=1, max_length=2000)]
    due: date | None = None


class ActionItem(BaseModel):
    """A follow-up task."""

    model_config = ConfigDict(extra="forbid")
    text: Annotated[str, Field(min_length=1, max_length=2000)]
    organization_id: Id | None = None
    due: date | None = None


class ItemIn(BaseModel):
    """What was said and decided on one agenda item."""

    model_config = ConfigDict(extra="forbid")
    agenda_item_id: Id
    discussion: Text | None = None
    decisions: Text | None = None
    roles: list[RoleAssignment] = Field(default_factory=list, max_length=50)
    monitoring_on: date | None = None
    action_items: list[ActionItem] = Field(default_factory=list, max_length=50)


class MinutesIn(BaseModel):
    """A draft: actual attendance and the items."""

    model_config = ConfigDict(extra="forbid")
    attendance: list[Id] = Field(default_factory=list, max_length=500)
    items: list[ItemIn] = Field(default_factory=list, max_length=200)
    next_meeting_at: AwareDatetime | None = None


class ItemOut(BaseModel):
    """One item as the caller may read it."""

    agenda_item_id: str
    case_id: str | None
    case_number: str | None = None
    case_title: str | None = None
    purpose: str
    purpose_label: str
    position: int
    outline: list[str]
    discussion: str | None = None
    decisions: str | None = None
    roles: list[RoleAssignment] = Field(default_factory=list)
    monitoring_on: date | None = None
    action_items: list[ActionItem] = Field(default_factory=list)
    redacted: Literal["consent_scope", "no_pledge", "not_attending"] | None = None
    tax_masked: bool = False
    tax_spans: list[tuple[int, int, str]] | None = None


class ConfirmationOut(BaseModel):
    """An attendee's 「確認しました」 on a version in review."""

    member_id: str
    version: int
    confirmed_at: datetime


class CorrectionIn(BaseModel):
    """Why a corrected version is started."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    reason: Annotated[str, Field(min_length=1, max_length=1000)]


class MinutesOut(BaseModel):
    """The caller's view of a meeting's minutes."""

    id: str | None
    meeting_id: str
    version: int
    status: Literal["new", "draft", "in_review", "approved", "superseded"]
    conference_kind: str
    attendance: list[str]
    next_meeting_at: datetime | None
    items: list[ItemOut]
    approved_by: str | None = None
    approved_at: datetime | None = None
    content_hash: str | None = None
    notice: str | None = None
    warnings: list[dict[str, str]] = Field(default_factory=list)
    created_by: str | None = None
    submitted_by: str | None = None
    # Review: whether the caller confirmed this version; who confirmed (coordinators only);
    # a correction in review that members reach by its number while they read the approved one.
    confirmed_by_me: bool = False
    confirmations: list[ConfirmationOut] | None = None
    review_version: int | None = None


class CommentIn(BaseModel):
    """A review comment."""

    model_config = ConfigDict(extra="forbid")
    text: Annotated[str, Field(min_length=1, max_length=4000)]
    agenda_item_id: Id | None = None


class CommentOut(BaseModel):
    """A review comment as an attendee reads it."""

    id: str
    author_id: str
    agenda_item_id: str | None
    created_at: datetime
    text: str | None


# Every free-text unit of an item: the two texts, each role's duty, each action.
UNIT_PATH = r"^(discussion|decisions|roles\.\d{1,2}\.duty|action_items\.\d{1,2}\.text)$"


class TaxMark(BaseModel):
    """A coordinator's decision on a range of one text (offsets in code points of the full text).

    ``mark`` masks it (a suspect so resolved), ``unmark`` takes a mask off, ``keep`` says an
    open suspect is not tax data (「税情報ではない」, recorded with who and when).
    """

    model_config = ConfigDict(extra="forbid")
    agenda_item_id: Id
    field: Annotated[str, Field(pattern=UNIT_PATH, max_length=32)]
    action: Literal["mark", "unmark", "keep"]
    start: int = Field(ge=0, le=20000)
    end: int = Field(ge=1, le=20000)
