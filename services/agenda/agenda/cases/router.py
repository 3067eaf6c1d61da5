"""HTTP interface of cases and consents (coordinators only; admins and auditors see no content)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response, status

from agenda.audit import record
from agenda import marks
from agenda.cases import consent_refs, consents, listing, service
from agenda.cases.models import Consent
from agenda.keys.service import KeyContext
from agenda.cases import status as status_service
from agenda.cases.schemas import (
    ISSUE_CODES,
    CaseSort,
    CaseStatus,
    StatusChangeOut,
    StatusMove,
    CaseCreate,
    CaseOut,
    CaseUpdate,
    ConsentCorrect,
    ConsentCorrected,
    ConsentCreate,
    ConsentOut,
    ConsentWithdraw,
    TaxMark,
)
from agenda.cases.search import CaseFilter
from agenda.context import CoordinatorCtx
from agenda.deps import MinutesDep
from kasane_shared.paging import DEFAULT_LIMIT, MAX_LIMIT, next_link

router = APIRouter(prefix="/cases", tags=["cases"])


@router.post("", response_model=CaseOut, status_code=status.HTTP_201_CREATED)
def create_case(data: CaseCreate, ctx: CoordinatorCtx) -> CaseOut:
    """Open a case; its content is sealed at once (tax spans masked for readers)."""
    case = service.create_case(ctx, data)
    content, tax = service.open_case(ctx, case)
    return service.case_out(ctx, case, content, tax)


IssueCode = Literal[ISSUE_CODES]  # type: ignore[valid-type]


@router.get("", response_model=list[CaseOut])
def list_cases(
    request: Request,
    response: Response,
    ctx: CoordinatorCtx,
    status_in: Annotated[list[CaseStatus], Query(alias="status", max_length=4)] = [],  # noqa: B006
    organization_id: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    issue: Annotated[IssueCode | None, Query()] = None,
    monitoring_due_before: Annotated[date | None, Query()] = None,
    q: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
    sort: Annotated[CaseSort, Query()] = "created",
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(min_length=1, max_length=300)] = None,
) -> list[CaseOut]:
    """One page of cases with the titles the caller's keys open: filtered, searched, sorted.

    ``status`` may repeat; ``monitoring_due_before`` keeps cases whose newest plan's
    monitoring date is on or before the date; ``q`` searches case numbers and titles.
    ``limit`` (1–200, default 50) cases per page; while more remain, the ``Link`` header
    names the next page (``rel="next"``, RFC 8288) with its ``cursor``.
    """
    wanted = CaseFilter(
        status=tuple(dict.fromkeys(status_in)),
        organization_id=organization_id,
        issue=issue,
        monitoring_due_before=monitoring_due_before,
        q=q.strip() or None if q else None,
        sort=sort,
    )
    page = listing.list_page(ctx, wanted, limit=limit, cursor=cursor)
    if page.next_cursor is not None:
        response.headers["Link"] = next_link(request.url, page.next_cursor, limit)
    record(
        ctx.session,
        "case.list",
        ctx.caller.id,
        "case",
        None,
        count=len(page.cases),
        opened=sum(1 for c in page.cases if c.readable),
        filtered=bool(status_in or organization_id or issue or monitoring_due_before or q),
        more=page.next_cursor is not None,
    )
    return page.cases


@router.post("/{case_id}/status", response_model=StatusChangeOut, status_code=201)
def move_status(case_id: str, data: StatusMove, ctx: CoordinatorCtx) -> StatusChangeOut:
    """Move the case (潜在→支援中→終結・中断, or reopen) on a date, with the reason."""
    case = service.get_case(ctx.session, case_id)
    status_service.move(ctx, case, data.status, data.on, data.reason)
    return status_service.history(ctx, case)[-1]


@router.get("/{case_id}/status-changes", response_model=list[StatusChangeOut])
def status_changes(case_id: str, ctx: CoordinatorCtx) -> list[StatusChangeOut]:
    """Every status move of a case, oldest first, with its reason."""
    return status_service.history(ctx, service.get_case(ctx.session, case_id))


@router.get("/{case_id}", response_model=CaseOut)
def get_case(case_id: str, ctx: CoordinatorCtx) -> CaseOut:
    """One case as the caller's keys open it (full text only with tax access)."""
    case = service.get_case(ctx.session, case_id)
    content, tax = service.open_case(ctx, case)
    record(
        ctx.session,
        "case.read",
        ctx.caller.id,
        "case",
        case.id,
        content=content is not None,
        tax=tax is not None,
    )
    return service.case_out(ctx, case, content, tax)


@router.patch("/{case_id}", response_model=CaseOut)
def update_case(case_id: str, data: CaseUpdate, ctx: CoordinatorCtx) -> CaseOut:
    """Change a case; changed content is resealed under new keys."""
    case = service.update_case(ctx, service.get_case(ctx.session, case_id), data)
    content, tax = service.open_case(ctx, case)
    return service.case_out(ctx, case, content, tax)


def _shown(ctx: KeyContext, consent: Consent) -> ConsentOut:
    """One consent with its form reference opened for the coordinator."""
    references = consent_refs.open_references(ctx, [consent])
    return service.consent_out(consent, references.get(consent.id))


@router.post("/{case_id}/consents", response_model=ConsentOut, status_code=status.HTTP_201_CREATED)
def add_consent(case_id: str, data: ConsentCreate, ctx: CoordinatorCtx) -> dict:
    """Record the person's consent: which organizations, whether tax data is covered."""
    consent, warnings = service.add_consent(ctx, service.get_case(ctx.session, case_id), data)
    return _shown(ctx, consent).model_dump() | {"warnings": warnings}


@router.get("/{case_id}/consents", response_model=list[ConsentOut])
def list_consents(case_id: str, ctx: CoordinatorCtx) -> list[ConsentOut]:
    """A case's consents, newest first."""
    case = service.get_case(ctx.session, case_id)
    found = service.list_consents(ctx.session, case)
    references = consent_refs.open_references(ctx, found)
    return [service.consent_out(c, references.get(c.id)) for c in found]


@router.post("/{case_id}/consents/{consent_id}/withdraw", response_model=ConsentOut)
def withdraw_consent(
    case_id: str,
    consent_id: str,
    ctx: CoordinatorCtx,
    minutes: MinutesDep,
    data: ConsentWithdraw | None = None,
) -> dict:
    """Withdraw a consent: jusou and tax keys are taken back (minutes too), tax data resealed."""
    case = service.get_case(ctx.session, case_id)
    reason = data.reason if data else None
    consent, warnings = service.withdraw_consent(ctx, minutes, case, consent_id, reason)
    return _shown(ctx, consent).model_dump() | {"warnings": warnings}


@router.post("/{case_id}/consents/{consent_id}/correct", response_model=ConsentCorrected)
def correct_consent(
    case_id: str, consent_id: str, data: ConsentCorrect, ctx: CoordinatorCtx, minutes: MinutesDep
) -> ConsentCorrected:
    """Correct an entry made in error (recorded as a correction, not the person's withdrawal)."""
    case = service.get_case(ctx.session, case_id)
    corrected, replacement, warnings = consents.correct(ctx, minutes, case, consent_id, data)
    return ConsentCorrected(
        corrected=_shown(ctx, corrected),
        replacement=_shown(ctx, replacement) if replacement else None,
        warnings=warnings,
    )


@router.post("/{case_id}/tax-marks", response_model=CaseOut)
def tax_mark(case_id: str, data: TaxMark, ctx: CoordinatorCtx) -> CaseOut:
    """Mark a missed tax span or unmark a false one (offsets in the full text; audited)."""
    case = service.get_case(ctx.session, case_id)
    marks.mark_case(ctx, case, data)
    content, tax = service.open_case(ctx, case)
    return service.case_out(ctx, case, content, tax)
