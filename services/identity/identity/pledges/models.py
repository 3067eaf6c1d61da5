"""Confidentiality pledges (誓約書): versioned templates and signed pledges."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from identity.base import Base
from kasane_shared.db import IdMixin, UTCDateTime, utcnow


class PledgeTemplate(IdMixin, Base):
    """One version of the pledge text for a conference kind; never edited, only superseded."""

    __tablename__ = "pledge_templates"
    __table_args__ = (UniqueConstraint("conference_kind", "version"),)

    conference_kind: Mapped[str] = mapped_column(String(8))
    version: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    text_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(32))


class Pledge(IdMixin, Base):
    """A member's signature under one template version: what text, when, until when."""

    __tablename__ = "pledges"

    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"), index=True)
    template_id: Mapped[str] = mapped_column(ForeignKey("pledge_templates.id"))
    conference_kind: Mapped[str] = mapped_column(String(8), index=True)
    template_version: Mapped[int] = mapped_column(Integer)
    text_sha256: Mapped[str] = mapped_column(String(64))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    valid_until: Mapped[date] = mapped_column(Date)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by: Mapped[str | None] = mapped_column(String(32))
    revoke_reason: Mapped[str | None] = mapped_column(String(200))


class PledgeBlock(IdMixin, Base):
    """An admin revoked a member's pledge of a kind: no new one until an admin lifts this."""

    __tablename__ = "pledge_blocks"

    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"), index=True)
    conference_kind: Mapped[str] = mapped_column(String(8))
    pledge_id: Mapped[str] = mapped_column(ForeignKey("pledges.id"))
    blocked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    blocked_by: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str | None] = mapped_column(String(200))
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lifted_by: Mapped[str | None] = mapped_column(String(32))
    lift_reason: Mapped[str | None] = mapped_column(String(200))
