"""The pledge pages: my signed pledges, and the text to read and sign before any case content."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from web.core import directory
from web.core.errors import ApiError
from web.core.page import Form, SignedIn, redirect, render, safe_next
from web.pledges import service

router = APIRouter(prefix="/pledges")


@router.get("")
def my_pledges(page: SignedIn) -> Response:
    """The signed-pledge records (version, SHA-256, signed at, valid until) and what is missing."""
    pledges = directory.my_pledges(page.api, page.me["id"])
    return render(
        page,
        "pledges/list.html",
        nav="pledges",
        page_title=page.t("pledge.title"),
        pledges=pledges,
        valid_kinds=directory.valid_kinds(pledges),
        kinds=directory.KINDS,
    )


@router.get("/{kind}")
def pledge_form(page: SignedIn, kind: str, next: str | None = None) -> Response:  # noqa: A002 - the query's name
    """The pledge text of a kind and the form to sign it."""
    if kind not in directory.KINDS:
        raise ApiError(404, {"detail": page.t("error.not_found")})
    template = service.current_template(page.api, kind)
    if template is None:
        raise ApiError(404, {"detail": page.t("pledge.no_template")})
    valid = kind in directory.valid_kinds(directory.my_pledges(page.api, page.me["id"]))
    return render(
        page,
        "pledges/sign.html",
        nav="pledges",
        page_title=page.t("pledge.sign_title", kind=page.t(f"kind.{kind}")),
        kind=kind,
        template=template,
        valid=valid,
        next_path=safe_next(next, "/pledges"),
    )


@router.post("/{kind}")
def sign_pledge(page: SignedIn, kind: str, form: Form) -> Response:
    """Sign the current text (the member for themself), then go back where they came from."""
    next_path = safe_next(form.get("next"), "/pledges")
    template = service.current_template(page.api, kind) if kind in directory.KINDS else None
    if template is None or form.get("template_id") != template["id"]:
        # The text changed while the person read it: show the new one.
        return redirect(page, f"/pledges/{kind}?next={next_path}", flash="err_pledge_changed")
    if form.get("agree") != "yes":
        return redirect(page, f"/pledges/{kind}?next={next_path}", flash="err_pledge_agree")
    service.sign(page.api, page.me["id"], template["id"])
    return redirect(page, next_path, flash="pledge_signed")
