"""The agenda's print view: the reader's own redacted agenda with 取扱注意, invitees, date."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from web.core import directory
from web.core.page import SignedIn, render
from web.core.printing import print_context

router = APIRouter(prefix="/meetings")


@router.get("/{meeting_id}/print")
def agenda_print(page: SignedIn, meeting_id: str) -> Response:
    """The agenda as I may see it, laid out for paper (page numbers from the print CSS)."""
    view = page.api.get(f"/agenda/meetings/{meeting_id}/agenda")
    return render(
        page,
        "meetings/agenda_print.html",
        page_title=page.t("print.agenda_title"),
        view=view,
        meeting=view["meeting"],
        people=directory.people(page.api),
        orgs=directory.organizations(page.api),
        **print_context(page, f"/meetings/{meeting_id}", "print.notice"),
    )
