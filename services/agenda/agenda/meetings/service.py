"""Meeting and agenda item rules: who is invited, what is on the agenda, who gets keys."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from agenda import access
from agenda.audit import record
from agenda.cases.service import get_case
from agenda.errors import (
    consent_required,
    content_locked,
    invalid,
    item_not_found,
    meeting_not_found,
)
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
from agenda.meetings import building, titles
from agenda.meetings.changes import STATUS_LABELS, require_scheduled
from agenda.meetings.models import AgendaItem, Attendee, Meeting
from agenda.integrity.rows import verified, verify_all
from agenda.meetings.schemas import (
    SEGMENT_BODIES,
    AttendeeIn,
    AttendeeOut,
    ItemCreate,
    ItemOut,
    ItemUpdate,
    MeetingCreate,
    MeetingOut,
)
from agenda.scheduling import SchedulingError, describe_ja, from_dict
from agenda.schemas_common import KIND_LABELS, PURPOSE_LABELS, PURPOSES
from kasane_shared.db import new_id
from kasane_shared.disclosure import kind_label
from kasane_shared.sealing import UNREADABLE_NOTICE, UNREADABLE_NOTICE_EN

# --- meetings ---------------------------------------------------------------------


def get_meeting(session: Session, meeting_id: str) -> Meeting:
    """One meeting or a 404."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise meeting_not_found()
    return meeting


def attendees_of(session: Session, meeting_id: str) -> list[Attendee]:
    """A meeting's invitees (each invitation verified: ``TamperedRow`` otherwise)."""
    return access.verified_attendees(session, [meeting_id])


def stored_attendee(session: Session, meeting_id: str, member_id: str) -> Attendee | None:
    """The invitation of one member as stored, not verified (to remove it)."""
    return session.scalar(
        select(Attendee).where(Attendee.meeting_id == meeting_id, Attendee.member_id == member_id)
    )


def attendee(session: Session, meeting_id: str, member_id: str) -> Attendee | None:
    """The invitation of one member, if any (verified: ``TamperedRow`` otherwise)."""
    return verified(session, stored_attendee(session, meeting_id, member_id))


def visible_meeting(ctx: KeyContext, meeting_id: str) -> Meeting:
    """A meeting the caller coordinates or attends; anything else is a 404."""
    meeting = get_meeting(ctx.session, meeting_id)
    if not ctx.caller.is_coordinator and attendee(ctx.session, meeting.id, ctx.caller.id) is None:
        raise meeting_not_found()
    return meeting


def directory(ctx: KeyContext) -> dict[str, dict[str, Any]]:
    """Active members by id (to check invitees and learn their organizations)."""
    return {m["id"]: m for m in ctx.identity.members(ctx.caller.token)}


def local(meeting: Meeting, value: datetime | None) -> datetime | None:
    """A stored UTC time shown at the meeting's own UTC offset (as it was entered)."""
    if value is None:
        return None
    return value.astimezone(timezone(timedelta(minutes=meeting.tz_offset_minutes or 0)))


def _local_offset(value: datetime) -> int:
    offset = value.utcoffset() or timedelta(0)
    return int(offset.total_seconds() // 60)


def shown_titles(ctx: KeyContext, meetings: list[Meeting]) -> dict[str, str]:
    """Titles as this caller may read them: the kind label without a pledge for the kind."""
    return titles.open_titles(ctx, meetings)


def shown_title(ctx: KeyContext, meeting: Meeting) -> str:
    """One meeting's title as this caller may read it (see ``shown_titles``)."""
    return titles.open_title(ctx, meeting)


def meeting_out(
    session: Session, meeting: Meeting, title: str | None = None, *, with_attendees: bool = True
) -> MeetingOut:
    """The public shape of a meeting (``title``: as opened for the caller; else the kind label)."""
    from agenda.distribution.service import distribution_state  # it builds on this module

    segment = None
    if meeting.segment_body:
        label, needs_consent = SEGMENT_BODIES[meeting.segment_body]
        segment = {
            "body": meeting.segment_body,
            "body_label": label,
            "body_needs_consent": needs_consent,
            "starts_at": local(meeting, meeting.segment_starts_at),
            "ends_at": local(meeting, meeting.segment_ends_at),
        }
    out = MeetingOut(
        id=meeting.id,
        kind=meeting.kind,
        kind_label=KIND_LABELS[meeting.kind],
        title=title or kind_label(meeting.kind),
        starts_at=local(meeting, meeting.starts_at),
        ends_at=local(meeting, meeting.ends_at),
        place=meeting.place,
        online_url=meeting.online_url,
        host_organization_id=meeting.host_organization_id,
        series_id=meeting.series_id,
        recurrence=meeting.recurrence,
        segment=segment,
        recurrence_label=_describe(meeting.recurrence),
        status=meeting.status or "scheduled",
        status_label=STATUS_LABELS[meeting.status or "scheduled"],
        sequence=meeting.sequence or 0,
        cancelled_at=meeting.cancelled_at,
    )
    out.distribution_status, out.distributed_at = distribution_state(session, meeting)
    if with_attendees:
        out.attendees = [
            AttendeeOut(
                member_id=a.member_id,
                organization_id=a.organization_id,
                required=a.required,
                case_ids=a.case_ids or [],
            )
            for a in attendees_of(session, meeting.id)
        ]
    return out


def _describe(recurrence: dict | None) -> str | None:
    if not recurrence:
        return None
    try:
        return describe_ja(from_dict(recurrence))
    except SchedulingError:
        return None


def _check_attendees(ctx: KeyContext, people: list[AttendeeIn]) -> dict[str, dict[str, Any]]:
    known = directory(ctx) if people else {}
    for index, a in enumerate(people):
        if a.member_id not in known:
            raise invalid(
                f"attendees.{index}.member_id",
                "存在しない（または無効な）構成員です。",
                "Unknown or inactive member.",
            )
        for case_id in a.case_ids:
            get_case(ctx.session, case_id)
    return known


def create_meeting(
    ctx: KeyContext,
    data: MeetingCreate,
    starts: list[tuple[datetime, datetime]],
    recurrence: dict | None = None,
) -> list[Meeting]:
    """Create a meeting, or each meeting of a series at the given times."""
    known = _check_attendees(ctx, data.attendees)
    if data.host_organization_id:
        from agenda.cases.service import check_organizations

        check_organizations(ctx, [data.host_organization_id], "host_organization_id")
    series_id = new_id() if len(starts) > 1 or data.recurrence else None
    made = []
    for begin, end in starts:
        meeting = Meeting(
            id=new_id(),
            kind=data.kind,
            starts_at=begin,
            ends_at=end,
            tz_offset_minutes=_local_offset(data.starts_at),
            place=data.place,
            online_url=data.online_url,
            host_organization_id=data.host_organization_id,
            series_id=series_id,
            recurrence=recurrence,
            created_by=ctx.caller.id,
        )
        if data.segment:
            shift = begin - data.starts_at
            meeting.segment_body, meeting.segment_starts_at, meeting.segment_ends_at = (
                data.segment.body,
                data.segment.starts_at + shift,
                data.segment.ends_at + shift,
            )
        ctx.session.add(meeting)
        ctx.session.flush()
        for a in data.attendees:
            ctx.session.add(
                Attendee(
                    meeting_id=meeting.id,
                    member_id=a.member_id,
                    organization_id=known[a.member_id].get("organization_id"),
                    required=a.required,
                    case_ids=list(dict.fromkeys(a.case_ids)),
                )
            )
        made.append(meeting)
    ctx.session.flush()
    for meeting in made:
        titles.seal_title(ctx, meeting, data.title)
        record(
            ctx.session,
            "meeting.create",
            ctx.caller.id,
            "meeting",
            meeting.id,
            kind=meeting.kind,
            attendees=len(data.attendees),
            series_id=series_id,
        )
    return made


def pledge_warnings(ctx: KeyContext, kind: str, member_ids: list[str]) -> list[dict]:
    """Invitees without a valid pledge for the kind see time and place only."""
    if not member_ids:
        return []
    status = ctx.identity.pledge_status(ctx.caller.token, kind, member_ids)
    return [
        {
            "code": "no_pledge",
            "message": (
                f"有効な誓約書（{KIND_LABELS[kind]}）がない構成員です。"
                "日時と場所しか表示されません。"
            ),
            "message_en": (
                "This invitee has no valid pledge for this conference kind "
                "and will see only time and place."
            ),
            "member_id": m,
        }
        for m in dict.fromkeys(member_ids)
        if not status.get(m, False)
    ]


def list_meetings(ctx: KeyContext) -> list[Meeting]:
    """Coordinators see every meeting, members those they are invited to."""
    query = select(Meeting).order_by(Meeting.starts_at, Meeting.id)
    if not ctx.caller.is_coordinator:
        mine = ctx.session.scalars(select(Attendee).where(Attendee.member_id == ctx.caller.id))
        query = query.where(Meeting.id.in_([a.meeting_id for a in verify_all(ctx.session, mine)]))
    return list(ctx.session.scalars(query))


def meeting_case_ids(session: Session, meeting_id: str) -> list[str]:
    """Cases on a meeting's agenda."""
    return list(
        dict.fromkeys(
            session.scalars(
                select(AgendaItem.case_id)
                .where(AgendaItem.meeting_id == meeting_id)
                .order_by(AgendaItem.position)
            )
        )
    )


def sync_meeting(ctx: KeyContext, meeting: Meeting) -> list[dict]:
    """Re-sync the keys of every case on a meeting's agenda."""
    titles.sync_title(ctx, meeting)
    warnings: list[dict] = []
    for case_id in meeting_case_ids(ctx.session, meeting.id):
        warnings += access.sync_case(ctx, get_case(ctx.session, case_id))
    return _dedupe(warnings)


def _dedupe(warnings: list[dict]) -> list[dict]:
    seen, out = set(), []
    for w in warnings:
        key = (w["code"], w.get("member_id"), w.get("organization_id"))
        if key not in seen:
            seen.add(key)
            out.append(w)
    return out


def add_attendees(ctx: KeyContext, meeting: Meeting, people: list[AttendeeIn]) -> list[dict]:
    """Invite members; those entitled get their keys now."""
    require_scheduled(meeting)
    known = _check_attendees(ctx, people)
    for a in people:
        existing = attendee(ctx.session, meeting.id, a.member_id)
        if existing is None:
            ctx.session.add(
                Attendee(
                    meeting_id=meeting.id,
                    member_id=a.member_id,
                    organization_id=known[a.member_id].get("organization_id"),
                    required=a.required,
                    case_ids=list(dict.fromkeys(a.case_ids)),
                )
            )
        else:
            existing.required, existing.case_ids = a.required, list(dict.fromkeys(a.case_ids))
    ctx.session.flush()
    record(
        ctx.session,
        "meeting.attendees_add",
        ctx.caller.id,
        "meeting",
        meeting.id,
        members=[a.member_id for a in people],
    )
    warnings = pledge_warnings(ctx, meeting.kind, [a.member_id for a in people]) + scope_warnings(
        ctx, meeting, [a.member_id for a in people]
    )
    return _dedupe(warnings + sync_meeting(ctx, meeting))


def remove_attendee(ctx: KeyContext, meeting: Meeting, member_id: str) -> None:
    """Uninvite a member: their keys for this meeting's items are deleted."""
    # Not verified: taking a forged invitation away must stay possible.
    row = stored_attendee(ctx.session, meeting.id, member_id)
    if row is None:
        from kasane_shared.errors import not_found

        raise not_found("出席者", "Attendee")
    ctx.session.delete(row)
    ctx.session.flush()
    sync_meeting(ctx, meeting)
    record(
        ctx.session,
        "meeting.attendee_remove",
        ctx.caller.id,
        "meeting",
        meeting.id,
        member_id=member_id,
    )


# --- agenda items -----------------------------------------------------------------


def items_of(session: Session, meeting_id: str) -> list[AgendaItem]:
    """A meeting's items in agenda order."""
    return list(
        session.scalars(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting_id)
            .order_by(AgendaItem.position, AgendaItem.created_at, AgendaItem.id)
        )
    )


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


def item_warnings(ctx: KeyContext, meeting: Meeting, case_id: str) -> list[dict]:
    """Scope, pledge and time warnings for a meeting's invitees of a case."""
    invited = [a for a in attendees_of(ctx.session, meeting.id) if access.attends_for(a, case_id)]
    warnings = scope_warnings(ctx, meeting, [a.member_id for a in invited], case_ids=[case_id])
    warnings += pledge_warnings(ctx, meeting.kind, [a.member_id for a in invited])
    return warnings + time_warnings(ctx.session, meeting)


def scope_warnings(
    ctx: KeyContext, meeting: Meeting, member_ids: list[str], case_ids: list[str] | None = None
) -> list[dict]:
    """重層: invitees whose organization is outside a case's consent scope see the item redacted."""
    if meeting.kind != "jusou":
        return []
    out = []
    rows = {a.member_id: a for a in attendees_of(ctx.session, meeting.id)}
    for case_id in case_ids or meeting_case_ids(ctx.session, meeting.id):
        consent = access.active_consent(ctx.session, case_id)
        for member_id in member_ids:
            a = rows.get(member_id)
            if (
                a is None
                or not access.attends_for(a, case_id)
                or access.in_scope(consent, a.organization_id)
            ):
                continue
            out.append(
                {
                    "code": "outside_consent_scope",
                    "message": (
                        "この構成員の所属組織は本人同意の範囲外です。この議題は伏せて表示されます。"
                    ),
                    "message_en": (
                        "This invitee's organization is outside the consent's scope; "
                        "the item will be redacted for them."
                    ),
                    "member_id": member_id,
                    "organization_id": a.organization_id,
                }
            )
    return out


def time_warnings(session: Session, meeting: Meeting) -> list[dict]:
    """The allotted minutes must fit the meeting (or its 支援会議 segment)."""
    total = (
        session.scalar(
            select(func.coalesce(func.sum(AgendaItem.minutes), 0)).where(
                AgendaItem.meeting_id == meeting.id
            )
        )
        or 0
    )
    begin, end = (
        (meeting.segment_starts_at, meeting.segment_ends_at)
        if meeting.segment_body
        else (meeting.starts_at, meeting.ends_at)
    )
    length = int((end - begin).total_seconds() // 60)
    if total <= length:
        return []
    return [
        {
            "code": "over_time",
            "message": (
                f"議題の割当時間の合計（{total}分）が会議の長さ（{length}分）を超えています。"
            ),
            "message_en": f"Allotted minutes ({total}) exceed the meeting length ({length}).",
        }
    ]


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
