"""HTTP interface of the distribution check (配布前確認) and of distribution (配布)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from agenda.audit import record
from agenda.context import CoordinatorCtx
from agenda.distribution import service
from agenda.distribution.review import review_meeting
from agenda.meetings.service import get_meeting

router = APIRouter(prefix="/meetings", tags=["distribution"])


@router.get("/{meeting_id}/distribution")
def distribution_check(meeting_id: str, ctx: CoordinatorCtx) -> dict[str, Any]:
    """Every text on the agenda with its masks and open suspects, and the distribution status."""
    meeting = get_meeting(ctx.session, meeting_id)
    review = review_meeting(ctx, meeting)
    out = service.check_out(ctx.session, review)
    record(
        ctx.session,
        "meeting.distribution_check",
        ctx.caller.id,
        "meeting",
        meeting.id,
        items=[i.id for i in review.items],
        unresolved=out["unresolved"],
    )
    return out


@router.post("/{meeting_id}/distribute")
def distribute(meeting_id: str, ctx: CoordinatorCtx) -> dict[str, Any]:
    """Hand the agenda out to the invitees; 409 ``unresolved_suspects`` while any is open."""
    return service.distribute(ctx, get_meeting(ctx.session, meeting_id))
