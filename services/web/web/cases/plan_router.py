"""支援プラン pages for coordinators: a new version (any number of 役割分担 rows), one version.

Rows are added one at a time by a plain submit (「役割分担の行を追加」), so the form needs
no script; what was typed comes back with the extra row.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from web.core import directory
from web.core.errors import ApiError, FormErrors
from web.core.page import Form, Page, SignedIn, redirect, render, role_page
from web.core.printing import print_context
from web.drafts import service as drafts

router = APIRouter(prefix="/cases", dependencies=[role_page("coordinator")])
STATUSES = ("plan_creation", "plan_change", "termination", "suspension")
TEXTS = ("goals", "wishes", "policy", "closing")
MIN_ROWS, MAX_ROWS = 3, 100


def _text(form: Any, name: str) -> str:
    value = form.get(name) if form is not None else None
    return value.strip() if isinstance(value, str) else ""


def _rows(form: Any) -> int:
    shown = _text(form, "rows")
    return min(int(shown), MAX_ROWS) if shown.isdigit() else MIN_ROWS


def _roles(form: Any, rows: int) -> list[dict[str, str]]:
    """Every row as typed (blank ones too, so the form shows them again)."""
    return [
        {f: _text(form, f"roles.{n}.{f}") for f in ("organization_id", "duty", "due")}
        for n in range(rows)
    ]


def plan_body(form: Any, t: Any) -> tuple[dict[str, Any], FormErrors]:
    """The API body from the plan form; a row with a duty needs its organization."""
    errors, body = FormErrors(), {}
    status = _text(form, "status")
    if status not in STATUSES:
        errors.add("status", t("plan.err_status"))
    body["status"] = status
    for name in TEXTS:
        body[name] = _text(form, name)
    roles = []
    for n, row in enumerate(_roles(form, _rows(form))):
        if not any(row.values()):  # a row with only a due date is refused, not dropped
            continue
        if not row["organization_id"]:
            errors.add(f"roles.{n}.organization_id", t("plan.err_role_org", n=n + 1))
        if not row["duty"]:
            errors.add(f"roles.{n}.duty", t("plan.err_role_duty", n=n + 1))
        roles.append({k: v for k, v in row.items() if v})
    body["roles"] = roles
    if _text(form, "monitoring_on"):
        body["monitoring_on"] = _text(form, "monitoring_on")
    return body, errors


def _from_plan(plan: dict[str, Any] | None) -> dict[str, Any]:
    """The form's values taken over from the latest version (終結 is per version)."""
    if not plan or not plan.get("readable"):
        return {"status": "plan_creation"}
    values: dict[str, Any] = {"status": "plan_change", "rows": str(len(plan["roles"] or []) + 1)}
    for name in ("goals", "wishes", "policy"):
        values[name] = plan.get(name) or ""
    for n, role in enumerate(plan.get("roles") or []):
        for f in ("organization_id", "duty", "due"):
            values[f"roles.{n}.{f}"] = role.get(f) or ""
    return values


def _form_page(
    page: Page,
    case_id: str,
    form: Any,
    errors: FormErrors | None = None,
    status: int = 200,
    restored: drafts.Restored | None = None,
) -> Response:
    rows = max(_rows(form), MIN_ROWS)
    return render(
        page,
        "cases/plan_form.html",
        status=status,
        errors=errors,
        nav="cases",
        page_title=page.t("plan.new_title"),
        case=page.api.get(f"/agenda/cases/{case_id}"),
        orgs=directory.organizations(page.api),
        form=form,
        rows=rows,
        roles=_roles(form, rows),
        statuses=STATUSES,
        draft_restored=restored,
    )


@router.get("/{case_id}/plans/new")
def new_plan_form(page: SignedIn, case_id: str) -> Response:
    """A new plan version, filled from the latest one (or from what a time-out kept)."""
    restored = drafts.restore(page.api, f"/cases/{case_id}/plans/new")
    if restored is not None:
        return _form_page(page, case_id, restored.data, restored=restored)
    plans = page.api.get(f"/agenda/cases/{case_id}/plans")
    latest = max(plans, key=lambda p: p["version"]) if plans else None
    return _form_page(page, case_id, _from_plan(latest))


@router.post("/{case_id}/plans/new")
def new_plan(page: SignedIn, case_id: str, form: Form) -> Response:
    """Add a row (nothing saved), or save the version; the case moves as the timing says."""
    if form.get("action") == "add_row":
        values = {k: v for k, v in form.items() if isinstance(v, str)}
        values["rows"] = str(min(_rows(form) + 1, MAX_ROWS))
        return _form_page(page, case_id, values)
    body, errors = plan_body(form, page.t)
    if not errors:
        try:
            made = page.api.post(f"/agenda/cases/{case_id}/plans", body)
        except ApiError as error:
            if error.status >= 500 or error.status == 404:
                raise
            errors = FormErrors.from_api(error, {name: name for name in TEXTS})
        else:
            drafts.discard(page.api, f"/cases/{case_id}/plans/new")
            return redirect(page, f"/cases/{case_id}/plans/{made['id']}", flash="plan_created")
    return _form_page(page, case_id, form, errors, 422)


def _plan_context(page: Page, case_id: str, plan_id: str) -> dict[str, Any]:
    return {
        "case": page.api.get(f"/agenda/cases/{case_id}"),
        "plan": page.api.get(f"/agenda/cases/{case_id}/plans/{plan_id}"),
        "orgs": directory.organizations(page.api),
        "people": directory.people(page.api),
    }


@router.get("/{case_id}/plans/{plan_id}")
def plan_page(page: SignedIn, case_id: str, plan_id: str) -> Response:
    """One plan version: 目標, 本人の意向, 支援方針, 役割分担, 終結; a link to print it."""
    return render(
        page,
        "cases/plan.html",
        nav="cases",
        page_title=page.t("plan.title"),
        **_plan_context(page, case_id, plan_id),
    )


@router.get("/{case_id}/plans/{plan_id}/print")
def plan_print(page: SignedIn, case_id: str, plan_id: str) -> Response:
    """One plan version laid out for paper: 取扱注意, the notice, date, page numbers."""
    return render(
        page,
        "cases/plan_print.html",
        page_title=page.t("print.plan_title"),
        **_plan_context(page, case_id, plan_id),
        **print_context(page, f"/cases/{case_id}/plans/{plan_id}", "print.notice_plan"),
    )
