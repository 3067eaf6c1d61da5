"""HTTP interface of scheduling help: conflicts, free slots, the due list (coordinators)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import AwareDatetime

from agenda.context import CoordinatorCtx
from agenda.meetings.service import get_meeting
from agenda.planner import service
from agenda.schemas_common import PURPOSE_LABELS

router = APIRouter(tags=["scheduling"])
REASON_LABELS = {
    "monitoring": "モニタリング時期",
    "plan_review": "役割の期限",
    "no_plan": "プラン未策定",
}


@router.get("/meetings/{meeting_id}/conflicts")
def conflicts(meeting_id: str, ctx: CoordinatorCtx) -> list[dict]:
    """Attendees of this meeting who are booked elsewhere at the same time."""
    return service.meeting_conflicts(ctx.session, get_meeting(ctx.session, meeting_id))


@router.get("/scheduling/free-slots")
def free_slots(
    ctx: CoordinatorCtx,
    window_start: Annotated[AwareDatetime, Query(alias="from")],
    window_end: Annotated[AwareDatetime, Query(alias="to")],
    duration_minutes: Annotated[int, Query(ge=15, le=480)],
    member_id: Annotated[list[str], Query(max_length=200)] = [],  # noqa: B006 - FastAPI reads the default
    required: Annotated[list[str], Query(max_length=200)] = [],  # noqa: B006
    step_minutes: Annotated[int, Query(ge=5, le=240)] = 30,
    limit: Annotated[int, Query(ge=1, le=50)] = 5,
) -> dict:
    """Earliest times (weekdays 9:00–17:00 JST, not over lunch) when every listed member is free.

    ``member_id`` and ``required`` (both repeatable) name the members who must be free.
    """
    members = list(dict.fromkeys([*member_id, *required]))
    return {
        "member_ids": members,
        "slots": service.free_slots(
            ctx.session, members, window_start, window_end, duration_minutes, step_minutes, limit
        ),
    }


@router.get("/due")
def due(ctx: CoordinatorCtx, days: Annotated[int, Query(ge=0, le=366)] = 14) -> list[dict]:
    """Cases for the next agenda: monitoring or role due dates near, active cases with no plan."""
    return [
        i
        | {
            "reason_label": REASON_LABELS[i["reason"]],
            "purpose_label": PURPOSE_LABELS[i["suggested_purpose"]],
        }
        for i in service.due_list(ctx.session, days)
    ]
