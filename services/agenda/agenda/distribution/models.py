"""Distribution state: when a meeting's agenda was handed out and which item texts it held.

Only ids, revisions and times are stored: what was checked lives sealed in each record.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from agenda.base import Base
from kasane_shared.db import IdMixin, UTCDateTime, utcnow


class MeetingDistribution(Base):
    """A meeting whose agenda has been distributed at least once."""

    __tablename__ = "meeting_distributions"

    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id"), primary_key=True)
    first_distributed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    distributed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    distributed_by: Mapped[str] = mapped_column(String(64))


class DistributedItem(IdMixin, Base):
    """An item as last distributed: members see it while its texts keep these revisions."""

    __tablename__ = "distributed_items"
    __table_args__ = (UniqueConstraint("meeting_id", "item_id"),)

    meeting_id: Mapped[str] = mapped_column(ForeignKey("meetings.id"), index=True)
    # No foreign key: an item taken off the agenda leaves this row behind until the next
    # distribution, and it matches nothing in the meantime.
    item_id: Mapped[str] = mapped_column(String(32))
    case_id: Mapped[str] = mapped_column(String(32))
    item_revision: Mapped[int] = mapped_column(Integer)
    case_revision: Mapped[int] = mapped_column(Integer)
    distributed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
