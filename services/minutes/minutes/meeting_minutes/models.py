"""Minutes: one row per version; items sealed per audience; tax blocks immutable and shared."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kasane_shared.db import IdMixin, UTCDateTime, utcnow
from kasane_shared.sealing import SealedRecordMixin, WrapMixin
from minutes.base import Base

STATUSES = ("draft", "in_review", "approved", "superseded")


class Minutes(IdMixin, Base):
    """One version of a meeting's minutes. Approved versions never change; corrections add one."""

    __tablename__ = "minutes"
    __table_args__ = (UniqueConstraint("meeting_id", "version"),)

    meeting_id: Mapped[str] = mapped_column(String(32), index=True)
    version: Mapped[int] = mapped_column(Integer)
    conference_kind: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16), default="draft")
    attendance: Mapped[list[str]] = mapped_column(JSON, default=list)
    next_meeting_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by: Mapped[str | None] = mapped_column(String(64))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    content_hash: Mapped[str | None] = mapped_column(String(64))
    corrects_id: Mapped[str | None] = mapped_column(String(32))
    submitted_by: Mapped[str | None] = mapped_column(String(64))
    # The last check (承認前確認) by someone who could open every text, while no suspect was
    # open: the content hash it saw, so an approver who cannot read it all relies on it.
    checked_hash: Mapped[str | None] = mapped_column(String(64))
    checked_by: Mapped[str | None] = mapped_column(String(64))
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class MinutesItem(IdMixin, SealedRecordMixin, Base):
    """What was said and decided on an agenda item; its ``content`` audience has the masked body."""

    __tablename__ = "minutes_items"
    __origin_fields__ = ("minutes_id", "agenda_item_id", "case_id", "audience", "tax_blocks")

    minutes_id: Mapped[str] = mapped_column(ForeignKey("minutes.id"), index=True)
    agenda_item_id: Mapped[str] = mapped_column(String(32))
    case_id: Mapped[str | None] = mapped_column(String(32))
    purpose: Mapped[str] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(Integer)
    # The audience of the content: "attendees" (支援会議) or "scope" (重層的支援会議).
    audience: Mapped[str] = mapped_column(String(16))
    # Path of a free-text unit ("discussion", "roles.0.duty", …) → the tax block of its
    # hidden parts.
    tax_blocks: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)


class TaxBlock(IdMixin, SealedRecordMixin, Base):
    """The hidden tax segments of one free-text unit, for tax-entitled members only; never edited.

    Drafts and corrections reuse a block while the masked text of its unit is unchanged, so a
    writer who may not read tax data can still edit the rest of the minutes without losing it.
    """

    __tablename__ = "tax_blocks"

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MinutesWrap(WrapMixin, Base):
    """A data key of a minutes record wrapped for one member."""

    __tablename__ = "wraps"


class MinutesComment(IdMixin, SealedRecordMixin, Base):
    """A review comment by an attendee, sealed for the attendees."""

    __tablename__ = "comments"
    __origin_fields__ = ("minutes_id", "author_id", "agenda_item_id")

    minutes_id: Mapped[str] = mapped_column(ForeignKey("minutes.id"), index=True)
    author_id: Mapped[str] = mapped_column(String(64))
    agenda_item_id: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MinutesConfirmation(IdMixin, Base):
    """An attendee's 「確認しました」 on one version in review."""

    __tablename__ = "confirmations"
    __table_args__ = (UniqueConstraint("minutes_id", "member_id"),)

    minutes_id: Mapped[str] = mapped_column(ForeignKey("minutes.id"), index=True)
    member_id: Mapped[str] = mapped_column(String(64))
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CorrectionReason(IdMixin, SealedRecordMixin, Base):
    """Why a corrected version was started, sealed for the attendees and the coordinator."""

    __tablename__ = "correction_reasons"
    __origin_fields__ = ("minutes_id", "author_id")

    minutes_id: Mapped[str] = mapped_column(ForeignKey("minutes.id"), index=True, unique=True)
    author_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
