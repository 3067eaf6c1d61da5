"""Distribution rules: an agenda reaches members only as the coordinator checked it.

A meeting is ``draft`` until its first distribution. Each distribution records the text
revision of every item and its case; members then see an item while both keep those
revisions. An item added or rewritten later is ``changed`` (「更新中」 for members) until
the coordinator checks and distributes again. Distribution is refused while any suspect
of the check is open, and it first reseals any text whose stored masks are not the ones
the check showed (the redactor may have learned since the text was sealed).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from agenda.audit import record
from agenda.cases.models import Case
from agenda.cases.service import full_values, reseal_case
from agenda.distribution.models import DistributedItem, MeetingDistribution
from agenda.distribution.review import MeetingReview, review_meeting
from agenda.errors import meeting_cancelled
from agenda.keys.service import CONTENT, TAX, KeyContext, load_overrides, masked
from agenda.marks import CASE_FIELDS
from agenda.meetings.models import AgendaItem, Meeting
from agenda.meetings.agenda_items import seal_item
from agenda.meetings.service import items_of, local
from kasane_shared.db import utcnow
from kasane_shared.text_check import unresolved_suspects

DRAFT, DISTRIBUTED, CHANGED = "draft", "distributed", "changed"


def current_item_ids(
    session: Session,
    meeting: Meeting,
    items: list[AgendaItem],
    cases: dict[str, Case] | None = None,
) -> set[str]:
    """Items members may read: distributed, and unchanged since (item and case texts).

    ``cases``: the items' cases when the caller has read them already (by id)."""
    rows = {
        r.item_id: r
        for r in session.scalars(
            select(DistributedItem).where(DistributedItem.meeting_id == meeting.id)
        )
    }
    case_ids = {i.case_id for i in items}
    if cases is not None:
        revisions = {c: cases[c].text_revision for c in case_ids if c in cases}
    else:
        revisions = dict(
            session.execute(select(Case.id, Case.text_revision).where(Case.id.in_(case_ids))).all()
        )
    return {
        i.id
        for i in items
        if (row := rows.get(i.id)) is not None
        and row.case_id == i.case_id
        and row.item_revision == i.text_revision
        and row.case_revision == revisions.get(i.case_id)
    }


def distribution_state(session: Session, meeting: Meeting) -> tuple[str, datetime | None]:
    """(status, last distribution at the meeting's own offset) without opening any content."""
    row = session.get(MeetingDistribution, meeting.id)
    if row is None:
        return DRAFT, None
    items = items_of(session, meeting.id)
    current = current_item_ids(session, meeting, items)
    return (DISTRIBUTED if len(current) == len(items) else CHANGED), local(
        meeting, row.distributed_at
    )


def was_distributed(session: Session, meeting: Meeting) -> bool:
    """Has the agenda been handed out at least once."""
    return session.get(MeetingDistribution, meeting.id) is not None


def check_out(session: Session, review: MeetingReview) -> dict[str, Any]:
    """The wire shape of the check (``GET …/distribution``)."""
    meeting = review.meeting
    status, distributed_at = distribution_state(session, meeting)
    current = current_item_ids(session, meeting, review.items)
    items = []
    for item in review.items:
        fields = review.fields_of(item)
        items.append(
            {
                "item_id": item.id,
                "case_id": item.case_id,
                "order": item.position,
                "purpose": item.purpose,
                "distributed": item.id in current,
                "unresolved": sum(f.unresolved for f in fields),
                "fields": [f.as_json() for f in fields],
            }
        )
    return {
        "meeting_id": meeting.id,
        "status": status,
        "distributed_at": distributed_at,
        "unresolved": review.unresolved,
        "items": items,
    }


def _refresh_masks(ctx: KeyContext, review: MeetingReview) -> list[str]:
    """Reseal texts whose stored masks differ from today's; ids of the records resealed."""
    resealed = []
    for case in review.cases.values():
        content = review.opened.get((case.id, CONTENT))
        tax = review.opened.get((case.id, TAX))
        if content is None or tax is None:
            continue
        full, overrides = full_values(content, tax), load_overrides(tax)
        if any(content[f] != masked(full[f], overrides.get(f)) for f in CASE_FIELDS):
            reseal_case(ctx, case, full, overrides, author=False)
            case.text_revision += 1
            resealed.append(case.id)
    for item in review.items:
        content = review.opened.get((item.id, CONTENT))
        tax = review.opened.get((item.id, TAX))
        if content is None or tax is None:
            continue
        overrides = load_overrides(tax)
        if content["briefing"] != masked(tax["briefing"], overrides.get("briefing")):
            seal_item(ctx, item, review.meeting.kind, tax["briefing"], overrides, author=False)
            item.text_revision += 1
            resealed.append(item.id)
    return resealed


def distribute(ctx: KeyContext, meeting: Meeting) -> dict[str, Any]:
    """Hand the agenda out as checked: refused while a suspect is open (audited, ids only)."""
    if meeting.status == "cancelled":
        raise meeting_cancelled()
    review = review_meeting(ctx, meeting)
    if review.unresolved:
        raise unresolved_suspects(review.unresolved)
    resealed = _refresh_masks(ctx, review)
    ctx.session.flush()
    now = utcnow()
    row = ctx.session.get(MeetingDistribution, meeting.id)
    first = row is None
    if row is None:
        row = MeetingDistribution(meeting_id=meeting.id, first_distributed_at=now)
        ctx.session.add(row)
    row.distributed_at, row.distributed_by = now, ctx.caller.id
    ctx.session.execute(delete(DistributedItem).where(DistributedItem.meeting_id == meeting.id))
    for item in review.items:
        ctx.session.add(
            DistributedItem(
                meeting_id=meeting.id,
                item_id=item.id,
                case_id=item.case_id,
                item_revision=item.text_revision,
                case_revision=review.cases[item.case_id].text_revision,
                distributed_at=now,
            )
        )
    ctx.session.flush()
    record(
        ctx.session,
        "meeting.distribute",
        ctx.caller.id,
        "meeting",
        meeting.id,
        items=[i.id for i in review.items],
        first=first,
        resealed=resealed,
    )
    return {
        "meeting_id": meeting.id,
        "status": DISTRIBUTED,
        "distributed_at": local(meeting, now),
        "unresolved": 0,
        "items": len(review.items),
    }
