"""HTTP interface of the member's agenda view and calendar invitation."""

from __future__ import annotations

from fastapi import APIRouter, Response
from pydantic_core import to_json

from agenda.context import CallerCtx
from agenda.view import service

router = APIRouter(prefix="/meetings", tags=["agenda view"])


@router.get("/{meeting_id}/agenda", response_model=dict)
def agenda_view(meeting_id: str, ctx: CallerCtx) -> Response:
    """The caller's agenda: time and place always; case content as far as their keys open it."""
    # The JSON FastAPI would write (pydantic's), without checking the plain dict again in
    # another worker thread first.
    view = service.agenda_view(ctx, meeting_id)
    return Response(to_json(view), media_type="application/json")


@router.get("/{meeting_id}/invitation.ics", response_class=Response)
def invitation(meeting_id: str, ctx: CallerCtx) -> Response:
    """The caller's calendar invitation: time and place only, neutral title, no case data."""
    body = service.invitation(ctx, meeting_id)
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="invitation.ics"'},
    )
