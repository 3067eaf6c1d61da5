"""The list of entitlement rows older than their MACs."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from agenda.base import Base
from kasane_shared.backfill import BackfillListMixin
from kasane_shared.record_versions import RecordVersionHeadMixin, RecordVersionMixin


class EntitlementRowBackfill(Base):
    """A consent or attendee that existed before rows had MACs: the only kind agenda MACs once.

    Written by migration 0010 (which has no key); emptied by the first run that MACs them.
    """

    __tablename__ = "entitlement_row_backfill"

    table_name: Mapped[str] = mapped_column(String(32), primary_key=True)
    row_id: Mapped[str] = mapped_column(String(64), primary_key=True)


class RecordOriginBackfill(BackfillListMixin, Base):
    """A sealed record that existed before records carried an origin MAC (migration 0011).

    Emptied by the first run that checks and MACs them (``agenda.integrity.origin``).
    """

    __tablename__ = "record_origin_backfill"


class RecordVersion(RecordVersionMixin, Base):
    """The newest seal version of one sealed record (``kasane_shared.record_versions``)."""

    __tablename__ = "record_versions"


class RecordVersionHead(RecordVersionHeadMixin, Base):
    """The one row that vouches for every record's newest version."""

    __tablename__ = "record_version_head"


class RecordVersionBackfill(BackfillListMixin, Base):
    """A sealed record that existed before versions were marked (migration 0012).

    Emptied by the first run that marks them (``agenda.integrity.origin``).
    """

    __tablename__ = "record_version_backfill"
