"""Case and consent rules: sealed content, plain metadata, keys granted by consent."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from agenda import access
from agenda.access import active_consent
from agenda.audit import record
from agenda.cases import status
from agenda.cases.models import Case, Consent
from agenda.cases.numbering import next_number
from agenda.cases.search import CaseFilter, find_cases
from agenda.cases.withdrawal import take_back_from_minutes
from agenda.cases.schemas import (
    ISSUE_CODES,
    STATUS_LABELS,
    CaseCreate,
    CaseOut,
    CaseUpdate,
    ConsentCreate,
    ConsentOut,
)
from agenda.errors import case_not_found, content_locked, invalid, tax_access_required
from agenda.minutes_client import MinutesClient
from agenda.keys.service import (
    CONTENT,
    KINDS,
    KeyContext,
    TAX,
    ensure_coordinator_access,
    full_field,
    full_title,
    holders,
    load_overrides,
    masked,
    open_records,
    placeholder_if,
    seal,
    tax_spans,
)
from agenda.cases.consent_refs import seal_reference
from agenda.scheduling import JST
from kasane_shared.db import new_id, utcnow
from kasane_shared.errors import conflict
from kasane_shared.sealing import UNREADABLE_NOTICE, UNREADABLE_NOTICE_EN

# Free-text fields that go through the redactor. The title is one: it is shown in lists,
# tabs and invitations, and a coordinator may well write 「固定資産税滞納の8050世帯」.
TEXT_FIELDS = ("title", "summary", "notes")
# What members are shown of a case: a change to any of these is a new text revision.
SHOWN_FIELDS = ("title", "summary", "notes", "tax_notes")


def get_case(session: Session, case_id: str) -> Case:
    """One case or a 404."""
    case = session.get(Case, case_id)
    if case is None:
        from agenda.retention.service import shredded

        raise shredded(session, "case", case_id) or case_not_found()
    return case


def check_organizations(ctx: KeyContext, ids: list[str], field: str) -> None:
    """Refuse organization ids identity does not know."""
    if not ids:
        return
    known = ctx.organization_ids()
    if any(i not in known for i in ids):
        raise invalid(field, "存在しない組織が含まれています。", "Unknown organization.")


def _contents(full: dict[str, Any], overrides: dict[str, Any]) -> dict[str, dict[str, str | None]]:
    """Both audiences of a case from its full values."""
    content = {
        "title": masked(full["title"], overrides.get("title")),
        "summary": masked(full["summary"], overrides.get("summary")),
        "notes": masked(full["notes"], overrides.get("notes")),
        "tax_notes": placeholder_if(full["tax_notes"]),
        "subjects": json.dumps(full["subjects"], ensure_ascii=False),
        "issues": json.dumps(full["issues"], ensure_ascii=False),
    }
    tax = {
        "title": full["title"],
        "summary": full["summary"],
        "notes": full["notes"],
        "tax_notes": full["tax_notes"],
        "overrides": json.dumps(overrides),
    }
    return {CONTENT: content, TAX: tax}


def _author(ctx: KeyContext) -> list[tuple[str, str, str]]:
    # The coordinator who writes the text holds both audiences (they typed it); others
    # get content by grant, and tax only through a consent that covers it.
    return [(ctx.caller.id, k, "author") for k in KINDS]


def reseal_case(
    ctx: KeyContext,
    case: Case,
    full: dict[str, Any],
    overrides: dict[str, Any],
    *,
    author: bool = True,
) -> None:
    """Seal the case anew for its current holders (and the author)."""
    extra = _author(ctx) if author else []
    fresh = not case.sealed_fields  # a new case has no holders yet: nothing to look up
    seal(
        ctx,
        case,
        _contents(full, overrides),
        {
            CONTENT: ([] if fresh else holders(ctx.session, case, CONTENT)) + extra,
            TAX: ([] if fresh else holders(ctx.session, case, TAX)) + extra,
        },
    )


def create_case(ctx: KeyContext, data: CaseCreate) -> Case:
    """Create a case sealed for its author and escrow."""
    check_organizations(
        ctx,
        [data.lead_organization_id] if data.lead_organization_id else [],
        "lead_organization_id",
    )
    ctx.prefetch_for_writing([ctx.caller.id])
    case = Case(
        id=new_id(),
        number=next_number(ctx.session, utcnow().astimezone(JST).date()),
        status=data.status,
        lead_organization_id=data.lead_organization_id,
        issue_codes=_codes(data.issues),
        created_by=ctx.caller.id,
    )
    ctx.session.add(case)
    full = data.model_dump(include={"title", "summary", "notes", "tax_notes", "issues"}) | {
        "subjects": [s.model_dump(exclude_none=True) for s in data.subjects]
    }
    reseal_case(ctx, case, full, {})
    record(
        ctx.session,
        "case.create",
        ctx.caller.id,
        "case",
        case.id,
        status=case.status,
        issue_codes=case.issue_codes,
    )
    return case


def _codes(issues: list[str]) -> list[str]:
    return [i for i in dict.fromkeys(issues) if i in ISSUE_CODES]


def open_case(ctx: KeyContext, case: Case) -> tuple[dict[str, str] | None, dict[str, str] | None]:
    """(content, tax) fields the coordinator's keys open, granting content on first open."""
    ensure_coordinator_access(ctx, [case])
    opened = open_records(ctx, [case], (CONTENT, TAX), KINDS)
    return opened.get((case.id, CONTENT)), opened.get((case.id, TAX))


_UNKNOWN: Any = object()


def case_out(
    ctx: KeyContext,
    case: Case,
    content: dict[str, str] | None,
    tax: dict[str, str] | None,
    *,
    consent: Consent | None = _UNKNOWN,
    unreadable: bool = False,
) -> CaseOut:
    """The coordinator's shape of a case (``consent``: its active consent, when known).

    ``unreadable``: its stored content failed to open; it is listed by id with a notice.
    """
    if consent is _UNKNOWN:
        consent = active_consent(ctx.session, case.id)
    out = CaseOut(
        id=case.id,
        number=case.number,
        status=case.status,
        status_label=STATUS_LABELS[case.status],
        lead_organization_id=case.lead_organization_id,  # type: ignore[arg-type]
        issue_codes=case.issue_codes or [],
        readable=content is not None,
        created_at=case.created_at,
        updated_at=case.updated_at,
        active_consent=consent_out(consent) if consent else None,
    )
    if unreadable:
        out.unreadable, out.notice, out.notice_en = True, UNREADABLE_NOTICE, UNREADABLE_NOTICE_EN
        return out
    if content is not None:
        out.title, out.summary, out.notes, out.tax_notes = (
            content["title"],
            content["summary"],
            content["notes"],
            content["tax_notes"],
        )
        out.issues, out.subjects = json.loads(content["issues"]), json.loads(content["subjects"])
    if content is not None and tax is not None:
        overrides = load_overrides(tax)
        out.title, out.summary, out.notes, out.tax_notes, out.tax_masked = (
            full_title(content, tax),
            tax["summary"],
            tax["notes"],
            tax["tax_notes"],
            False,
        )
        out.tax_spans = {
            f: [[s.start, s.end] for s in tax_spans(full_field(content, tax, f), overrides.get(f))]
            for f in TEXT_FIELDS
        }
    return out


def list_cases(ctx: KeyContext, wanted: CaseFilter | None = None) -> list[CaseOut]:
    """The cases matching the filter, with the titles the coordinator's keys open."""
    return find_cases(ctx, wanted or CaseFilter(), case_out)


def full_values(content: dict[str, str], tax: dict[str, str]) -> dict[str, Any]:
    """The full values of a case from its opened audiences."""
    return {
        "title": full_title(content, tax),
        "summary": tax["summary"],
        "notes": tax["notes"],
        "tax_notes": tax["tax_notes"],
        "subjects": json.loads(content["subjects"]),
        "issues": json.loads(content["issues"]),
    }


def update_case(ctx: KeyContext, case: Case, data: CaseUpdate) -> Case:
    """Change a case; sealed fields are resealed under new keys for the current holders."""
    changes = data.model_dump(exclude_unset=True)
    if "lead_organization_id" in changes:
        check_organizations(
            ctx,
            [changes["lead_organization_id"]] if changes["lead_organization_id"] else [],
            "lead_organization_id",
        )
        case.lead_organization_id = changes["lead_organization_id"]
    if changes.get("status") and changes["status"] != case.status:
        status.move(ctx, case, changes["status"], utcnow().astimezone(JST).date(), "")
    sealed_changes = {
        k: v
        for k, v in changes.items()
        if k in ("title", "summary", "notes", "tax_notes", "issues", "subjects") and v is not None
    }
    if sealed_changes:
        _reseal_with(ctx, case, sealed_changes)
    case.updated_at = utcnow()
    record(ctx.session, "case.update", ctx.caller.id, "case", case.id, fields=sorted(changes))
    return case


def _reseal_with(ctx: KeyContext, case: Case, changes: dict[str, Any]) -> None:
    content, tax = open_case(ctx, case)
    if content is None:
        raise content_locked()
    if tax is None and not {"title", "summary", "notes", "tax_notes"} <= set(changes):
        raise tax_access_required()
    tax = tax or {"title": "", "summary": "", "notes": "", "tax_notes": "", "overrides": "{}"}
    before = full_values(content, tax)
    full = before | changes
    if "issues" in changes:
        case.issue_codes = _codes(changes["issues"])
    if full == before:
        return  # the same text again: keep its keys, marks and checked suspects
    # Offsets of marks and decisions no longer fit a rewritten text: its overrides start
    # afresh; a field given again unchanged keeps them.
    overrides = {f: o for f, o in load_overrides(tax).items() if full.get(f) == before.get(f)}
    reseal_case(ctx, case, full, overrides)
    if any(full[f] != before[f] for f in SHOWN_FIELDS):
        case.text_revision += 1


def consent_out(consent: Consent, form_reference: str | None = None) -> ConsentOut:
    """The public shape of a consent (``form_reference``: as opened; sealed at rest)."""
    return ConsentOut(
        id=consent.id,
        case_id=consent.case_id,
        obtained_on=consent.obtained_on,
        organization_ids=consent.organization_ids,
        covers_tax=consent.covers_tax,
        obtained_by=consent.obtained_by,
        form_reference=form_reference,
        active=consent.withdrawn_at is None and consent.corrected_at is None,
        state=(
            "corrected"
            if consent.corrected_at
            else "withdrawn"
            if consent.withdrawn_at
            else "active"
        ),
        withdrawn_at=consent.withdrawn_at,
        withdrawal_reason=consent.withdrawal_reason,
        corrected_at=consent.corrected_at,
        correction_reason=consent.correction_reason,
        replaced_by=consent.replaced_by,
        corrects_id=consent.corrects_id,
        created_at=consent.created_at,
    )


def add_consent(ctx: KeyContext, case: Case, data: ConsentCreate) -> tuple[Consent, list[dict]]:
    """Record a consent; members now in scope get their keys."""
    check_organizations(ctx, list(data.organization_ids), "organization_ids")
    consent = Consent(
        id=new_id(),
        case_id=case.id,
        obtained_on=data.obtained_on,
        organization_ids=list(dict.fromkeys(data.organization_ids)),
        covers_tax=data.covers_tax,
        obtained_by=data.obtained_by,
        created_by=ctx.caller.id,
    )
    ctx.session.add(consent)
    ctx.session.flush()
    seal_reference(ctx, consent, data.form_reference)
    record(
        ctx.session,
        "consent.create",
        ctx.caller.id,
        "consent",
        consent.id,
        case_id=case.id,
        covers_tax=consent.covers_tax,
        organizations=len(consent.organization_ids),
    )
    return consent, access.sync_case(ctx, case)


def list_consents(session: Session, case: Case) -> list[Consent]:
    """A case's consents, newest first."""
    return list(
        session.scalars(
            select(Consent)
            .where(Consent.case_id == case.id)
            .order_by(Consent.created_at.desc(), Consent.id)
        )
    )


def withdraw_consent(
    ctx: KeyContext,
    minutes: MinutesClient,
    case: Case,
    consent_id: str,
    reason: str | None = None,
) -> tuple[Consent, list[dict]]:
    """Withdraw: jusou and tax wraps go, tax is resealed for escrow alone; minutes follow."""
    consent = ctx.session.get(Consent, consent_id)
    if consent is None or consent.case_id != case.id:
        from kasane_shared.errors import not_found

        raise not_found("同意", "Consent")
    if consent.corrected_at is not None:
        raise conflict(
            "consent_closed",
            "訂正済みの同意は撤回できません。",
            "A corrected consent cannot be withdrawn.",
        )
    if consent.withdrawn_at is not None:
        raise conflict(
            "already_withdrawn",
            "この同意はすでに撤回されています。",
            "This consent is already withdrawn.",
        )
    consent.withdrawn_at, consent.withdrawn_by = utcnow(), ctx.caller.id
    consent.withdrawal_reason = reason
    ctx.session.flush()
    warnings = access.revoke_for_withdrawal(ctx, case)
    warnings += access.sync_case(ctx, case)
    removed, in_minutes = take_back_from_minutes(ctx, minutes, case, consent)
    record(
        ctx.session,
        "consent.withdraw",
        ctx.caller.id,
        "consent",
        consent.id,
        case_id=case.id,
        resealed=not any(w["code"] == "tax_not_resealed" for w in warnings),
        minutes_removed=removed,
    )
    return consent, warnings + in_minutes
