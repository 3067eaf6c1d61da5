"""Rows that existed before the minutes had MACs: the only ones startup may MAC, once."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from kasane_shared.backfill import BackfillListMixin
from kasane_shared.record_versions import RecordVersionHeadMixin, RecordVersionMixin
from minutes.base import Base


class IntegrityBackfill(Base):
    """A minutes version or tax block listed by migration 0006_minutes_content_macs.

    Emptied by the first request after a start that MACs them (``integrity.backfill``).
    """

    __tablename__ = "minutes_integrity_backfill"

    table_name: Mapped[str] = mapped_column(String(32), primary_key=True)
    row_id: Mapped[str] = mapped_column(String(64), primary_key=True)


class RecordOriginBackfill(BackfillListMixin, Base):
    """A sealed record that existed before records carried an origin MAC (migration 0007).

    Emptied by the first run that checks and MACs them (``minutes.integrity.origin``).
    """

    __tablename__ = "record_origin_backfill"


class RecordVersion(RecordVersionMixin, Base):
    """The newest seal version of one sealed record (``kasane_shared.record_versions``)."""

    __tablename__ = "record_versions"


class RecordVersionHead(RecordVersionHeadMixin, Base):
    """The one row that vouches for every record's newest version."""

    __tablename__ = "record_version_head"


class RecordVersionBackfill(BackfillListMixin, Base):
    """A sealed record that existed before versions were marked (migration 0008).

    Emptied by the first run that marks them (``minutes.integrity.origin``).
    """

    __tablename__ = "record_version_backfill"
