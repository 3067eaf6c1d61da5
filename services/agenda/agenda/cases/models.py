"""Cases and consents. Case content is sealed; ids, status, dates and codes stay plain."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from agenda.base import Base
from agenda.integrity.rows import EntitlementRowMixin
from kasane_shared.db import IdMixin, UTCDateTime, utcnow
from kasane_shared.sealing import SealedRecordMixin


class Case(IdMixin, SealedRecordMixin, Base):
    """A case (事例): title, summary, notes, subjects and issues live in ``sealed_fields``."""

    __tablename__ = "cases"
    # The case list pages newest first by (created_at, id): one index walk per page.
    __table_args__ = (Index("ix_cases_created_at_id", "created_at", "id"),)

    status: Mapped[str] = mapped_column(String(16), default="potential", index=True)
    # The city's case number, e.g. 「R8-0012」 (令和8年度の12件目); plain, so it can be searched.
    number: Mapped[str | None] = mapped_column(String(16), unique=True)
    lead_organization_id: Mapped[str | None] = mapped_column(String(64))
    issue_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # The current plan's plain dates, copied here when a plan version is written, so the due
    # list is one indexed query over open cases instead of a walk over every case and plan.
    current_plan_id: Mapped[str | None] = mapped_column(String(32))
    plan_status: Mapped[str | None] = mapped_column(String(16))
    monitoring_on: Mapped[date | None] = mapped_column(Date, index=True)
    next_review_on: Mapped[date | None] = mapped_column(Date, index=True)
    # Counts changes of what readers are shown (texts and masks), not reseals for new keys:
    # a distributed agenda item stays visible while its case keeps the revision it had.
    text_revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Consent(IdMixin, SealedRecordMixin, EntitlementRowMixin, Base):
    """The person's consent to share with named organizations (重層的支援会議 needs one).

    The form reference (同意書の番号) leads to the paper form: it is sealed for coordinators.
    What decides entitlement (case, scope, tax, status, dates, version) carries ``row_mac``.
    """

    __tablename__ = "consents"
    __origin_fields__ = ("case_id",)
    __trust_kind__ = "consent"
    __trust_fields__ = (
        "case_id",
        "obtained_on",
        "organization_ids",
        "covers_tax",
        "created_at",
        "withdrawn_at",
        "corrected_at",
        "replaced_by",
        "corrects_id",
        "seal_version",
    )

    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    obtained_on: Mapped[date] = mapped_column(Date)
    organization_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    covers_tax: Mapped[bool] = mapped_column(Boolean, default=False)
    obtained_by: Mapped[str | None] = mapped_column(String(64))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by: Mapped[str | None] = mapped_column(String(64))
    withdrawal_reason: Mapped[str | None] = mapped_column(String(32))
    # An entry made in error is corrected, not withdrawn: the person never took anything back.
    corrected_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    corrected_by: Mapped[str | None] = mapped_column(String(64))
    correction_reason: Mapped[str | None] = mapped_column(String(32))
    replaced_by: Mapped[str | None] = mapped_column(String(32))
    corrects_id: Mapped[str | None] = mapped_column(String(32))


class CaseCounter(Base):
    """The last case number given in one fiscal year (年度) of the city."""

    __tablename__ = "case_counters"

    fiscal_year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class CaseStatusChange(IdMixin, SealedRecordMixin, Base):
    """One move of a case's status (潜在→支援中→終結・中断) on a date; the reason is sealed."""

    __tablename__ = "case_status_changes"
    __origin_fields__ = ("case_id",)

    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    from_status: Mapped[str] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    effective_on: Mapped[date] = mapped_column(Date)
    # "coordinator" (moved on the page) or the plan decision that moved it ("plan_creation", …).
    source: Mapped[str] = mapped_column(String(16), default="coordinator")
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
