"""Meeting pages: my meetings, my agenda, and for coordinators scheduling and the agenda."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from web.core import directory
from web.core.errors import ApiError, FormErrors
from web.core.page import Form, Page, SignedIn, redirect, render, role_page
from web.drafts import service as drafts
from web.meetings import service

router = APIRouter(prefix="/meetings")
Coordinator = role_page("coordinator")


@router.get("")
def list_meetings(page: SignedIn) -> Response:
    """Every meeting I am invited to (coordinators: every meeting)."""
    meetings = sorted(page.api.get("/agenda/meetings"), key=lambda m: m["starts_at"], reverse=True)
    valid = directory.valid_kinds(directory.my_pledges(page.api, page.me["id"]))
    return render(
        page,
        "meetings/list.html",
        nav="meetings",
        page_title=page.t("meeting.list_title"),
        meetings=meetings,
        valid_kinds=valid,
    )


def _new_page(
    page: Page,
    form: Any = None,
    *,
    errors: FormErrors | None = None,
    slots: list | None = None,
    status: int = 200,
    check: list[str] | None = None,
) -> Response:
    values = form or {}
    picked = set(values.getlist("attendees")) if hasattr(values, "getlist") else set()
    return render(
        page,
        "meetings/new.html",
        status=status,
        errors=errors,
        nav="meetings",
        page_title=page.t("meeting.new"),
        form=values,
        picked=picked,
        people=service.picker(page.api),
        slots=slots,
        kinds=directory.KINDS,
        check=check,
    )


@router.get("/new", dependencies=[Coordinator])
def new_meeting_form(page: SignedIn) -> Response:
    """The scheduling form: kind, regular or ad hoc, time, place, attendees with pledge status."""
    return _new_page(page)


@router.post("/new", dependencies=[Coordinator])
def new_meeting(page: SignedIn, form: Form) -> Response:
    """Propose free slots, or schedule the meeting."""
    if form.get("action") == "find_slots":
        try:
            slots = service.free_slots(page.api, form)
        except ApiError as error:
            return _new_page(
                page,
                form,
                errors=FormErrors.from_api(
                    error, {"member_id": "attendees", "duration_minutes": "end_time"}
                ),
                status=422,
            )
        return _new_page(page, form, slots=slots)
    body, errors = service.meeting_body(form, page.t)
    if errors:
        return _new_page(page, form, errors=errors, status=422)
    try:
        if form.get("confirmed") != "1":
            found = page.api.post("/agenda/meetings/check", body)
            if found["needs_confirmation"]:
                lines = service.check_lines(found, directory.people(page.api), page.t)
                return _new_page(page, form, check=lines)
        created = page.api.post("/agenda/meetings", body)
    except ApiError as error:
        if error.status >= 500:
            raise
        return _new_page(
            page, form, errors=FormErrors.from_api(error, service.MEETING_FIELDS), status=422
        )
    return redirect(page, f"/meetings/{created['id']}/manage", flash="meeting_created")


@router.get("/{meeting_id}")
def agenda(page: SignedIn, meeting_id: str) -> Response:
    """The agenda as I may see it: redacted parts say why; without a pledge, time and place only."""
    view = page.api.get(f"/agenda/meetings/{meeting_id}/agenda")
    return render(
        page,
        "meetings/agenda.html",
        nav="meetings",
        page_title=page.t("meeting.agenda_title"),
        view=view,
        meeting=view["meeting"],
        meeting_id=meeting_id,
    )


def _manage_page(
    page: Page,
    meeting_id: str,
    *,
    errors: FormErrors | None = None,
    status: int = 200,
    item_form: Any = None,
    duplicate: bool = False,
    restored: Any = None,
) -> Response:
    data = service.management(page.api, meeting_id)
    return render(
        page,
        "meetings/manage.html",
        status=status,
        errors=errors,
        nav="meetings",
        page_title=page.t("meeting.manage_link"),
        item_form=item_form or {},
        duplicate=duplicate,
        draft_restored=restored,
        **data,
    )


@router.get("/{meeting_id}/manage", dependencies=[Coordinator])
def manage(page: SignedIn, meeting_id: str) -> Response:
    """The coordinator's meeting: attendees and pledges, warnings, conflicts, the agenda items."""
    restored = drafts.restore(page.api, f"/meetings/{meeting_id}/items")
    return _manage_page(
        page, meeting_id, item_form=restored.data if restored else None, restored=restored
    )


@router.post("/{meeting_id}/attendees", dependencies=[Coordinator])
def add_attendees(page: SignedIn, meeting_id: str, form: Form) -> Response:
    """Invite more members."""
    ids = [m for m in form.getlist("attendees") if isinstance(m, str)]
    if not ids:
        errors = FormErrors(fields={"attendees": [page.t("meeting.err_pick")]})
        return _manage_page(page, meeting_id, errors=errors, status=422)
    page.api.post(
        f"/agenda/meetings/{meeting_id}/attendees",
        {"attendees": [{"member_id": m, "required": True} for m in ids]},
    )
    return redirect(page, f"/meetings/{meeting_id}/manage", flash="attendees_added")


@router.post("/{meeting_id}/attendees/{member_id}/remove", dependencies=[Coordinator])
def remove_attendee(page: SignedIn, meeting_id: str, member_id: str, form: Form) -> Response:
    """Uninvite a member (their keys for this meeting are deleted)."""
    page.api.delete(f"/agenda/meetings/{meeting_id}/attendees/{member_id}")
    return redirect(page, f"/meetings/{meeting_id}/manage", flash="attendee_removed")


@router.post("/{meeting_id}/resync", dependencies=[Coordinator])
def resync(page: SignedIn, meeting_id: str, form: Form) -> Response:
    """Hand out content keys again to invitees now entitled (e.g. after signing a pledge)."""
    service.resync(page.api, page.api.get(f"/agenda/meetings/{meeting_id}"))
    return redirect(page, f"/meetings/{meeting_id}/manage", flash="keys_resynced")


@router.post("/{meeting_id}/items", dependencies=[Coordinator])
def add_item(page: SignedIn, meeting_id: str, form: Form) -> Response:
    """Put a case on the agenda."""
    body, errors = service.item_body(form, page.t, new=True)
    if errors:
        return _manage_page(page, meeting_id, errors=errors, status=422, item_form=form)
    try:
        page.api.post(f"/agenda/meetings/{meeting_id}/items", body)
    except ApiError as error:
        if error.status >= 500 or error.status == 404:
            raise
        if error.code == "duplicate_case":  # ask first, keeping what was typed
            return _manage_page(page, meeting_id, status=409, item_form=form, duplicate=True)
        return _manage_page(
            page,
            meeting_id,
            errors=FormErrors.from_api(error, service.ITEM_FIELDS),
            status=422,
            item_form=form,
        )
    drafts.discard(page.api, f"/meetings/{meeting_id}/items")
    return redirect(page, f"/meetings/{meeting_id}/manage", flash="item_added")


@router.post("/{meeting_id}/items/{item_id}", dependencies=[Coordinator])
def update_item(page: SignedIn, meeting_id: str, item_id: str, form: Form) -> Response:
    """Change an item's order, purpose, minutes or briefing."""
    body, errors = service.item_body(form, page.t, new=False)
    if not errors:
        try:
            page.api.patch(f"/agenda/meetings/{meeting_id}/items/{item_id}", body)
        except ApiError as error:
            if error.status >= 500 or error.status == 404:
                raise
            errors = FormErrors.from_api(error, {})
    if errors:
        errors.general = [*errors.general, *(m for ms in errors.fields.values() for m in ms)]
        errors.fields = {}
        return _manage_page(page, meeting_id, errors=errors, status=422)
    return redirect(page, f"/meetings/{meeting_id}/manage", flash="item_updated")


@router.post("/{meeting_id}/items/{item_id}/delete", dependencies=[Coordinator])
def delete_item(page: SignedIn, meeting_id: str, item_id: str, form: Form) -> Response:
    """Take an item off the agenda (the confirmation page posts here)."""
    try:
        page.api.delete(f"/agenda/meetings/{meeting_id}/items/{item_id}")
    except ApiError as error:
        if error.status != 404:
            raise
        # Removed already (a second click, another tab): say so instead of an error page.
        return redirect(page, f"/meetings/{meeting_id}/manage", flash="err_item_gone")
    return redirect(page, f"/meetings/{meeting_id}/manage", flash="item_deleted")
