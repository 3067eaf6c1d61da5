"""Anchors of agenda's and minutes' audit chains, kept in identity's database."""

from __future__ import annotations

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from identity.base import Base
from kasane_shared.db import IdMixin


class AuditAnchor(IdMixin, Base):
    """One anchored head of another service's chain, MAC'd under identity's anchor key."""

    __tablename__ = "audit_anchors"

    service: Mapped[str] = mapped_column(String(16))
    seq: Mapped[int] = mapped_column(Integer)
    entry_hash: Mapped[str] = mapped_column(String(64))
    keyed_from: Mapped[int | None] = mapped_column(Integer)
    anchored_at: Mapped[str] = mapped_column(String(32))
    mac: Mapped[str] = mapped_column(String(64))


class TrustRowBackfill(Base):
    """A trust row that existed before rows had MACs: the only kind startup may MAC once.

    Written by migration 0008 (which has no key); emptied by the first start that MACs them.
    """

    __tablename__ = "trust_row_backfill"

    table_name: Mapped[str] = mapped_column(String(32), primary_key=True)
    row_id: Mapped[str] = mapped_column(String(64), primary_key=True)
