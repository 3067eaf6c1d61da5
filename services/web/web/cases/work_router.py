"""Everyday case work on the pages: find cases, edit a case, move its status."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from kasane_shared.wareki import JST
from web.cases import service
from web.core import directory
from web.core.errors import ApiError, FormErrors
from web.core.page import Form, Page, SignedIn, redirect, render, role_page
from web.drafts import service as drafts

router = APIRouter(prefix="/cases", dependencies=[role_page("coordinator")])
STATUSES = ("potential", "active", "closed", "suspended")
SORTS = ("created", "updated", "number", "monitoring", "title")
# Where a case may go from each status (the agenda service enforces the same).
MOVES = {
    "potential": ("active", "closed", "suspended"),
    "active": ("closed", "suspended"),
    "suspended": ("active", "closed"),
    "closed": ("active",),
}


def _filters(request: Request) -> dict[str, Any]:
    """The list's query, keeping only values the agenda service accepts."""
    query = request.query_params
    wanted: dict[str, Any] = {
        "status": [s for s in query.getlist("status") if s in STATUSES],
        "organization_id": query.get("organization_id") or None,
        "issue": query.get("issue") if query.get("issue") in service.ISSUES else None,
        "monitoring_due_before": service.valid_date(query.get("monitoring_due_before") or ""),
        "q": (query.get("q") or "").strip()[:100] or None,
        "sort": query.get("sort") if query.get("sort") in SORTS else "created",
    }
    return {k: v for k, v in wanted.items() if v}


@router.get("")
def list_cases(page: SignedIn, request: Request) -> Response:
    """Cases found by number, title, status, organization, issue or monitoring date."""
    wanted = _filters(request)
    return render(
        page,
        "cases/list.html",
        nav="cases",
        page_title=page.t("case.list_title"),
        cases=page.api.get_all("/agenda/cases", params=wanted),
        wanted=wanted,
        statuses=STATUSES,
        sorts=SORTS,
        issues=service.ISSUES,
        orgs=directory.organizations(page.api),
    )


def _edit_page(page: Page, case: dict[str, Any], form: Any = None, **extra: Any) -> Response:
    values = form or {
        "title": case.get("title") or "",
        "summary": case.get("summary") or "",
        "notes": case.get("notes") or "",
        "tax_notes": case.get("tax_notes") or "",
        "lead_organization_id": case.get("lead_organization_id") or "",
    }
    picked = set(form.getlist("issues")) if form is not None else set(case["issue_codes"])
    return render(
        page,
        "cases/edit.html",
        nav="cases",
        page_title=page.t("case.edit"),
        case=case,
        form=values,
        picked=picked,
        orgs=directory.organizations(page.api),
        issues=service.ISSUES,
        **extra,
    )


@router.get("/{case_id}/edit")
def edit_form(page: SignedIn, case_id: str) -> Response:
    """The case's fields, filled in (full text only for those whose keys open the tax data)."""
    case = page.api.get(f"/agenda/cases/{case_id}")
    restored = drafts.restore(page.api, f"/cases/{case_id}/edit")
    if restored is None:
        return _edit_page(page, case)
    return _edit_page(page, case, restored.data, draft_restored=restored)


@router.post("/{case_id}/edit")
def edit(page: SignedIn, case_id: str, form: Form) -> Response:
    """Save the edit; without tax access only the title, issues and lead organization change."""
    case = page.api.get(f"/agenda/cases/{case_id}")
    body, errors = service.case_body(form, page.t)
    body.setdefault("lead_organization_id", None)
    if case.get("tax_masked"):
        for name in ("summary", "notes", "tax_notes"):
            body.pop(name, None)
    if not errors:
        try:
            page.api.patch(f"/agenda/cases/{case_id}", body)
        except ApiError as error:
            if error.status >= 500 or error.status == 404:
                raise
            errors = FormErrors.from_api(error, service.CASE_FIELDS)
    if errors:
        return _edit_page(page, case, form, errors=errors, status=422)
    drafts.discard(page.api, f"/cases/{case_id}/edit")
    return redirect(page, f"/cases/{case_id}", flash="case_updated")


@router.post("/{case_id}/status")
def move_status(page: SignedIn, case_id: str, form: Form) -> Response:
    """Move the case to another status on a date, with the reason."""
    body = {
        "status": service.text(form, "status"),
        "on": service.text(form, "on") or datetime.now(JST).date().isoformat(),
        "reason": service.text(form, "reason"),
    }
    errors = FormErrors()
    if not body["reason"]:
        errors.add("reason", page.t("form.enter", label=page.t("case.status_reason")))
    if not errors:
        try:
            page.api.post(f"/agenda/cases/{case_id}/status", body)
        except ApiError as error:
            if error.status >= 500 or error.status == 404:
                raise
            errors = FormErrors.from_api(
                error, {"status": "status", "on": "on", "reason": "reason"}
            )
    if errors:
        from web.cases.router import detail_page

        return detail_page(page, case_id, errors, 422, form)
    return redirect(page, f"/cases/{case_id}", flash="case_status")
