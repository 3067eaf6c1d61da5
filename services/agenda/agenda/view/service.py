"""The member's agenda view: only what the caller's own keys open (trust rules 1–4).

Time and place go to every invitee. Case content needs a valid pledge for the meeting's
kind, then the caller's wraps (granted by consent and invitation) opened by identity in
one batched call. Tax text is shown only when the active consent covers tax data and the
caller's organization is in its scope, and only if their keys open it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from agenda import access
from agenda.audit import record
from agenda.cases.models import Case, Consent
from agenda.integrity.report import audit_tampering
from agenda.integrity.rows import TamperedRow
from agenda.distribution.service import current_item_ids, was_distributed
from agenda.keys.service import (
    CONTENT,
    KeyContext,
    TAX,
    audit_failures,
    full_title,
    placeholder_if,
    record_wraps,
)
from agenda.meetings.changes import STATUS_LABELS, cancel_reasons
from agenda.meetings.models import AgendaItem, Attendee, Meeting
from agenda.meetings.service import (
    attendees_of,
    items_of,
    local,
    visible_meeting,
    visible_meeting_and_invitation,
)
from agenda.meetings.titles import open_title
from agenda.schemas_common import KIND_LABELS, PURPOSE_LABELS
from agenda.scheduling import render_invitation
from agenda.view.keys import open_agenda
from kasane_shared.db import utcnow
from kasane_shared.disclosure import kind_label
from kasane_shared.sealing import UNREADABLE_NOTICE, UNREADABLE_NOTICE_EN

NOTICE = "誓約書が未提出のため、日時と場所のみ表示しています。"
NOTICE_EN = "No valid pledge on file: only the time and place are shown."
BEFORE_DISTRIBUTION = "議題は配布前です。"
BEFORE_DISTRIBUTION_EN = "The agenda has not been distributed yet."
UPDATING = "更新中"


def own_pledge_valid(ctx: KeyContext, kind: str) -> bool:
    """May the caller see content of a meeting of ``kind`` (the shared rule: a valid pledge)."""
    return ctx.disclosure().may_see_content(kind)


def meeting_block(
    ctx: KeyContext,
    meeting: Meeting,
    *,
    full: bool,
    invitees: bool | None = None,
    title: str | None = None,
) -> dict[str, Any]:
    """Time and place always; the title only for readers with a pledge (a label otherwise).

    ``title``: the title as already opened for this reader (the agenda view opens it with
    the items)."""
    if title is None:
        # Every reader of the agenda sees the title masked (no consent covers a meeting).
        title = open_title(ctx, meeting, full=False) if full else kind_label(meeting.kind)
    block = {
        "id": meeting.id,
        "kind": meeting.kind,
        "kind_label": KIND_LABELS[meeting.kind],
        "title": title,
        "starts_at": local(meeting, meeting.starts_at).isoformat(),
        "ends_at": local(meeting, meeting.ends_at).isoformat(),
        "place": meeting.place,
        "online_url": meeting.online_url,
        "status": meeting.status or "scheduled",
        "status_label": STATUS_LABELS[meeting.status or "scheduled"],
        "cancel_reason": None,
        # The host goes to every invitee, like the place (the Word copy's 主催).
        "host_organization_id": meeting.host_organization_id,
        "organizer_id": None,
    }
    # Who organized and who was invited name members: readers with a pledge only (the Word
    # copy's 主催 when no host is set, and its ×).
    if invitees if invitees is not None else full:
        block["organizer_id"] = meeting.created_by
        block["invitees"] = [
            {"member_id": a.member_id, "organization_id": a.organization_id}
            for a in attendees_of(ctx.session, meeting.id)
        ]
    return block


def agenda_view(ctx: KeyContext, meeting_id: str) -> dict[str, Any]:
    """The caller's redacted agenda of a meeting; every view is audited (ids only)."""
    meeting, me = visible_meeting_and_invitation(ctx, meeting_id)
    if meeting.status == "cancelled":
        return _cancelled_view(ctx, meeting)
    distributed = was_distributed(ctx.session, meeting)
    if not distributed and not ctx.caller.is_coordinator:
        if not own_pledge_valid(ctx, meeting.kind):
            return _no_pledge_view(ctx, meeting, distributed)
        # Nothing was checked yet: the meeting as without a pledge, no case content.
        record(
            ctx.session,
            "agenda.view",
            ctx.caller.id,
            "meeting",
            meeting.id,
            pledge=True,
            distributed=False,
            items=[],
            opened=0,
        )
        return {
            "meeting": meeting_block(ctx, meeting, full=False, invitees=True),
            "items": [],
            "notice": BEFORE_DISTRIBUTION,
            "notice_en": BEFORE_DISTRIBUTION_EN,
            "pledge_valid": True,
            "distributed": False,
        }
    items = _my_items(ctx, meeting, me)
    # Each case read once: its text revision decides what is current, its row what is shown.
    cases = _cases(ctx, items)
    updating: list[AgendaItem] = []
    if not ctx.caller.is_coordinator:
        current = current_item_ids(ctx.session, meeting, items, cases)
        updating = [i for i in items if i.id not in current]
        items = [i for i in items if i.id in current]
        cases = {i.case_id: cases[i.case_id] for i in items if i.case_id in cases}
    # A case whose consent or invitations fail their MAC gets no grant and no content.
    broken: dict[str, TamperedRow] = {}
    # Looked up once for the whole view, not once per item.
    consents = access.active_consents(ctx.session, list(cases), broken)
    # The pledge comes with the keys (one identity call) unless a grant must come first.
    keys = open_agenda(ctx, meeting, cases, items, broken, _grant_if_pledged_since)
    if not keys.pledged:
        return _no_pledge_view(ctx, meeting, distributed)
    for error in broken.values():
        audit_tampering(ctx.session, error, ctx.caller.id, meeting_id=meeting.id)
    audit_failures(ctx, keys.failed, meeting_id=meeting.id)
    opened = keys.opened
    # A case or item that fails to open makes its items unreadable (audited), not the agenda.
    failed = (set(keys.failed) - {meeting.id}) | set(broken)
    organization = me.organization_id if me is not None else ctx.caller.organization_id
    shown = [
        _unreadable(item, cases.get(item.case_id))
        if failed & {item.id, item.case_id}
        else _item(
            meeting, item, opened, consents.get(item.case_id), organization, cases.get(item.case_id)
        )
        for item in items
    ]
    record(
        ctx.session,
        "agenda.view",
        ctx.caller.id,
        "meeting",
        meeting.id,
        pledge=True,
        items=[i.id for i in items],
        opened=sum(1 for s in shown if not s["redacted"]),
        tax=sum(1 for s in shown if s.get("tax_masked") is False),
        updating=[i.id for i in updating],
        **({"outcome": "partial", "unreadable": sorted(failed)} if failed else {}),
    )
    shown += [_updating(item) for item in updating]
    shown.sort(key=lambda s: s["order"])
    return {
        "meeting": meeting_block(ctx, meeting, full=True, title=keys.title),
        "items": shown,
        "pledge_valid": True,
        "distributed": distributed,
    }


def _no_pledge_view(ctx: KeyContext, meeting: Meeting, distributed: bool) -> dict[str, Any]:
    """Time and place only, with the notice; audited as a view without a pledge."""
    record(
        ctx.session,
        "agenda.view",
        ctx.caller.id,
        "meeting",
        meeting.id,
        pledge=False,
        items=[],
        opened=0,
    )
    return {
        "meeting": meeting_block(ctx, meeting, full=False),
        "items": [],
        "notice": NOTICE,
        "notice_en": NOTICE_EN,
        "pledge_valid": False,
        "distributed": distributed,
    }


def _updating(item: AgendaItem) -> dict[str, Any]:
    """An item added or changed since the last distribution: its place only (「更新中」)."""
    return {
        "id": item.id,
        "order": item.position,
        "redacted": "updating",
        "status_label": UPDATING,
        "tax_masked": True,
    }


def _unreadable(item: AgendaItem, case: Case | None) -> dict[str, Any]:
    """An item whose case or own record failed to open: its place and id, and why (no content)."""
    return {
        "id": item.id,
        "case_id": item.case_id,
        "case_number": case.number if case is not None else None,
        "purpose": item.purpose,
        "purpose_label": PURPOSE_LABELS[item.purpose],
        "order": item.position,
        "minutes": item.minutes,
        "presenter": item.presenter_member_id,
        "redacted": "unreadable",
        "notice": UNREADABLE_NOTICE,
        "notice_en": UNREADABLE_NOTICE_EN,
        "tax_masked": True,
    }


def _cancelled_view(ctx: KeyContext, meeting: Meeting) -> dict[str, Any]:
    """A cancelled meeting: 「中止」 and the reason (if the caller's keys open it), no items."""
    pledged = own_pledge_valid(ctx, meeting.kind)
    block = meeting_block(ctx, meeting, full=pledged)
    block["cancel_reason"] = cancel_reasons(ctx, [meeting]).get(meeting.id) if pledged else None
    record(ctx.session, "agenda.view", ctx.caller.id, "meeting", meeting.id, cancelled=True)
    view: dict[str, Any] = {
        "meeting": block,
        "items": [],
        "pledge_valid": pledged,
        "distributed": was_distributed(ctx.session, meeting),
    }
    if not pledged:
        view |= {"notice": NOTICE, "notice_en": NOTICE_EN}
    return view


def _grant_if_pledged_since(
    ctx: KeyContext, meeting: Meeting, cases: dict[str, Case], broken: dict[str, TamperedRow]
) -> None:
    """A member who signed the pledge after being invited gets the keys the rules give them now.

    At invitation identity refused their grants (no pledge). The grant is the same
    ``sync_case`` every invitation runs, done as the agenda service: the view itself still
    opens only what the member's own keys open. A case whose consent or invitations fail
    their MAC is granted nothing and noted in ``broken``.
    """
    held = {
        w.record_id
        for w in record_wraps(
            ctx.session, list(cases.values()), member_id=ctx.caller.id, conference_kind=meeting.kind
        )
    }
    missing = [case for case in cases.values() if case.id not in held]
    service = ctx.as_service() if missing else None
    for case in missing if service else []:
        try:
            access.sync_case(service, case)  # type: ignore[arg-type]
        except TamperedRow as error:  # refused before any wrap changed
            broken[case.id] = error


def _my_items(ctx: KeyContext, meeting: Meeting, me: Attendee | None) -> list[AgendaItem]:
    items = items_of(ctx.session, meeting.id)
    if ctx.caller.is_coordinator:
        return items
    return [i for i in items if me is not None and access.attends_for(me, i.case_id)]


def _cases(ctx: KeyContext, items: list[AgendaItem]) -> dict[str, Case]:
    ids = list(dict.fromkeys(i.case_id for i in items))
    if not ids:
        return {}
    found = {c.id: c for c in ctx.session.scalars(select(Case).where(Case.id.in_(ids)))}
    return {i: found[i] for i in ids if i in found}


def _item(
    meeting: Meeting,
    item: AgendaItem,
    opened: dict,
    consent: Consent | None,
    organization: str | None,
    case: Case | None,
) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": item.id,
        "case_id": item.case_id,
        "case_number": case.number if case is not None else None,
        "purpose": item.purpose,
        "purpose_label": PURPOSE_LABELS[item.purpose],
        "order": item.position,
        "minutes": item.minutes,
        "presenter": item.presenter_member_id,
        "redacted": None,
        "tax_masked": True,
    }
    case_content, item_content = opened.get((item.case_id, CONTENT)), opened.get((item.id, CONTENT))
    if case_content is None or item_content is None:
        out_of_scope = meeting.kind == "jusou" and not access.in_scope(consent, organization)
        base["redacted"] = (
            "consent_scope" if out_of_scope or meeting.kind == "jusou" else "no_pledge"
        )
        return base
    _, tax_allowed = access.entitled(meeting.kind, consent, organization)
    case_tax, item_tax = opened.get((item.case_id, TAX)), opened.get((item.id, TAX))
    base.update(
        title=case_content["title"],
        summary=case_content["summary"],
        notes=case_content["notes"],
        tax_notes=placeholder_if(case_content["tax_notes"]),
        briefing=item_content["briefing"],
    )
    if tax_allowed and case_tax is not None:
        base.update(
            title=full_title(case_content, case_tax),
            summary=case_tax["summary"],
            notes=case_tax["notes"],
            tax_notes=case_tax["tax_notes"],
            tax_masked=False,
        )
        if item_tax is not None:
            base["briefing"] = item_tax["briefing"]
    return base


def invitation(ctx: KeyContext, meeting_id: str) -> bytes:
    """An iCalendar invitation for the caller: kind label and date as the title, time and place."""
    meeting = visible_meeting(ctx, meeting_id)
    starts = local(meeting, meeting.starts_at)
    title = f"{KIND_LABELS[meeting.kind]} {starts.month}月{starts.day}日"
    me = ctx.identity.me(ctx.caller.token)
    body = render_invitation(
        uid=f"{meeting.id}@kasane",
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        title=title,
        location=meeting.place,
        online_url=meeting.online_url,
        organizer_name="事務局",
        attendee_name=me.get("display_name") or "構成員",
        sequence=meeting.sequence or 0,
        cancelled=meeting.status == "cancelled",
        stamp=utcnow(),
    )
    record(ctx.session, "meeting.invitation", ctx.caller.id, "meeting", meeting.id)
    return body
