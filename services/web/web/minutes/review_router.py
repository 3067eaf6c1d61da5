"""Minutes review pages: attendees confirm and comment; everyone sees the version history."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from web.core import directory
from web.core.errors import ApiError, FormErrors
from web.core.page import Form, SignedIn, redirect, render
from web.minutes.router import minutes_page

router = APIRouter(prefix="/meetings/{meeting_id}")


@router.post("/minutes/confirm")
def confirm(page: SignedIn, meeting_id: str, form: Form) -> Response:
    """「確認しました」 for the version in review."""
    version = str(form.get("version") or "")
    back = f"/meetings/{meeting_id}/minutes" + (f"?version={version}" if version.isdigit() else "")
    try:
        page.api.post(f"/minutes/meetings/{meeting_id}/minutes/confirmations")
    except ApiError as error:
        if error.status not in (403, 409):
            raise
        return minutes_page(page, meeting_id, errors=FormErrors(general=[error.detail]), status=409)
    return redirect(page, back, flash="minutes_confirmed")


@router.post("/minutes/comments")
def comment(page: SignedIn, meeting_id: str, form: Form) -> Response:
    """A review comment on the version in review."""
    text = str(form.get("text") or "").strip()
    version = str(form.get("version") or "")
    chosen = int(version) if version.isdigit() and 0 < int(version) <= 10000 else None
    if not text or len(text) > 4000:
        errors = FormErrors(fields={"text": [page.t("form.missing")]})
        return minutes_page(page, meeting_id, errors=errors, status=422, form=form, version=chosen)
    try:
        page.api.post(f"/minutes/meetings/{meeting_id}/minutes/comments", {"text": text})
    except ApiError as error:
        if error.status not in (403, 409):
            raise
        errors = FormErrors(general=[error.detail])
        return minutes_page(page, meeting_id, errors=errors, status=409, version=chosen)
    back = f"/meetings/{meeting_id}/minutes" + (f"?version={chosen}" if chosen else "")
    return redirect(page, back, flash="minutes_commented")


@router.get("/minutes/versions")
def versions(page: SignedIn, meeting_id: str) -> Response:
    """Every version I may know of: who wrote, submitted and approved it, and why it changed."""
    agenda = page.api.get(f"/agenda/meetings/{meeting_id}/agenda")
    rows = page.api.get(f"/minutes/meetings/{meeting_id}/minutes/versions")
    return render(
        page,
        "minutes/minutes_versions.html",
        nav="meetings",
        page_title=page.t("minutes.versions"),
        meeting=agenda["meeting"],
        meeting_id=meeting_id,
        versions=rows,
        people=directory.people(page.api),
    )
