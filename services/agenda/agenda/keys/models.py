"""Wrapped data keys: one row per (record, audience class, member, conference kind)."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from agenda.base import Base
from kasane_shared.sealing import WrapMixin

# Why a member holds a wrap: the attendee sync adds and removes only "attendee" wraps;
# "coordinator" (grant on first open) and "author" (who wrote the text) stay until reseal.
BASES = ("attendee", "coordinator", "author")


class Wrap(WrapMixin, Base):
    """A data key wrapped for one member (identity alone can open it, for that member)."""

    __tablename__ = "wraps"

    basis: Mapped[str] = mapped_column(String(16), default="attendee")
