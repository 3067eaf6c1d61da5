"""Agenda item rules: what is on the agenda, in which order, sealed for whom."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from agenda import access
from agenda.audit import record
from agenda.cases.service import get_case
from agenda.errors import consent_required, content_locked, invalid, item_not_found
from agenda.keys.service import (
    CONTENT,
    TAX,
    KeyContext,
    ensure_coordinator_access,
    holders,
    load_overrides,
    masked,
    open_each,
    open_records,
    seal,
    tax_spans,
)
from agenda.meetings import building
from agenda.meetings.changes import require_scheduled
from agenda.meetings.meeting_warnings import _dedupe, item_warnings, time_warnings
from agenda.meetings.models import AgendaItem, Meeting
from agenda.meetings.schemas import AttendeeIn, ItemCreate, ItemOut, ItemUpdate
from agenda.meetings.service import _check_attendees, items_of
from agenda.schemas_common import KIND_LABELS, PURPOSE_LABELS, PURPOSES
from kasane_shared.db import new_id
from kasane_shared.sealing import UNREADABLE_NOTICE, UNREADABLE_NOTICE_EN


def get_item(session: Session, meeting: Meeting, item_id: str) -> AgendaItem:
    """One item of this meeting or a 404."""
    item = session.get(AgendaItem, item_id)
    if item is None:
        from agenda.retention.service import shredded

        raise shredded(session, "agenda_item", item_id) or item_not_found()
    if item.meeting_id != meeting.id:
        raise item_not_found()
    return item


def _check_purpose(kind: str, purpose: str) -> None:
    if purpose not in PURPOSES[kind]:
        raise invalid(
            "purpose",
            f"{KIND_LABELS[kind]}の議題の目的は {', '.join(PURPOSES[kind])} のいずれかです。",
            f"For this conference kind the purpose must be one of {', '.join(PURPOSES[kind])}.",
        )


def seal_item(
    ctx: KeyContext,
    item: AgendaItem,
    kind: str,
    briefing: str,
    overrides: dict[str, Any],
    *,
    author: bool = True,
) -> None:
    """Seal an item's briefing: masked for content readers, full for tax readers."""
    author_holder = [(ctx.caller.id, kind, "author")] if author else []
    contents = {
        CONTENT: {"briefing": masked(briefing, overrides.get("briefing"))},
        TAX: {"briefing": briefing, "overrides": json.dumps(overrides)},
    }
    seal(
        ctx,
        item,
        contents,
        {
            CONTENT: holders(ctx.session, item, CONTENT) + author_holder,
            TAX: holders(ctx.session, item, TAX) + author_holder,
        },
    )


def add_item(ctx: KeyContext, meeting: Meeting, data: ItemCreate) -> tuple[AgendaItem, list[dict]]:
    """Put a case on the agenda (重層: only with an active consent); invitees get their keys."""
    require_scheduled(meeting)
    _check_purpose(meeting.kind, data.purpose)
    case = get_case(ctx.session, data.case_id)
    if not data.allow_duplicate:
        building.refuse_duplicate(ctx, meeting, case.id)
    if meeting.kind == "jusou" and access.active_consent(ctx.session, case.id) is None:
        raise consent_required()
    if data.presenter_member_id:
        _check_attendees(ctx, [AttendeeIn(member_id=data.presenter_member_id)])
    last = (
        ctx.session.scalar(
            select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting.id)
        )
        or 0
    )
    item = AgendaItem(
        id=new_id(),
        meeting_id=meeting.id,
        case_id=case.id,
        purpose=data.purpose,
        position=last + 1,
        minutes=data.minutes,
        presenter_member_id=data.presenter_member_id,
        created_by=ctx.caller.id,
    )
    ctx.session.add(item)
    ctx.session.flush()
    seal_item(ctx, item, meeting.kind, data.briefing, {})
    if data.order is not None:
        move(ctx.session, meeting, item, data.order)
    warnings = access.sync_case(ctx, case)
    record(
        ctx.session,
        "item.create",
        ctx.caller.id,
        "agenda_item",
        item.id,
        meeting_id=meeting.id,
        case_id=case.id,
        purpose=item.purpose,
    )
    return item, _dedupe(item_warnings(ctx, meeting, case.id) + warnings)


def move(session: Session, meeting: Meeting, item: AgendaItem, order: int) -> None:
    """Put an item at position ``order`` (1-based), shifting the others."""
    items = [i for i in items_of(session, meeting.id) if i.id != item.id]
    items.insert(min(order, len(items) + 1) - 1, item)
    for position, i in enumerate(items, start=1):
        i.position = position
    session.flush()


def reorder(ctx: KeyContext, meeting: Meeting, item_ids: list[str]) -> list[AgendaItem]:
    """Set the whole order at once (every item exactly once)."""
    require_scheduled(meeting)
    items = {i.id: i for i in items_of(ctx.session, meeting.id)}
    if sorted(item_ids) != sorted(items):
        raise invalid(
            "item_ids",
            "この会議の議題IDをすべて一度ずつ指定してください。",
            "List every item of this meeting exactly once.",
        )
    for position, item_id in enumerate(item_ids, start=1):
        items[item_id].position = position
    ctx.session.flush()
    record(ctx.session, "item.reorder", ctx.caller.id, "meeting", meeting.id, items=len(item_ids))
    return items_of(ctx.session, meeting.id)


def open_items(ctx: KeyContext, meeting: Meeting, items: list[AgendaItem]) -> dict:
    """The coordinator's view of items: content by grant on first open; tax if keys open it."""
    ensure_coordinator_access(ctx, items, (meeting.kind,))
    return open_records(ctx, items, (CONTENT, TAX), (meeting.kind,))


def open_item_list(
    ctx: KeyContext, meeting: Meeting, items: list[AgendaItem]
) -> tuple[dict, set[str]]:
    """``open_items`` for the whole agenda: an item that fails to open is set aside (audited)."""
    ensure_coordinator_access(ctx, items, (meeting.kind,))
    return open_each(ctx, items, (CONTENT, TAX), (meeting.kind,), meeting_id=meeting.id)


def item_out(
    item: AgendaItem, opened: dict, warnings: list[dict] | None = None, *, unreadable: bool = False
) -> ItemOut:
    """The coordinator's shape of an item (``unreadable``: listed with a notice only)."""
    content, tax = opened.get((item.id, CONTENT)), opened.get((item.id, TAX))
    out = ItemOut(
        id=item.id,
        meeting_id=item.meeting_id,
        case_id=item.case_id,
        purpose=item.purpose,
        purpose_label=PURPOSE_LABELS[item.purpose],  # type: ignore[arg-type]
        order=item.position,
        minutes=item.minutes,
        presenter=item.presenter_member_id,
        readable=content is not None,
        warnings=warnings or [],
    )
    if unreadable:
        out.unreadable, out.notice, out.notice_en = True, UNREADABLE_NOTICE, UNREADABLE_NOTICE_EN
        return out
    if content is not None:
        out.briefing = content["briefing"]
    if content is not None and tax is not None:
        overrides = load_overrides(tax)
        out.briefing, out.tax_masked = tax["briefing"], False
        out.briefing_tax_spans = [
            [s.start, s.end] for s in tax_spans(tax["briefing"], overrides.get("briefing"))
        ]
    return out


def update_item(
    ctx: KeyContext, meeting: Meeting, item: AgendaItem, data: ItemUpdate
) -> list[dict]:
    """Change an item; a new briefing is sealed under new keys."""
    require_scheduled(meeting)
    changes = data.model_dump(exclude_unset=True)
    if changes.get("purpose"):
        _check_purpose(meeting.kind, changes["purpose"])
        item.purpose = changes["purpose"]
    if changes.get("minutes"):
        item.minutes = changes["minutes"]
    if "presenter_member_id" in changes:
        if changes["presenter_member_id"]:
            _check_attendees(ctx, [AttendeeIn(member_id=changes["presenter_member_id"])])
        item.presenter_member_id = changes["presenter_member_id"]
    if changes.get("briefing") is not None:
        opened = open_items(ctx, meeting, [item])
        if opened.get((item.id, CONTENT)) is None:
            raise content_locked()
        tax = opened.get((item.id, TAX))
        if tax is None or tax["briefing"] != changes["briefing"]:
            # A new text: marks and checked suspects no longer fit it.
            seal_item(ctx, item, meeting.kind, changes["briefing"], {})
            item.text_revision += 1
            access.sync_case(ctx, get_case(ctx.session, item.case_id))
    if changes.get("order"):
        move(ctx.session, meeting, item, changes["order"])
    record(
        ctx.session, "item.update", ctx.caller.id, "agenda_item", item.id, fields=sorted(changes)
    )
    return time_warnings(ctx.session, meeting)


def delete_item(ctx: KeyContext, meeting: Meeting, item: AgendaItem) -> None:
    """Take an item off the agenda; its keys go with it."""
    require_scheduled(meeting)
    access.drop_item_wraps(ctx.session, item)
    case = get_case(ctx.session, item.case_id)
    ctx.session.delete(item)
    ctx.session.flush()
    for position, i in enumerate(items_of(ctx.session, meeting.id), start=1):
        i.position = position
    access.sync_case(ctx, case)
    record(ctx.session, "item.delete", ctx.caller.id, "agenda_item", item.id, meeting_id=meeting.id)
