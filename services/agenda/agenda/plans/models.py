"""Support plans: one row per version; goals, policy and duties sealed, dates plain."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from agenda.base import Base
from kasane_shared.db import IdMixin, UTCDateTime, utcnow
from kasane_shared.sealing import SealedRecordMixin


class SupportPlan(IdMixin, SealedRecordMixin, Base):
    """One version of a case's plan at one of the four timings."""

    __tablename__ = "plans"
    __origin_fields__ = ("case_id",)
    __table_args__ = (UniqueConstraint("case_id", "version"),)

    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    monitoring_on: Mapped[date | None] = mapped_column(Date)
    # Plain due dates of the role assignments (the duties themselves are sealed).
    role_dues: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
