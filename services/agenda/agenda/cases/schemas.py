"""Case and consent shapes on the wire."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from agenda.schemas_common import Id, StrictIn

CaseStatus = Literal["potential", "active", "closed", "suspended"]
STATUS_LABELS = {"potential": "潜在", "active": "支援中", "closed": "終結", "suspended": "中断"}
Relation = Literal[
    "本人", "家族", "配偶者", "子", "親", "兄弟姉妹", "祖父母", "孫", "親族", "同居人", "その他"
]
# Issue tags kept plain for counting (PDCA review); any other issue text stays sealed.
Issue = Annotated[str, Field(min_length=1, max_length=100)]
ISSUE_CODES = (
    "8050",
    "double_care",
    "hikikomori",
    "young_carer",
    "poverty",
    "isolation",
    "abuse",
    "dementia",
    "disability",
    "debt",
    "housing",
    "other",
)


class Subject(StrictIn):
    """A person the case is about (本人・家族)."""

    relation: Relation
    name: str = Field(min_length=1, max_length=100)
    age: int | None = Field(default=None, ge=0, le=130)


class CaseCreate(StrictIn):
    """A new case; ``tax_notes`` is tax-classed, ``summary``/``notes`` are scanned for tax data."""

    title: str = Field(min_length=1, max_length=200)
    summary: str = Field(default="", max_length=4000)
    notes: str = Field(default="", max_length=20000)
    tax_notes: str = Field(default="", max_length=4000)
    lead_organization_id: Id | None = None
    issues: list[Issue] = Field(default_factory=list, max_length=20)
    subjects: list[Subject] = Field(default_factory=list, max_length=30)
    status: CaseStatus = "potential"


class CaseUpdate(StrictIn):
    """Changes to a case (only the fields given)."""

    title: str | None = Field(default=None, min_length=1, max_length=200)
    summary: str | None = Field(default=None, max_length=4000)
    notes: str | None = Field(default=None, max_length=20000)
    tax_notes: str | None = Field(default=None, max_length=4000)
    lead_organization_id: Id | None = None
    issues: list[Issue] | None = Field(default=None, max_length=20)
    subjects: list[Subject] | None = Field(default=None, max_length=30)
    status: CaseStatus | None = None


class TaxMark(StrictIn):
    """Mark a missed tax span, unmark a false one, or keep a suspect (税情報ではない).

    Offsets are code points of the FULL text; a keep names a suspect of the distribution
    check exactly.
    """

    field: Literal["title", "summary", "notes", "tax_notes", "briefing"]
    action: Literal["mark", "unmark", "keep"]
    start: int = Field(ge=0, le=100000)
    end: int = Field(ge=1, le=100000)


class ConsentOut(BaseModel):
    """A consent as coordinators see it (plain metadata only)."""

    id: str
    case_id: str
    obtained_on: date
    organization_ids: list[str]
    covers_tax: bool
    obtained_by: str | None
    form_reference: str | None
    active: bool
    state: Literal["active", "withdrawn", "corrected"] = "active"
    withdrawn_at: datetime | None
    withdrawal_reason: str | None = None
    corrected_at: datetime | None = None
    correction_reason: str | None = None
    replaced_by: str | None = None
    corrects_id: str | None = None
    created_at: datetime
    warnings: list[dict] = Field(default_factory=list)


Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]
CaseSort = Literal["created", "updated", "number", "monitoring", "title"]


class StatusMove(StrictIn):
    """Move a case to another status on a date, saying why (e.g. 支援中 → 終結)."""

    status: CaseStatus
    on: date
    reason: Reason


class StatusChangeOut(BaseModel):
    """One move of a case's status."""

    id: str
    from_status: str
    to_status: str
    to_label: str
    effective_on: date
    source: str
    created_by: str
    created_at: datetime
    reason: str | None = None


class CaseOut(BaseModel):
    """A case as a coordinator sees it: content if their keys open it, tax only with tax access."""

    id: str
    number: str | None = None
    status: CaseStatus
    status_label: str
    monitoring_on: date | None = None
    lead_organization_id: str | None
    issue_codes: list[str]
    readable: bool
    # The stored record failed to open (tampered or damaged): listed with a notice, no content.
    unreadable: bool = False
    notice: str | None = None
    notice_en: str | None = None
    title: str | None = None
    summary: str | None = None
    notes: str | None = None
    tax_notes: str | None = None
    issues: list[str] | None = None
    subjects: list[dict] | None = None
    tax_masked: bool = True
    tax_spans: dict[str, list[list[int]]] | None = None
    active_consent: ConsentOut | None = None
    created_at: datetime
    updated_at: datetime
    warnings: list[dict] = Field(default_factory=list)


class ConsentCreate(StrictIn):
    """A consent on file: which organizations, whether it covers tax data."""

    obtained_on: date
    organization_ids: list[Id] = Field(min_length=1, max_length=100)
    covers_tax: bool = False
    obtained_by: str | None = Field(default=None, max_length=64)
    form_reference: str | None = Field(default=None, max_length=64)


class ConsentWithdraw(StrictIn):
    """The person (or family) takes the consent back; an office mistake is a correction."""

    reason: Literal["person_request", "family_request", "error", "other"] | None = None


CorrectionReason = Literal["wrong_date", "wrong_organizations", "wrong_tax", "wrong_case", "other"]


class ConsentCorrect(StrictIn):
    """Correct a consent entered in error; without ``replacement`` it should never have existed."""

    reason: CorrectionReason
    replacement: ConsentCreate | None = None


class ConsentCorrected(BaseModel):
    """The corrected entry and the consent now on file in its place (if any)."""

    corrected: ConsentOut
    replacement: ConsentOut | None
    warnings: list[dict] = Field(default_factory=list)
