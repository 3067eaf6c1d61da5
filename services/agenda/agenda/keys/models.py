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


class UnsealedText(Base):
    """Text an older schema kept in clear, waiting to be sealed (migration 0009_sealed_titles).

    The migration cannot reach identity's keys, so it moves the plain values here and drops
    their columns; the service seals them on its first request that can reach identity,
    deletes the rows and rewrites the database file (see agenda/backlog.py).
    """

    __tablename__ = "unsealed_backlog"

    record_table: Mapped[str] = mapped_column(String(32), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    field: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
