"""HTTP interface of meetings, attendees and agenda items."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from agenda import marks
from agenda.audit import record
from agenda.cases.schemas import TaxMark
from agenda.context import CallerCtx, CoordinatorCtx
from agenda.meetings import (
    agenda_items,
    attendance,
    building,
    changes,
    checks,
    meeting_warnings,
    service,
)
from agenda.meetings.schemas import (
    AttendeesAdd,
    CheckOut,
    ItemCreate,
    ItemOut,
    ItemUpdate,
    MeetingCancel,
    MeetingCreate,
    MeetingOut,
    MeetingUpdate,
    Reorder,
)
from agenda.planner import service as planner

router = APIRouter(prefix="/meetings", tags=["meetings"])


@router.post("", response_model=MeetingOut, status_code=status.HTTP_201_CREATED)
def create_meeting(data: MeetingCreate, ctx: CoordinatorCtx) -> MeetingOut:
    """Schedule a meeting (or a series); warns of double bookings and invitees without a pledge."""
    times, recurrence = planner.series_times(data)
    made = service.create_meeting(ctx, data, times, recurrence)
    first = made[0]
    out = service.meeting_out(ctx.session, first, data.title)
    out.conflicts = [c for m in made for c in planner.meeting_conflicts(ctx.session, m)]
    out.warnings = meeting_warnings.pledge_warnings(
        ctx, first.kind, [a.member_id for a in data.attendees]
    ) + planner.conflict_warnings(out.conflicts)
    out.series = [m.id for m in made]
    return out


@router.post("/check", response_model=CheckOut)
def check_new_meeting(data: MeetingCreate, ctx: CoordinatorCtx) -> CheckOut:
    """Before scheduling: past dates, closed days, double bookings, room clashes (saves nothing)."""
    times, _ = planner.series_times(data)
    return checks.check(ctx.session, times, data.place, [a.member_id for a in data.attendees])


@router.get("", response_model=list[MeetingOut])
def list_meetings(ctx: CallerCtx) -> list[MeetingOut]:
    """The caller's meetings: coordinators all, members those they are invited to."""
    meetings = service.list_meetings(ctx)
    reasons = changes.cancel_reasons(ctx, meetings)
    titles = service.shown_titles(ctx, meetings)
    return [
        service.meeting_out(
            ctx.session, m, titles[m.id], with_attendees=ctx.caller.is_coordinator
        ).model_copy(update={"cancel_reason": reasons.get(m.id)})
        for m in meetings
    ]


@router.get("/{meeting_id}", response_model=MeetingOut)
def get_meeting(meeting_id: str, ctx: CallerCtx) -> MeetingOut:
    """One meeting (coordinators, or its invitees); a cancelled one with the reason."""
    meeting = service.visible_meeting(ctx, meeting_id)
    title = service.shown_titles(ctx, [meeting])[meeting.id]
    out = service.meeting_out(ctx.session, meeting, title, with_attendees=ctx.caller.is_coordinator)
    out.cancel_reason = changes.cancel_reasons(ctx, [meeting]).get(meeting.id)
    return out


@router.post("/{meeting_id}/check", response_model=CheckOut)
def check_change(meeting_id: str, data: MeetingUpdate, ctx: CoordinatorCtx) -> CheckOut:
    """Before moving a meeting (or its series onwards): what to confirm (saves nothing)."""
    meeting = changes.require_scheduled(service.get_meeting(ctx.session, meeting_id))
    planned = changes.planned_times(ctx.session, meeting, data)
    members = [a.member_id for a in service.attendees_of(ctx.session, meeting.id)]
    return checks.check(
        ctx.session,
        [(s, e) for _, s, e in planned],
        data.place or meeting.place,
        members,
        ignore=[m.id for m, _, _ in planned],
    )


@router.patch("/{meeting_id}", response_model=MeetingOut)
def update_meeting(meeting_id: str, data: MeetingUpdate, ctx: CoordinatorCtx) -> MeetingOut:
    """Edit, move or postpone; ``scope`` "following" changes the series from this meeting on."""
    meeting = service.get_meeting(ctx.session, meeting_id)
    changed = changes.update(ctx, meeting, data)
    out = service.meeting_out(ctx.session, meeting, service.shown_title(ctx, meeting))
    out.conflicts = [c for m in changed for c in planner.meeting_conflicts(ctx.session, m)]
    out.warnings = planner.conflict_warnings(out.conflicts) + meeting_warnings.time_warnings(
        ctx.session, meeting
    )
    out.changed = [m.id for m in changed]
    return out


@router.post("/{meeting_id}/cancel", response_model=MeetingOut)
def cancel_meeting(meeting_id: str, data: MeetingCancel, ctx: CoordinatorCtx) -> MeetingOut:
    """Cancel (中止) with a reason; invitees see it and their invitation becomes a CANCEL."""
    meeting = service.get_meeting(ctx.session, meeting_id)
    done = changes.cancel(ctx, meeting, data)
    out = service.meeting_out(ctx.session, meeting, service.shown_title(ctx, meeting))
    out.cancel_reason = data.reason
    out.changed = [m.id for m in done]
    return out


@router.post("/{meeting_id}/attendees", response_model=MeetingOut)
def add_attendees(meeting_id: str, data: AttendeesAdd, ctx: CoordinatorCtx) -> MeetingOut:
    """Invite members (general members with the cases they are invited for)."""
    meeting = service.get_meeting(ctx.session, meeting_id)
    warnings = attendance.add_attendees(ctx, meeting, data.attendees)
    out = service.meeting_out(ctx.session, meeting, service.shown_title(ctx, meeting))
    out.warnings = warnings
    return out


@router.delete("/{meeting_id}/attendees/{member_id}", status_code=status.HTTP_204_NO_CONTENT)
def remove_attendee(meeting_id: str, member_id: str, ctx: CoordinatorCtx) -> Response:
    """Uninvite a member; their keys for this meeting's items are deleted."""
    attendance.remove_attendee(ctx, service.get_meeting(ctx.session, meeting_id), member_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{meeting_id}/items", response_model=ItemOut, status_code=status.HTTP_201_CREATED)
def add_item(meeting_id: str, data: ItemCreate, ctx: CoordinatorCtx) -> ItemOut:
    """Put a case on the agenda; warns of invitees outside consent scope or without pledge."""
    meeting = service.get_meeting(ctx.session, meeting_id)
    item, warnings = agenda_items.add_item(ctx, meeting, data)
    return agenda_items.item_out(item, agenda_items.open_items(ctx, meeting, [item]), warnings)


@router.get("/{meeting_id}/items", response_model=list[ItemOut])
def list_items(meeting_id: str, ctx: CoordinatorCtx) -> list[ItemOut]:
    """The agenda as the coordinator's keys open it."""
    meeting = service.get_meeting(ctx.session, meeting_id)
    items = service.items_of(ctx.session, meeting.id)
    opened, failed = agenda_items.open_item_list(ctx, meeting, items)
    record(ctx.session, "item.list", ctx.caller.id, "meeting", meeting.id, items=len(items))
    return [agenda_items.item_out(i, opened, unreadable=i.id in failed) for i in items]


@router.post("/{meeting_id}/items/reorder", response_model=list[ItemOut])
def reorder_items(meeting_id: str, data: Reorder, ctx: CoordinatorCtx) -> list[ItemOut]:
    """Set the agenda order."""
    meeting = service.get_meeting(ctx.session, meeting_id)
    return [agenda_items.item_out(i, {}) for i in agenda_items.reorder(ctx, meeting, data.item_ids)]


@router.put("/{meeting_id}/items/order", response_model=list[ItemOut])
def set_item_order(meeting_id: str, data: Reorder, ctx: CoordinatorCtx) -> list[ItemOut]:
    """Set the agenda order from the full list of item ids; a stale or partial list is a 409."""
    meeting = service.get_meeting(ctx.session, meeting_id)
    return [agenda_items.item_out(i, {}) for i in building.set_order(ctx, meeting, data.item_ids)]


@router.patch("/{meeting_id}/items/{item_id}", response_model=ItemOut)
def update_item(meeting_id: str, item_id: str, data: ItemUpdate, ctx: CoordinatorCtx) -> ItemOut:
    """Change an item's purpose, minutes, order, presenter or briefing."""
    meeting = service.get_meeting(ctx.session, meeting_id)
    item = agenda_items.get_item(ctx.session, meeting, item_id)
    warnings = agenda_items.update_item(ctx, meeting, item, data)
    return agenda_items.item_out(item, agenda_items.open_items(ctx, meeting, [item]), warnings)


@router.delete("/{meeting_id}/items/{item_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_item(meeting_id: str, item_id: str, ctx: CoordinatorCtx) -> Response:
    """Take an item off the agenda."""
    meeting = service.get_meeting(ctx.session, meeting_id)
    agenda_items.delete_item(ctx, meeting, agenda_items.get_item(ctx.session, meeting, item_id))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/{meeting_id}/items/{item_id}/tax-marks", response_model=ItemOut)
def tax_mark(meeting_id: str, item_id: str, data: TaxMark, ctx: CoordinatorCtx) -> ItemOut:
    """Mark or unmark a tax span in an item's briefing (offsets in the full text; audited)."""
    meeting = service.get_meeting(ctx.session, meeting_id)
    item = agenda_items.get_item(ctx.session, meeting, item_id)
    marks.mark_item(ctx, meeting, item, data)
    return agenda_items.item_out(item, agenda_items.open_items(ctx, meeting, [item]))
