"""Consent pages: a withdrawal that says what it does first, a correction of an entry in error."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from web.cases import service
from web.core import directory
from web.core.errors import ApiError, FormErrors
from web.core.page import Form, Page, SignedIn, redirect, render, role_page

router = APIRouter(prefix="/cases/{case_id}/consents", dependencies=[role_page("coordinator")])
WITHDRAW_REASONS = ("person_request", "family_request", "other")
CORRECTION_REASONS = ("wrong_date", "wrong_organizations", "wrong_tax", "wrong_case", "other")


def _consent(page: Page, case_id: str, consent_id: str) -> dict[str, Any]:
    for consent in page.api.get(f"/agenda/cases/{case_id}/consents"):
        if consent["id"] == consent_id:
            return consent
    raise ApiError(404, {"code": "not_found", "detail": page.t("error.not_found")})


def _page(page: Page, template: str, case_id: str, consent_id: str, **values: Any) -> Response:
    return render(
        page,
        template,
        nav="cases",
        page_title=page.t(f"consent.{template.split('/')[1].split('.')[0]}_title"),
        case=page.api.get(f"/agenda/cases/{case_id}"),
        consent=_consent(page, case_id, consent_id),
        orgs=directory.organizations(page.api),
        **values,
    )


@router.get("/{consent_id}/withdraw")
def withdraw_form(page: SignedIn, case_id: str, consent_id: str) -> Response:
    """What a withdrawal does, before it is done."""
    return _page(
        page, "cases/withdraw.html", case_id, consent_id, reasons=WITHDRAW_REASONS, form={}
    )


@router.post("/{consent_id}/withdraw")
def withdraw(page: SignedIn, case_id: str, consent_id: str, form: Form) -> Response:
    """Withdraw the consent with the person's or family's reason."""
    reason = service.text(form, "reason")
    body = {"reason": reason} if reason in WITHDRAW_REASONS else {}
    page.api.post(f"/agenda/cases/{case_id}/consents/{consent_id}/withdraw", body)
    return redirect(page, f"/cases/{case_id}", flash="consent_withdrawn")


@router.get("/{consent_id}/correct")
def correct_form(page: SignedIn, case_id: str, consent_id: str) -> Response:
    """The entry as it was, to be put right."""
    consent = _consent(page, case_id, consent_id)
    form = {
        "obtained_on": consent["obtained_on"],
        "covers_tax": "yes" if consent["covers_tax"] else "",
        "form_reference": consent.get("form_reference") or "",
        "reason": "wrong_date",
    }
    return _page(
        page,
        "cases/correct.html",
        case_id,
        consent_id,
        reasons=CORRECTION_REASONS,
        form=form,
        picked=set(consent["organization_ids"]),
    )


@router.post("/{consent_id}/correct")
def correct(page: SignedIn, case_id: str, consent_id: str, form: Form) -> Response:
    """Record the correction; the corrected values become the consent on file."""
    reason = service.text(form, "reason")
    body: dict[str, Any] = {"reason": reason}
    errors = FormErrors()
    if reason != "wrong_case":
        replacement, errors = service.consent_body(form, page.t)
        body["replacement"] = replacement
    if not errors:
        try:
            page.api.post(f"/agenda/cases/{case_id}/consents/{consent_id}/correct", body)
        except ApiError as error:
            if error.status >= 500 or error.status == 404:
                raise
            errors = FormErrors.from_api(error, service.CONSENT_FIELDS | {"reason": "reason"})
    if errors:
        picked = {o for o in form.getlist("organization_ids") if isinstance(o, str)}
        return _page(
            page,
            "cases/correct.html",
            case_id,
            consent_id,
            reasons=CORRECTION_REASONS,
            form=form,
            picked=picked,
            errors=errors,
            status=422,
        )
    return redirect(page, f"/cases/{case_id}", flash="consent_corrected")
