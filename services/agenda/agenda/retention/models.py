"""What retention destroyed: ids, dates and the rule only (the answer 410 reads it)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from agenda.base import Base
from kasane_shared.db import UTCDateTime, utcnow


class ShreddedRecord(Base):
    """A record destroyed at the end of its retention period."""

    __tablename__ = "shredded_records"

    record_type: Mapped[str] = mapped_column(String(32), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    case_id: Mapped[str] = mapped_column(String(32), index=True)
    rule: Mapped[str] = mapped_column(String(32))
    period_years: Mapped[int] = mapped_column(Integer)
    closed_on: Mapped[date] = mapped_column(Date)
    shredded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
