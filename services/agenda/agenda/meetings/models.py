"""Meetings, their attendees and agenda items (items are sealed records)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from agenda.base import Base
from agenda.integrity.rows import EntitlementRowMixin
from kasane_shared.db import IdMixin, UTCDateTime, utcnow
from kasane_shared.sealing import SealedRecordMixin


class Meeting(IdMixin, SealedRecordMixin, Base):
    """A 支援会議 or 重層的支援会議: time, place and kind are plain (invitees always see them).

    The title is case content (「8050世帯の件」 names a household): it is sealed, masked for
    the invitees (``content``) and in full for coordinators (``tax``); see meetings/titles.py.
    """

    __tablename__ = "meetings"

    kind: Mapped[str] = mapped_column(String(8), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    tz_offset_minutes: Mapped[int] = mapped_column(Integer, default=540)
    place: Mapped[str] = mapped_column(String(200))
    online_url: Mapped[str | None] = mapped_column(String(500))
    host_organization_id: Mapped[str | None] = mapped_column(String(64))
    series_id: Mapped[str | None] = mapped_column(String(32), index=True)
    recurrence: Mapped[dict | None] = mapped_column(JSON)
    segment_body: Mapped[str | None] = mapped_column(String(32))
    segment_starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    segment_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # "scheduled" or "cancelled"; a cancelled meeting keeps its row so invitees learn of it.
    status: Mapped[str] = mapped_column(String(16), default="scheduled", server_default="scheduled")
    # iCalendar SEQUENCE: goes up on every change of time or place and on cancellation.
    sequence: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_by: Mapped[str | None] = mapped_column(String(64))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Attendee(IdMixin, EntitlementRowMixin, Base):
    """An invitee: required members attend for every item, general ones for their cases.

    Every field decides who gets which keys: the row carries ``row_mac``.
    """

    __tablename__ = "attendees"
    __trust_kind__ = "attendee"
    __trust_fields__ = ("meeting_id", "member_id", "organization_id", "required", "case_ids")
    __table_args__ = (UniqueConstraint("meeting_id", "member_id"),)

    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id"), index=True)
    member_id: Mapped[str] = mapped_column(String(64), index=True)
    organization_id: Mapped[str | None] = mapped_column(String(64))
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    case_ids: Mapped[list[str]] = mapped_column(JSON, default=list)


class AgendaItem(IdMixin, SealedRecordMixin, Base):
    """One case on a meeting's agenda; the briefing is sealed (masked and full)."""

    __tablename__ = "agenda_items"
    __origin_fields__ = ("meeting_id", "case_id")

    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id"), index=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(Integer)
    minutes: Mapped[int] = mapped_column(Integer)
    presenter_member_id: Mapped[str | None] = mapped_column(String(64))
    # Counts changes of the briefing and its masks (see Case.text_revision).
    text_revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MeetingNote(IdMixin, SealedRecordMixin, Base):
    """A coordinator's note to a meeting's invitees (why it was cancelled or moved), sealed.

    Free text may name a person, so it is sealed for the invitees like case content.
    """

    __tablename__ = "meeting_notes"
    __origin_fields__ = ("meeting_id",)

    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(16))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
