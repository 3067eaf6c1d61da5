"""Case pages for coordinators: the list, a new case, a case with its consent and plan history."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from web.cases import service
from web.cases.work_router import MOVES
from web.core import directory
from web.core.errors import ApiError, FormErrors
from web.core.page import Form, Page, SignedIn, redirect, render, role_page
from web.drafts import service as drafts

router = APIRouter(prefix="/cases", dependencies=[role_page("coordinator")])


def _new_page(
    page: Page,
    form: Any = None,
    errors: FormErrors | None = None,
    status: int = 200,
    restored: drafts.Restored | None = None,
) -> Response:
    return render(
        page,
        "cases/new.html",
        status=status,
        errors=errors,
        nav="cases",
        page_title=page.t("case.new"),
        form=form or {},
        orgs=directory.organizations(page.api),
        issues=service.ISSUES,
        draft_restored=restored,
    )


@router.get("/new")
def new_case_form(page: SignedIn) -> Response:
    """The new-case form (with what was typed before a time-out, if anything)."""
    restored = drafts.restore(page.api, "/cases/new")
    return _new_page(page, restored.data if restored else None, restored=restored)


@router.post("/new")
def new_case(page: SignedIn, form: Form) -> Response:
    """Open a case (its content is sealed by the agenda service)."""
    body, errors = service.case_body(form, page.t)
    if errors:
        return _new_page(page, form, errors, 422)
    try:
        created = page.api.post("/agenda/cases", body)
    except ApiError as error:
        if error.status >= 500:
            raise
        return _new_page(page, form, FormErrors.from_api(error, service.CASE_FIELDS), 422)
    drafts.discard(page.api, "/cases/new")
    return redirect(page, f"/cases/{created['id']}", flash="case_created")


def detail_page(
    page: Page, case_id: str, errors: FormErrors | None = None, status: int = 200, form: Any = None
) -> Response:
    data = service.detail(page.api, case_id)
    return render(
        page,
        "cases/detail.html",
        status=status,
        errors=errors,
        nav="cases",
        page_title=page.t("case.detail_title"),
        form=form or {},
        moves=MOVES.get(data["case"]["status"], ()),
        # A form that failed validation keeps what was ticked.
        picked_orgs=set(form.getlist("organization_ids")) if hasattr(form, "getlist") else set(),
        **data,
    )


@router.get("/{case_id}")
def case_detail(page: SignedIn, case_id: str) -> Response:
    """A case: content (tax spans marked), consent history, plan history."""
    return detail_page(page, case_id)


@router.post("/{case_id}/consents")
def add_consent(page: SignedIn, case_id: str, form: Form) -> Response:
    """Record a consent on file."""
    body, errors = service.consent_body(form, page.t)
    if not errors:
        try:
            page.api.post(f"/agenda/cases/{case_id}/consents", body)
        except ApiError as error:
            if error.status >= 500 or error.status == 404:
                raise
            errors = FormErrors.from_api(error, service.CONSENT_FIELDS)
    if errors:
        return detail_page(page, case_id, errors, 422, form)
    return redirect(page, f"/cases/{case_id}", flash="consent_added")
