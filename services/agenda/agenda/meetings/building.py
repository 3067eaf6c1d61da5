"""Agenda building: the whole order at once (refused when stale) and the duplicate-case check."""

from __future__ import annotations

from sqlalchemy import select

from agenda.audit import record
from agenda.errors import invalid
from agenda.keys.service import KeyContext
from agenda.meetings.changes import require_scheduled
from agenda.meetings.models import AgendaItem, Meeting
from kasane_shared.errors import KasaneError, conflict


def stale_order() -> KasaneError:
    """The order sent does not match the agenda as it is now (someone changed it meanwhile)."""
    return conflict(
        "stale_order",
        "議題が別の操作で変わっています。画面を読み込み直してから並べ替えてください。",
        "The agenda has changed since you loaded it. Reload it and reorder again.",
    )


def set_order(ctx: KeyContext, meeting: Meeting, item_ids: list[str]) -> list[AgendaItem]:
    """Set the order from the full list of the meeting's item ids (each exactly once)."""
    from agenda.meetings.service import items_of

    require_scheduled(meeting)
    if len(set(item_ids)) != len(item_ids):
        raise invalid(
            "item_ids",
            "同じ議題が二度含まれています。各議題を一度ずつ指定してください。",
            "An item is listed twice. List each item once.",
        )
    items = {i.id: i for i in items_of(ctx.session, meeting.id)}
    # Missing or unknown ids mean the caller's picture of the agenda is out of date.
    if set(item_ids) != set(items):
        raise stale_order()
    for position, item_id in enumerate(item_ids, start=1):
        items[item_id].position = position
    ctx.session.flush()
    record(ctx.session, "item.reorder", ctx.caller.id, "meeting", meeting.id, items=len(item_ids))
    return items_of(ctx.session, meeting.id)


def refuse_duplicate(ctx: KeyContext, meeting: Meeting, case_id: str) -> None:
    """A case already on this agenda is added again only when the caller confirmed it."""
    found = ctx.session.scalar(
        select(AgendaItem.id)
        .where(AgendaItem.meeting_id == meeting.id, AgendaItem.case_id == case_id)
        .limit(1)
    )
    if found is not None:
        raise conflict(
            "duplicate_case",
            "この事例はすでにこの会議の議題にあります。もう一度追加する場合は確認してください。",
            "This case is already on this agenda. Confirm to add it again.",
        )
