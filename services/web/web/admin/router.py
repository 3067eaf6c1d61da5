"""Admin pages: organizations, members and roles, pledge templates, key rotation status."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from web.admin import service
from web.core.errors import ApiError, FormErrors
from web.core.page import Form, Page, SignedIn, redirect, render, role_page

router = APIRouter(prefix="/admin", dependencies=[role_page("admin")])


def _page(
    page: Page,
    *,
    errors: FormErrors | None = None,
    status: int = 200,
    form: Any = None,
    which: str = "",
) -> Response:
    return render(
        page,
        "admin/admin.html",
        status=status,
        errors=errors,
        nav="admin",
        page_title=page.t("admin.title"),
        form=form or {},
        which=which,
        org_kind_options=[(k, page.t(f"orgkind.{k}")) for k in service.ORG_KINDS],
        roles=service.ROLES,
        **service.overview(page.api),
    )


@router.get("")
def admin_home(page: SignedIn) -> Response:
    """The admin overview."""
    return _page(page)


def _submit(
    page: Page,
    form: Any,
    which: str,
    path: str,
    body: dict[str, Any],
    fields: dict[str, str],
    flash: str,
) -> Response:
    try:
        page.api.post(path, body)
    except ApiError as error:
        if error.status >= 500 or error.status in (403, 404):
            raise
        return _page(
            page, errors=FormErrors.from_api(error, fields), status=422, form=form, which=which
        )
    return redirect(page, "/admin", flash=flash)


@router.post("/organizations")
def add_organization(page: SignedIn, form: Form) -> Response:
    """Register an organization."""
    body = {"name": str(form.get("name") or "").strip(), "kind": str(form.get("kind") or "")}
    return _submit(
        page,
        form,
        "org",
        "/identity/organizations",
        body,
        {"name": "org.name", "kind": "org.kind"},
        "org_added",
    )


@router.post("/members")
def add_member(page: SignedIn, form: Form) -> Response:
    """Enroll a member with roles."""
    fields = {
        k: f"member.{k}" for k in ("login", "display_name", "organization_id", "roles", "password")
    }
    return _submit(
        page, form, "member", "/identity/members", service.member_body(form), fields, "member_added"
    )


@router.post("/members/{member_id}/active")
def set_active(page: SignedIn, member_id: str, form: Form) -> Response:
    """Mark a member as left (or back)."""
    page.api.patch(f"/identity/members/{member_id}", {"active": form.get("active") == "yes"})
    return redirect(page, "/admin", flash="member_updated")


@router.post("/pledge-templates")
def add_template(page: SignedIn, form: Form) -> Response:
    """Publish a new version of a pledge text."""
    body = {
        "conference_kind": str(form.get("conference_kind") or ""),
        "text": str(form.get("text") or ""),
    }
    return _submit(
        page,
        form,
        "template",
        "/identity/pledge-templates",
        body,
        {"conference_kind": "template.conference_kind", "text": "template.text"},
        "template_added",
    )
