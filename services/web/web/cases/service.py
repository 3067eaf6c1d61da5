"""Cases through the agenda service: content, consent history, plan history."""

from __future__ import annotations

from datetime import date
from typing import Any

from starlette.datastructures import FormData

from web.core import directory
from web.core.api import Api
from web.core.errors import FormErrors

ISSUES = (
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
CASE_FIELDS = {
    "title": "title",
    "summary": "summary",
    "notes": "notes",
    "tax_notes": "tax_notes",
    "lead_organization_id": "lead_organization_id",
    "issues": "issues",
}
CONSENT_FIELDS = {
    "obtained_on": "obtained_on",
    "organization_ids": "organization_ids",
    "covers_tax": "covers_tax",
    "form_reference": "form_reference",
}


def case_body(form: FormData, t: Any) -> tuple[dict[str, Any], FormErrors]:
    """The agenda API body from the case form."""
    errors = FormErrors()
    title = str(form.get("title") or "").strip()
    if not title:
        errors.add("title", t("form.enter", label=t("case.title")))
    body: dict[str, Any] = {
        "title": title,
        "summary": str(form.get("summary") or ""),
        "notes": str(form.get("notes") or ""),
        "tax_notes": str(form.get("tax_notes") or ""),
        "issues": [i for i in form.getlist("issues") if i in ISSUES],
    }
    lead = str(form.get("lead_organization_id") or "")
    if lead:
        body["lead_organization_id"] = lead
    return body, errors


def text(form: FormData, name: str) -> str:
    """A form value as stripped text."""
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def valid_date(value: str) -> str | None:
    """A YYYY-MM-DD value, or None."""
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        return None


def consent_body(form: FormData, t: Any) -> tuple[dict[str, Any], FormErrors]:
    """The agenda API body from the consent form."""
    errors = FormErrors()
    obtained = str(form.get("obtained_on") or "").strip()
    orgs = [o for o in form.getlist("organization_ids") if isinstance(o, str)]
    if not obtained:
        errors.add("obtained_on", t("form.enter", label=t("consent.obtained_on")))
    if not orgs:
        errors.add("organization_ids", t("case.err_orgs"))
    body: dict[str, Any] = {
        "obtained_on": obtained,
        "organization_ids": orgs,
        "covers_tax": form.get("covers_tax") == "yes",
    }
    if str(form.get("form_reference") or "").strip():
        body["form_reference"] = str(form.get("form_reference")).strip()
    return body, errors


def detail(api: Api, case_id: str) -> dict[str, Any]:
    """A case with its consents and plan versions, and names for the ids."""
    return {
        "case": api.get(f"/agenda/cases/{case_id}"),
        "consents": api.get(f"/agenda/cases/{case_id}/consents"),
        "plans": sorted(
            api.get(f"/agenda/cases/{case_id}/plans"), key=lambda p: p["version"], reverse=True
        ),
        "orgs": directory.organizations(api),
        "people": directory.people(api),
        "status_changes": api.get(f"/agenda/cases/{case_id}/status-changes"),
    }
