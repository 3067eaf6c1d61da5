"""Organizations: the city's divisions and its partner bodies."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from identity.base import Base
from kasane_shared.db import IdMixin, UTCDateTime, utcnow

ORGANIZATION_KINDS = (
    "municipal",
    "tax",
    "council",
    "consultation",
    "community",
    "school",
    "medical",
    "other",
)


class Organization(IdMixin, Base):
    """A body whose staff take part in conferences; kind ``tax`` is the tax division."""

    __tablename__ = "organizations"

    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
