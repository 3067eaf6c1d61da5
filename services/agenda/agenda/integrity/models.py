"""The list of entitlement rows older than their MACs."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from agenda.base import Base


class EntitlementRowBackfill(Base):
    """A consent or attendee that existed before rows had MACs: the only kind agenda MACs once.

    Written by migration 0010 (which has no key); emptied by the first run that MACs them.
    """

    __tablename__ = "entitlement_row_backfill"

    table_name: Mapped[str] = mapped_column(String(32), primary_key=True)
    row_id: Mapped[str] = mapped_column(String(64), primary_key=True)
