"""Minutes pages: read my minutes, and for coordinators write, review, approve; my Word copy."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from web.core.errors import ApiError, FormErrors
from web.core.page import Form, Page, SignedIn, download, redirect, render, role_page
from web.drafts import service as drafts
from web.meetings.check import labelled
from web.minutes import service

router = APIRouter(prefix="/meetings/{meeting_id}")
Coordinator = role_page("coordinator")


def minutes_page(
    page: Page,
    meeting_id: str,
    *,
    errors: FormErrors | None = None,
    status: int = 200,
    form: object = None,
    version: int | None = None,
) -> Response:
    """The minutes page: reader's view, review, and for coordinators the editor."""
    agenda = page.api.get(f"/agenda/meetings/{meeting_id}/agenda")
    pledge_valid = agenda.get("pledge_valid", False)
    # Without a pledge the minutes service refuses (403): the page says why and how to sign.
    minutes = service.view(page.api, meeting_id, version) if pledge_valid else None
    coordinator = page.has_role("coordinator")
    editable = (
        coordinator
        and version is None
        and minutes is not None
        and minutes["status"] in ("new", "draft")
    )
    # Text typed before a time-out comes back (the writer's own draft, opened for them only).
    restored = drafts.restore(page.api, _draft_form(meeting_id)) if editable and not form else None
    if restored is not None:
        form = restored.data
    extra = (
        service.editor_context(page.api, meeting_id)
        if coordinator
        else {"attendees": [], "people": {}, "orgs": {}}
    )
    found = service.check(page.api, meeting_id, minutes if coordinator and not version else None)
    if found["check"] is not None:
        found["check"] = labelled(found["check"], page.t)
    if not coordinator and minutes is not None:
        from web.core import directory

        extra["orgs"] = directory.organizations(page.api)
        extra["people"] = directory.people(page.api)
    return render(
        page,
        "minutes/minutes.html",
        status=status,
        errors=errors,
        nav="meetings",
        page_title=page.t("minutes.title"),
        meeting=agenda["meeting"],
        pledge_valid=pledge_valid,
        minutes=minutes,
        coordinator=coordinator,
        editable=editable,
        draft_restored=restored,
        me=page.me,
        comments=service.comments(page.api, meeting_id, minutes),
        separate_approver=page.request.app.state.settings.minutes_separate_approver,
        role_rows=service.ROLE_ROWS,
        # What was typed (a rejected save, a restored draft) is shown again, role rows too.
        typed_roles=service.typed_items(form, minutes) if editable and form else None,
        form=form,
        meeting_id=meeting_id,
        **found,
        **extra,
    )


def _draft_form(meeting_id: str) -> str:
    return f"/meetings/{meeting_id}/minutes"


@router.get("/minutes")
def read_minutes(
    page: SignedIn,
    meeting_id: str,
    version: Annotated[int | None, Query(ge=1, le=10000)] = None,
) -> Response:
    """The minutes as I may read them; coordinators get the editor while they are a draft."""
    return minutes_page(page, meeting_id, version=version)


@router.post("/minutes", dependencies=[Coordinator])
def save_draft(page: SignedIn, meeting_id: str, form: Form) -> Response:
    """Save the draft (tax spans are found on save)."""
    minutes = service.view(page.api, meeting_id)
    if minutes is None:
        raise ApiError(404, {"detail": page.t("error.not_found")})
    try:
        page.api.put(f"/minutes/meetings/{meeting_id}/minutes", service.draft_body(form, minutes))
    except ApiError as error:
        if error.status >= 500 or error.status in (403, 404):
            raise
        errors = service.draft_errors(error, minutes, form)
        return minutes_page(page, meeting_id, errors=errors, status=422, form=form)
    drafts.discard(page.api, _draft_form(meeting_id))
    return redirect(page, f"/meetings/{meeting_id}/minutes", flash="minutes_saved")


@router.post("/minutes/submit", dependencies=[Coordinator])
def submit(page: SignedIn, meeting_id: str, form: Form) -> Response:
    """Send the draft to the attendees for review."""
    page.api.post(f"/minutes/meetings/{meeting_id}/minutes/submit")
    return redirect(page, f"/meetings/{meeting_id}/minutes", flash="minutes_submitted")


@router.post("/minutes/approve", dependencies=[Coordinator])
def approve(page: SignedIn, meeting_id: str, form: Form) -> Response:
    """Approve the minutes in review: they become immutable."""
    try:
        page.api.post(f"/minutes/meetings/{meeting_id}/minutes/approve")
    except ApiError as error:
        if error.status != 409:
            raise
        return minutes_page(page, meeting_id, errors=FormErrors(general=[error.detail]), status=409)
    return redirect(page, f"/meetings/{meeting_id}/minutes", flash="minutes_approved")


@router.post("/minutes/correction", dependencies=[Coordinator])
def correction(page: SignedIn, meeting_id: str, form: Form) -> Response:
    """Start a corrected version with its reason (the approved one is kept)."""
    reason = str(form.get("reason") or "").strip()
    if not reason or len(reason) > 1000:
        errors = FormErrors(fields={"reason": [page.t("minutes.err_reason")]})
        return minutes_page(page, meeting_id, errors=errors, status=422, form=form)
    page.api.post(f"/minutes/meetings/{meeting_id}/minutes/corrections", {"reason": reason})
    return redirect(page, f"/meetings/{meeting_id}/minutes", flash="minutes_correction")


@router.post("/minutes/tax-marks", dependencies=[Coordinator])
def tax_mark(page: SignedIn, meeting_id: str, form: Form) -> Response:
    """Mark a phrase as tax data, unmark a span, or keep a suspect (audited by the service)."""
    item_id, field, action = (str(form.get(k) or "") for k in ("agenda_item_id", "field", "action"))
    start, end = str(form.get("start") or ""), str(form.get("end") or "")
    if action == "mark" and not (start.isdigit() and end.isdigit()):
        minutes = service.view(page.api, meeting_id) or {"items": []}
        item = next((i for i in minutes["items"] if i["agenda_item_id"] == item_id), {})
        span = service.find_span(str(item.get(field) or ""), str(form.get("phrase") or "").strip())
        if span is None:
            errors = FormErrors(
                fields={f"{item_id}.{field}.phrase": [page.t("minutes.phrase_not_found")]}
            )
            return minutes_page(page, meeting_id, errors=errors, status=422)
        start, end = str(span[0]), str(span[1])
    body = {
        "agenda_item_id": item_id,
        "field": field,
        "action": action,
        "start": int(start or 0),
        "end": int(end or 0),
    }
    try:
        page.api.post(f"/minutes/meetings/{meeting_id}/minutes/tax-marks", body)
    except ApiError as error:
        if error.status >= 500 or error.status in (403, 404):
            raise
        return minutes_page(page, meeting_id, errors=FormErrors(general=[error.detail]), status=422)
    flash = {"mark": "tax_marked", "keep": "suspect_kept"}.get(action, "tax_unmarked")
    return redirect(page, f"/meetings/{meeting_id}/minutes", flash=flash)


@router.get("/word")
def word_copy(page: SignedIn, meeting_id: str) -> Response:
    """My Word copy, fetched from the minutes service with my token and handed on as it came."""
    upstream = page.api.get(f"/minutes/meetings/{meeting_id}/minutes.docx", raw=True)
    return download(page, upstream)
