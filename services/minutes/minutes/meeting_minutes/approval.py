"""Minutes review and approval: submission, approval (support plans updated), corrections."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from kasane_shared.auth.deps import Caller
from kasane_shared.custody import IdentityClient
from kasane_shared.db import utcnow
from kasane_shared.errors import conflict
from minutes.agenda_client import AgendaClient
from minutes.audit import record
from minutes.meeting_minutes.drafting import _Writer
from minutes.meeting_minutes.models import Minutes, MinutesItem
from minutes.meeting_minutes.reading import _fill, caller_view
from minutes.meeting_minutes.schemas import MinutesOut
from minutes.meeting_minutes.sealing import item_fields, open_for, seal_record
from minutes.meeting_minutes.service import (
    BLOCKS,
    ITEMS,
    Entitlements,
    _blocks,
    _items,
    _latest,
    _require_status,
    content_hash,
)

PLAN_PURPOSES = ("plan_creation", "plan_change", "termination", "suspension")


def submit_for_review(session: Session, caller: Caller, meeting_id: str) -> Minutes:
    """Draft → in review: attendees may now comment."""
    minutes = _require_status(_latest(session, meeting_id), "draft")
    minutes.status, minutes.submitted_at = "in_review", utcnow()
    minutes.submitted_by = caller.member_id
    record(
        session, "minutes.submit", caller.member_id, "minutes", minutes.id, version=minutes.version
    )
    return minutes


def approve(
    session: Session,
    identity: IdentityClient,
    agenda: AgendaClient,
    caller: Caller,
    meeting_id: str,
) -> MinutesOut:
    """In review → approved: fixed by a content hash; plan items update the cases' support plans."""
    minutes = _require_status(_latest(session, meeting_id), "in_review")
    items = _items(session, minutes)
    minutes.status, minutes.approved_by, minutes.approved_at = (
        "approved",
        caller.member_id,
        utcnow(),
    )
    minutes.content_hash = content_hash(session, minutes, items, _blocks(session, items))
    for earlier in session.scalars(
        select(Minutes).where(
            Minutes.meeting_id == meeting_id, Minutes.status == "approved", Minutes.id != minutes.id
        )
    ):
        earlier.status = "superseded"
    record(
        session,
        "minutes.approve",
        caller.member_id,
        "minutes",
        minutes.id,
        version=minutes.version,
        content_hash=minutes.content_hash,
    )
    if minutes.conference_kind == "jusou":
        _update_plans(session, identity, agenda, caller, minutes, items)
    return caller_view(session, identity, agenda, caller, meeting_id, audit=False)


def _update_plans(
    session: Session,
    identity: IdentityClient,
    agenda: AgendaClient,
    caller: Caller,
    minutes: Minutes,
    items: list[MinutesItem],
) -> None:
    blocks = _blocks(session, items)
    opened = open_for(
        session,
        identity,
        caller.token,
        caller.member_id,
        minutes.conference_kind,
        [(ITEMS, i.id) for i in items] + [(BLOCKS, b) for b in blocks],
    )
    for item in items:
        if item.purpose not in PLAN_PURPOSES or not item.case_id:
            continue
        content = opened.open(ITEMS, item, item.audience)
        if content is None:
            continue
        body, _ = _fill(json.loads(content["body"]), item, blocks, opened)
        plan = {
            "status": item.purpose,
            "roles": body["roles"],
            "monitoring_on": body["monitoring_on"],
        }
        agenda.record_plan(caller.token, item.case_id, plan)
        record(
            session,
            "minutes.plan_update",
            caller.member_id,
            "case",
            item.case_id,
            minutes_id=minutes.id,
            purpose=item.purpose,
        )


def start_correction(
    session: Session,
    identity: IdentityClient,
    agenda: AgendaClient,
    caller: Caller,
    meeting_id: str,
) -> MinutesOut:
    """A new draft version from the approved one; the approved version is kept unchanged."""
    approved = _require_status(_latest(session, meeting_id), "approved")
    items = _items(session, approved)
    opened = open_for(
        session,
        identity,
        caller.token,
        caller.member_id,
        approved.conference_kind,
        [(ITEMS, i.id) for i in items],
    )
    draft = Minutes(
        meeting_id=meeting_id,
        version=approved.version + 1,
        conference_kind=approved.conference_kind,
        status="draft",
        attendance=list(approved.attendance),
        next_meeting_at=approved.next_meeting_at,
        created_by=caller.member_id,
        corrects_id=approved.id,
    )
    session.add(draft)
    session.flush()
    ent = Entitlements.load(agenda, caller.token, meeting_id)
    writer = _Writer(session, identity, caller, ent, draft)
    writer.prepare([], {})
    for item in items:
        content = opened.open(ITEMS, item, item.audience)
        if content is None:
            raise conflict(
                "cannot_copy",
                "この会議録の一部を読めないため、訂正版を作成できません。",
                "Part of these minutes is not readable to you; cannot copy.",
            )
        copy = MinutesItem(
            minutes_id=draft.id,
            agenda_item_id=item.agenda_item_id,
            case_id=item.case_id,
            purpose=item.purpose,
            position=item.position,
            audience=item.audience,
            seal_version=draft.version,
            tax_blocks=dict(item.tax_blocks or {}),
        )
        session.add(copy)
        session.flush()
        entitlement = ent.items.get(
            item.agenda_item_id, {"content_member_ids": [], "tax_member_ids": []}
        )
        seal_record(
            session,
            ITEMS,
            copy,
            copy.audience,
            item_fields(content["body"], copy.tax_blocks),
            writer.recipients(writer.content_ids(entitlement)),
            ent.kind,
            writer.escrow,
        )
    record(
        session,
        "minutes.correction",
        caller.member_id,
        "minutes",
        draft.id,
        corrects=approved.id,
        version=draft.version,
    )
    return caller_view(session, identity, agenda, caller, meeting_id, audit=False)
