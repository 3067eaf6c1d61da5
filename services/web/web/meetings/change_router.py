"""Changing a meeting from the pages: move or postpone (confirmed first), cancel with a reason."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from kasane_shared.wareki import JST
from web.core import directory
from web.core.errors import ApiError, FormErrors
from web.core.page import Form, Page, SignedIn, download, redirect, render, role_page
from web.meetings import service

router = APIRouter(prefix="/meetings")
Coordinator = role_page("coordinator")
EDIT_FIELDS = {
    "starts_at": "start_time",
    "ends_at": "end_time",
    "place": "place",
    "title": "title",
    "online_url": "online_url",
    "reason": "reason",
    "scope": "scope",
}


def _edit_values(meeting: dict[str, Any]) -> dict[str, str]:
    starts = datetime.fromisoformat(meeting["starts_at"]).astimezone(JST)
    ends = datetime.fromisoformat(meeting["ends_at"]).astimezone(JST)
    return {
        "title": meeting["title"],
        "date": starts.date().isoformat(),
        "start_time": starts.strftime("%H:%M"),
        "end_time": ends.strftime("%H:%M"),
        "place": meeting["place"],
        "online_url": meeting.get("online_url") or "",
        "scope": "this",
    }


def _edit_page(
    page: Page,
    meeting: dict[str, Any],
    form: Any = None,
    *,
    errors: FormErrors | None = None,
    check: list[str] | None = None,
    status: int = 200,
) -> Response:
    return render(
        page,
        "meetings/edit.html",
        status=status,
        errors=errors,
        nav="meetings",
        page_title=page.t("meeting.edit"),
        meeting=meeting,
        form=form or _edit_values(meeting),
        check=check,
    )


@router.get("/{meeting_id}/edit", dependencies=[Coordinator])
def edit_form(page: SignedIn, meeting_id: str) -> Response:
    """Move, postpone or rename a meeting (this one or the series onwards)."""
    return _edit_page(page, page.api.get(f"/agenda/meetings/{meeting_id}"))


def _change_body(form: Any, t: Any) -> tuple[dict[str, Any], FormErrors]:
    day = service.parse_date(service.text(form, "date"))
    start = service.parse_time(service.text(form, "start_time"))
    end = service.parse_time(service.text(form, "end_time"))
    errors = FormErrors()
    if day is None:
        errors.add("date", t("meeting.err_date"))
    for name, value in (("start_time", start), ("end_time", end)):
        if value is None:
            errors.add(name, t("meeting.err_time"))
    for name in ("title", "place"):
        if not service.text(form, name):
            errors.add(name, t("form.enter", label=t(f"meeting.{name}")))
    body: dict[str, Any] = {
        "title": service.text(form, "title"),
        "place": service.text(form, "place"),
        "online_url": service.text(form, "online_url") or None,
        "scope": "following" if service.text(form, "scope") == "following" else "this",
    }
    if day and start and end:
        body["starts_at"] = datetime.combine(day, start, JST).isoformat()
        body["ends_at"] = datetime.combine(day, end, JST).isoformat()
    return body, errors


@router.post("/{meeting_id}/edit", dependencies=[Coordinator])
def edit(page: SignedIn, meeting_id: str, form: Form) -> Response:
    """Save the change after the coordinator confirmed clashes, closed days or a past date."""
    meeting = page.api.get(f"/agenda/meetings/{meeting_id}")
    body, errors = _change_body(form, page.t)
    if errors:
        return _edit_page(page, meeting, form, errors=errors, status=422)
    path = f"/agenda/meetings/{meeting_id}"
    try:
        if form.get("confirmed") != "1":
            found = page.api.post(f"{path}/check", body)
            if found["needs_confirmation"]:
                lines = service.check_lines(found, directory.people(page.api), page.t)
                return _edit_page(page, meeting, form, check=lines)
        page.api.patch(path, body)
    except ApiError as error:
        if error.status >= 500 or error.status == 404:
            raise
        errors = FormErrors.from_api(error, EDIT_FIELDS)
        return _edit_page(page, meeting, form, errors=errors, status=422)
    return redirect(page, f"/meetings/{meeting_id}/manage", flash="meeting_updated")


def _cancel_page(page: Page, meeting: dict[str, Any], form: Any = None, **extra: Any) -> Response:
    return render(
        page,
        "meetings/cancel.html",
        nav="meetings",
        page_title=page.t("meeting.cancel_title"),
        meeting=meeting,
        form=form or {"scope": "this"},
        **extra,
    )


@router.get("/{meeting_id}/cancel", dependencies=[Coordinator])
def cancel_form(page: SignedIn, meeting_id: str) -> Response:
    """What cancelling does, the reason and which meetings: the confirm step itself."""
    return _cancel_page(page, page.api.get(f"/agenda/meetings/{meeting_id}"))


@router.post("/{meeting_id}/cancel", dependencies=[Coordinator])
def cancel(page: SignedIn, meeting_id: str, form: Form) -> Response:
    """Cancel with the reason invitees will read."""
    reason = service.text(form, "reason")
    scope = "following" if service.text(form, "scope") == "following" else "this"
    try:
        page.api.post(f"/agenda/meetings/{meeting_id}/cancel", {"reason": reason, "scope": scope})
    except ApiError as error:
        if error.status >= 500 or error.status == 404:
            raise
        meeting = page.api.get(f"/agenda/meetings/{meeting_id}")
        errors = FormErrors.from_api(error, EDIT_FIELDS)
        return _cancel_page(page, meeting, form, errors=errors, status=422)
    return redirect(page, f"/meetings/{meeting_id}/manage", flash="meeting_cancelled")


@router.get("/{meeting_id}/invitation.ics")
def invitation(page: SignedIn, meeting_id: str) -> Response:
    """My calendar invitation (a CANCEL once the meeting is cancelled), fetched with my token."""
    upstream = page.api.get(f"/agenda/meetings/{meeting_id}/invitation.ics", raw=True)
    return download(page, upstream)
