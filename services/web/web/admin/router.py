"""Admin pages: organizations, members (organization, roles, departure), sign-in locks,
everyone's pledges, pledge texts and key status."""

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
    data = service.overview(page.api)
    return render(
        page,
        "admin/overview.html",
        status=status,
        errors=errors,
        nav="admin",
        page_title=page.t("admin.title"),
        form=form or {},
        which=which,
        org_kind_options=[(k, page.t(f"orgkind.{k}")) for k in service.ORG_KINDS],
        roles=service.ROLES,
        org_options=[(o["id"], o["name"]) for o in data["orgs"]],
        **data,
    )


@router.get("")
def admin_home(page: SignedIn) -> Response:
    """The admin overview."""
    return _page(page)


def _refused(error: ApiError) -> bool:
    return error.status >= 500 or error.status in (401, 403, 404)


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
        if _refused(error):
            raise
        return _page(
            page, errors=FormErrors.from_api(error, fields), status=422, form=form, which=which
        )
    return redirect(page, "/admin", flash=flash)


@router.post("/organizations")
def add_organization(page: SignedIn, form: Form) -> Response:
    """Register an organization."""
    body = {"name": str(form.get("name") or "").strip(), "kind": str(form.get("kind") or "")}
    if not body["name"]:
        errors = FormErrors(fields={"org.name": [page.t("admin.err_org_name")]})
        return _page(page, errors=errors, status=422, form=form, which="org")
    return _submit(
        page,
        form,
        "org",
        "/identity/organizations",
        body,
        {"name": "org.name", "kind": "org.kind"},
        "org_added",
    )


def _org_ids(page: Page) -> set[str]:
    return {o["id"] for o in page.api.get("/identity/organizations")}


@router.post("/members")
def add_member(page: SignedIn, form: Form) -> Response:
    """Enroll a member with roles and an initial password (changed at first sign-in)."""
    errors = service.member_errors(form, page.t, new=True, org_ids=_org_ids(page))
    if errors:
        return _page(page, errors=errors, status=422, form=form, which="member")
    body = service.member_body(form, new=True)
    return _submit(
        page, form, "member", "/identity/members", body, service.MEMBER_FIELDS, "member_added"
    )


def _member_page(
    page: Page,
    member_id: str,
    errors: FormErrors | None = None,
    status: int = 200,
    form: Any = None,
) -> Response:
    member = page.api.get(f"/identity/members/{member_id}")
    lock = next((x for x in page.api.get("/identity/locks") if x["member_id"] == member_id), None)
    return render(
        page,
        "admin/member.html",
        status=status,
        errors=errors,
        nav="admin",
        page_title=page.t("admin.member_title"),
        member=member,
        lock=lock,
        form=form,
        org_options=[
            (o["id"], o["name"])
            for o in sorted(page.api.get("/identity/organizations"), key=lambda o: o["name"])
        ],
        roles=service.ROLES,
    )


@router.get("/members/{member_id}")
def member_form(page: SignedIn, member_id: str) -> Response:
    """One member: name, organization, roles, initial password, departure, lock."""
    return _member_page(page, member_id)


@router.post("/members/{member_id}")
def update_member(page: SignedIn, member_id: str, form: Form) -> Response:
    """Change a member's name, organization and roles (and give a new initial password)."""
    errors = service.member_errors(form, page.t, new=False, org_ids=_org_ids(page))
    if not errors:
        try:
            page.api.patch(f"/identity/members/{member_id}", service.member_body(form, new=False))
        except ApiError as error:
            if _refused(error):
                raise
            errors = FormErrors.from_api(error, service.MEMBER_FIELDS)
    if errors:
        return _member_page(page, member_id, errors, 422, form)
    return redirect(page, f"/admin/members/{member_id}", flash="member_updated")


@router.post("/members/{member_id}/active")
def set_active(page: SignedIn, member_id: str, form: Form) -> Response:
    """Departure (after a confirmation) or return of a member."""
    leaving = form.get("active") != "yes"
    if leaving and form.get("confirm") != "yes":
        errors = FormErrors(fields={"confirm": [page.t("admin.err_confirm_leave")]})
        return _member_page(page, member_id, errors, 422)
    page.api.patch(f"/identity/members/{member_id}", {"active": not leaving})
    return redirect(
        page, f"/admin/members/{member_id}", flash="member_left" if leaving else "member_back"
    )


@router.post("/locks/{member_id}/lift")
def lift_lock(page: SignedIn, member_id: str, form: Form) -> Response:
    """Let a member sign in again at once."""
    page.api.delete(f"/identity/locks/{member_id}")
    back = "/admin" if form.get("back") == "overview" else f"/admin/members/{member_id}"
    return redirect(page, back, flash="lock_lifted")


@router.get("/pledges")
def pledges(page: SignedIn) -> Response:
    """Everyone's pledge for each conference kind."""
    return render(
        page,
        "admin/pledges.html",
        nav="admin",
        page_title=page.t("admin.pledges_title"),
        rows=service.pledge_table(page.api),
        kinds=service.KINDS,
        orgs={o["id"]: o["name"] for o in page.api.get("/identity/organizations")},
    )


@router.post("/pledge-templates")
def add_template(page: SignedIn, form: Form) -> Response:
    """Publish a new version of a pledge text."""
    body = {
        "conference_kind": str(form.get("conference_kind") or ""),
        "text": str(form.get("text") or ""),
    }
    if len(body["text"].strip()) < 20:
        errors = FormErrors(fields={"template.text": [page.t("admin.err_template")]})
        return _page(page, errors=errors, status=422, form=form, which="template")
    return _submit(
        page,
        form,
        "template",
        "/identity/pledge-templates",
        body,
        {"conference_kind": "template.conference_kind", "text": "template.text"},
        "template_added",
    )
