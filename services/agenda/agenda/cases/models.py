"""Cases and consents. Case content is sealed; ids, status, dates and codes stay plain."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from agenda.base import Base
from kasane_shared.db import IdMixin, UTCDateTime, utcnow
from kasane_shared.sealing import SealedRecordMixin


class Case(IdMixin, SealedRecordMixin, Base):
    """A case (事例): title, summary, notes, subjects and issues live in ``sealed_fields``."""

    __tablename__ = "cases"

    status: Mapped[str] = mapped_column(String(16), default="potential", index=True)
    lead_organization_id: Mapped[str | None] = mapped_column(String(64))
    issue_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Consent(IdMixin, Base):
    """The person's consent to share with named organizations (重層的支援会議 needs one)."""

    __tablename__ = "consents"

    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    obtained_on: Mapped[date] = mapped_column(Date)
    organization_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    covers_tax: Mapped[bool] = mapped_column(Boolean, default=False)
    obtained_by: Mapped[str | None] = mapped_column(String(64))
    form_reference: Mapped[str | None] = mapped_column(String(64))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by: Mapped[str | None] = mapped_column(String(64))
