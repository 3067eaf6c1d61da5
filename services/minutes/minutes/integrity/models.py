"""Rows that existed before the minutes had MACs: the only ones startup may MAC, once."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from minutes.base import Base


class IntegrityBackfill(Base):
    """A minutes version or tax block listed by migration 0006_minutes_content_macs.

    Emptied by the first request after a start that MACs them (``integrity.backfill``).
    """

    __tablename__ = "minutes_integrity_backfill"

    table_name: Mapped[str] = mapped_column(String(32), primary_key=True)
    row_id: Mapped[str] = mapped_column(String(64), primary_key=True)
