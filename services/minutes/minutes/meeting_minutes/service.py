"""Minutes rules: drafting under the right audiences, review, approval, corrections, views."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kasane_shared.grants import ConsentProof
from kasane_shared.auth.deps import Caller
from kasane_shared.custody import IdentityClient
from kasane_shared.db import utcnow
from kasane_shared.disclosure import Disclosure
from kasane_shared.errors import FieldError, KasaneError, conflict, not_found
from kasane_shared.redaction import TAX_PLACEHOLDER
from minutes.agenda_client import AgendaClient
from minutes.audit import record
from minutes.integrity.content import approved_mac, require_intact, rows_key
from minutes.meeting_minutes.models import Minutes, MinutesComment, MinutesItem, TaxBlock
from minutes.meeting_minutes.outline import OUTLINES, PURPOSE_LABELS, outline_text
from minutes.meeting_minutes.schemas import (
    CommentIn,
    CommentOut,
    ItemIn,
    ItemOut,
    MinutesIn,
    MinutesOut,
)
from minutes.meeting_minutes.sealing import (
    TAX,
    canonical,
    drop_wraps,
    get_path,
    item_fields,
    mask_text,
    open_for,
    seal_record,
    set_path,
    sync_grants,
    text_paths,
    unmask_text,
)

CONTENT_AUDIENCE = {"shien": "attendees", "jusou": "scope"}
PLAN_PURPOSES = ("plan_creation", "plan_change", "termination", "suspension")
ITEMS, BLOCKS, COMMENTS = "minutes_items", "tax_blocks", "comments"


@dataclass
class Entitlements:
    """Who may read what at a meeting, as agenda decides it."""

    kind: str
    attendees: dict[str, dict[str, Any]]
    items: dict[str, dict[str, Any]]

    @classmethod
    def load(cls, agenda: AgendaClient, token: str, meeting_id: str) -> Entitlements:
        """Ask agenda (with the coordinator's token)."""
        raw = agenda.entitlements(token, meeting_id)
        return cls(
            kind=raw["meeting"]["kind"],
            attendees={a["member_id"]: a for a in raw["attendees"]},
            items={i["id"]: i for i in raw["items"]},
        )


def _latest(session: Session, meeting_id: str) -> Minutes | None:
    return session.scalar(
        select(Minutes)
        .where(Minutes.meeting_id == meeting_id)
        .order_by(Minutes.version.desc())
        .limit(1)
    )


def _version(session: Session, meeting_id: str, version: int | None) -> Minutes | None:
    if version is None:
        return _latest(session, meeting_id)
    return session.scalar(
        select(Minutes).where(Minutes.meeting_id == meeting_id, Minutes.version == version)
    )


def _latest_in(session: Session, meeting_id: str, status: str) -> Minutes | None:
    return session.scalar(
        select(Minutes)
        .where(Minutes.meeting_id == meeting_id, Minutes.status == status)
        .order_by(Minutes.version.desc())
        .limit(1)
    )


def shown_version(
    session: Session, meeting_id: str, version: int | None, coordinator: bool
) -> Minutes | None:
    """The version a caller reads: members never see a draft and keep the approved version
    while a correction is under way (they reach a correction in review by its number)."""
    if coordinator:
        return _version(session, meeting_id, version)
    if version is None:
        return _latest_in(session, meeting_id, "approved") or _latest_in(
            session, meeting_id, "in_review"
        )
    chosen = _version(session, meeting_id, version)
    return None if chosen is None or chosen.status == "draft" else chosen


def _items(session: Session, minutes: Minutes) -> list[MinutesItem]:
    return list(
        session.scalars(
            select(MinutesItem)
            .where(MinutesItem.minutes_id == minutes.id)
            .order_by(MinutesItem.position)
        )
    )


def _blocks(session: Session, items: list[MinutesItem]) -> dict[str, TaxBlock]:
    ids = [block_id for i in items for block_id in (i.tax_blocks or {}).values()]
    return (
        {b.id: b for b in session.scalars(select(TaxBlock).where(TaxBlock.id.in_(ids)))}
        if ids
        else {}
    )


def content_hash(
    session: Session, minutes: Minutes, items: list[MinutesItem], blocks: dict[str, TaxBlock]
) -> str:
    """The MAC approval fixes (rows key): everything stored for a version, tax blocks by id."""
    return approved_mac(rows_key(session), minutes, items, blocks)


def _body(item: ItemIn) -> dict[str, Any]:
    return {
        "discussion": item.discussion,
        "decisions": item.decisions,
        "roles": [r.model_dump(mode="json") for r in item.roles],
        "monitoring_on": item.monitoring_on.isoformat() if item.monitoring_on else None,
        "action_items": [a.model_dump(mode="json") for a in item.action_items],
    }


def _tax_edit_refused() -> KasaneError:
    return conflict(
        "tax_text_edit",
        "［税情報］の伏せ字を含む記載は変更できません。伏せ字を含まない全文で書き直すか、税情報を閲覧できる担当者に依頼してください。",
        "Text with a masked tax part cannot be changed. Rewrite it without the mask, "
        "or ask someone entitled to tax data.",
    )


def _validate(data: MinutesIn, ent: Entitlements) -> None:
    errors = (
        [
            FieldError(
                "attendance",
                "招集されていないメンバーが含まれています。",
                "Attendance lists someone not invited.",
            )
        ]
        if set(data.attendance) - set(ent.attendees)
        else []
    )
    seen: set[str] = set()
    for n, item in enumerate(data.items):
        if item.agenda_item_id not in ent.items or item.agenda_item_id in seen:
            errors.append(
                FieldError(
                    f"items.{n}.agenda_item_id",
                    "この会議の議題ではないか、重複しています。",
                    "Not an item of this meeting, or repeated.",
                )
            )
        seen.add(item.agenda_item_id)
    if errors:
        raise KasaneError(
            422,
            "invalid_input",
            "入力内容に誤りがあります。",
            "The input is not valid.",
            errors=errors,
        )


@dataclass
class _Writer:
    """Everything a save needs once: the writer, keys, escrow and what the writer can open."""

    session: Session
    identity: IdentityClient
    caller: Caller
    ent: Entitlements
    minutes: Minutes

    def prepare(self, old_items: list[MinutesItem], old_blocks: dict[str, TaxBlock]) -> None:
        token, kind = self.caller.token, self.ent.kind
        pledges = self.identity.pledge_status(token, kind, [*self.ent.attendees, *self.authors()])
        self.pledged = {m for m, ok in pledges.items() if ok}
        self.keys = self.identity.public_keys(token, sorted(self.pledged))
        self.escrow = self.identity.escrow_key(token, "minutes")
        records = [(ITEMS, i.id) for i in old_items] + [(BLOCKS, b) for b in old_blocks]
        self.opened = open_for(
            self.session, self.identity, token, self.caller.member_id, kind, records
        )

    def recipients(self, member_ids: set[str]) -> dict[str, Any]:
        return {m: self.keys[m] for m in sorted(member_ids) if m in self.keys}

    def authors(self) -> set[str]:
        """Who wrote this text: the draft's creator and whoever saves it now."""
        return {self.minutes.created_by, self.caller.member_id}

    def content_ids(self, entitlement: dict[str, Any]) -> set[str]:
        # The writers always read what they write; everyone else only within the item's audience.
        return (set(entitlement["content_member_ids"]) | self.authors()) & (
            self.pledged | {self.caller.member_id}
        )

    def tax_ids(self, entitlement: dict[str, Any]) -> set[str]:
        # Their own words: the writers read the tax parts whatever the consent says.
        return (set(entitlement["tax_member_ids"]) | self.authors()) & (
            self.pledged | {self.caller.member_id}
        )


def _resolve_unit(
    writer: _Writer,
    path: str,
    text: str,
    old_masked: dict[str, Any] | None,
    old_block: TaxBlock | None,
) -> tuple[str, TaxBlock | None, list[str]]:
    """One free-text unit: (masked text, block to keep, new hidden segments to seal)."""
    if old_masked is not None and get_path(old_masked, path) == text:
        return text, old_block, []
    old_tax = writer.opened.open(BLOCKS, old_block, TAX) if old_block else None
    if old_tax is not None and old_masked is not None:
        full, _ = unmask_text(get_path(old_masked, path) or "", json.loads(old_tax["segments"]))
        if full == text:
            return get_path(old_masked, path) or "", old_block, []
    if TAX_PLACEHOLDER in text:
        raise _tax_edit_refused()
    masked, segments, _ = mask_text(text)
    return masked, None, segments


def _seal_item(
    writer: _Writer,
    position: int,
    item_in: ItemIn,
    old: MinutesItem | None,
    old_blocks: dict[str, TaxBlock],
    warnings: list[dict[str, str]],
) -> MinutesItem:
    session, kind = writer.session, writer.ent.kind
    entitlement = writer.ent.items[item_in.agenda_item_id]
    masked = _body(item_in)
    old_content = writer.opened.open(ITEMS, old, old.audience) if old else None
    old_masked = json.loads(old_content["body"]) if old_content else None
    tax_ids = writer.tax_ids(entitlement)
    blocks: dict[str, str] = {}
    for path, text in text_paths(masked):
        old_block = old_blocks.get((old.tax_blocks or {}).get(path, "")) if old else None
        unit, kept, segments = _resolve_unit(writer, path, text, old_masked, old_block)
        set_path(masked, path, unit)
        if kept is not None:
            refused = sync_grants(
                session,
                writer.identity,
                writer.caller.token,
                BLOCKS,
                kept,
                TAX,
                kind,
                tax_ids - {writer.caller.member_id},
                keep=frozenset({writer.caller.member_id}),
                consent=ConsentProof.from_wire(entitlement.get("consent")),
            )
            warnings.extend(
                {
                    "code": "grant_refused",
                    "member_id": m,
                    "message": "税情報の鍵を付与できませんでした。",
                }
                for m in refused
            )
            blocks[path] = kept.id
        elif segments:
            blocks[path] = _new_block(writer, segments, {}, tax_ids).id
    item = MinutesItem(
        minutes_id=writer.minutes.id,
        agenda_item_id=item_in.agenda_item_id,
        case_id=entitlement.get("case_id"),
        purpose=entitlement["purpose"],
        position=position,
        audience=CONTENT_AUDIENCE[kind],
        seal_version=writer.minutes.version,
        tax_blocks=blocks,
    )
    session.add(item)
    session.flush()
    seal_record(
        session,
        ITEMS,
        item,
        item.audience,
        item_fields(canonical(masked), blocks),
        writer.recipients(writer.content_ids(entitlement)),
        kind,
        writer.escrow,
    )
    return item


def _new_block(
    writer: _Writer, segments: list[str], overrides: dict[str, Any], tax_ids: set[str]
) -> TaxBlock:
    block = TaxBlock(seal_version=1)
    writer.session.add(block)
    writer.session.flush()
    fields = {"segments": canonical(segments), "overrides": canonical(overrides)}
    seal_record(
        writer.session,
        BLOCKS,
        block,
        TAX,
        fields,
        writer.recipients(tax_ids),
        writer.ent.kind,
        writer.escrow,
    )
    return block


def _pledge_warnings(writer: _Writer) -> list[dict[str, str]]:
    return [
        {
            "code": "no_pledge",
            "member_id": m,
            "message": "有効な誓約書がないため、このメンバーには内容が共有されません。",
        }
        for m in sorted(set(writer.ent.attendees) - writer.pledged)
    ]


def save_draft(
    session: Session,
    identity: IdentityClient,
    agenda: AgendaClient,
    caller: Caller,
    meeting_id: str,
    data: MinutesIn,
) -> MinutesOut:
    """Write the draft (PUT): every field sealed under the audiences that apply."""
    ent = Entitlements.load(agenda, caller.token, meeting_id)
    _validate(data, ent)
    minutes = _latest(session, meeting_id)
    if minutes is not None and minutes.status in ("approved", "superseded"):
        raise conflict(
            "approved",
            "承認済みの会議録は変更できません。訂正版を作成してください。",
            "Approved minutes cannot change; create a correction.",
        )
    if minutes is None:
        minutes = Minutes(
            meeting_id=meeting_id,
            version=1,
            conference_kind=ent.kind,
            status="draft",
            created_by=caller.member_id,
        )
        session.add(minutes)
        session.flush()
    old_items = {i.agenda_item_id: i for i in _items(session, minutes)}
    old_blocks = _blocks(session, list(old_items.values()))
    writer = _Writer(session, identity, caller, ent, minutes)
    writer.prepare(list(old_items.values()), old_blocks)
    warnings = _pledge_warnings(writer)
    new_items = [
        _seal_item(writer, n + 1, item, old_items.get(item.agenda_item_id), old_blocks, warnings)
        for n, item in enumerate(data.items)
    ]
    for old in old_items.values():
        session.delete(old)
    drop_wraps(session, ITEMS, [i.id for i in old_items.values()])
    minutes.attendance = list(dict.fromkeys(data.attendance))
    minutes.next_meeting_at = data.next_meeting_at
    minutes.updated_at = utcnow()
    session.flush()
    record(
        session,
        "minutes.save",
        caller.member_id,
        "minutes",
        minutes.id,
        meeting_id=meeting_id,
        version=minutes.version,
        items=len(new_items),
    )
    view = caller_view(session, identity, agenda, caller, meeting_id, audit=False)
    view.warnings = warnings
    return view


def _require_status(minutes: Minutes | None, *statuses: str) -> Minutes:
    if minutes is None:
        raise not_found("会議録", "Minutes")
    if minutes.status not in statuses:
        raise conflict(
            "wrong_status",
            "現在の状態ではこの操作はできません。",
            "Not possible in the minutes' current state.",
        )
    return minutes


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


def _fill(
    masked: dict[str, Any], item: MinutesItem, blocks: dict[str, TaxBlock], opened: Any
) -> tuple[dict[str, Any], dict[str, list[tuple[int, int]]] | None]:
    """The body with each hidden segment the reader's keys open put back; spans if all opened."""
    body, spans, complete = json.loads(json.dumps(masked)), {}, True
    for path, block_id in (item.tax_blocks or {}).items():
        tax = opened.open(BLOCKS, blocks[block_id], TAX) if block_id in blocks else None
        if tax is None:
            complete = False
            continue
        full, found = unmask_text(get_path(body, path) or "", json.loads(tax["segments"]))
        set_path(body, path, full)
        spans[path] = found
    return body, spans if complete else None


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


def _skeleton(ent: Entitlements, meeting_id: str, cases: dict[str, dict[str, Any]]) -> MinutesOut:
    items = sorted(ent.items.values(), key=lambda i: i.get("order", 0))
    return MinutesOut(
        id=None,
        meeting_id=meeting_id,
        version=0,
        status="new",
        conference_kind=ent.kind,
        attendance=[],
        next_meeting_at=None,
        items=[
            ItemOut(
                agenda_item_id=i["id"],
                case_id=i.get("case_id"),
                **cases.get(i["id"], {}),
                purpose=i["purpose"],
                purpose_label=PURPOSE_LABELS.get(i["purpose"], i["purpose"]),
                position=n + 1,
                outline=OUTLINES.get(i["purpose"], []),
                discussion=outline_text(i["purpose"]),
            )
            for n, i in enumerate(items)
        ],
    )


def _item_out(
    item: MinutesItem,
    content: dict[str, str] | None,
    blocks: dict[str, TaxBlock],
    opened: Any,
    redacted: str | None,
    coordinator: bool,
    case: dict[str, Any],
) -> ItemOut:
    base = {
        "agenda_item_id": item.agenda_item_id,
        "case_id": item.case_id,
        **case,
        "purpose": item.purpose,
        "purpose_label": PURPOSE_LABELS.get(item.purpose, item.purpose),
        "position": item.position,
        "outline": OUTLINES.get(item.purpose, []),
    }
    if content is None:
        return ItemOut(**base, redacted=redacted or "consent_scope")  # type: ignore[arg-type]
    body, spans = _fill(json.loads(content["body"]), item, blocks, opened)
    shown = (
        [(s, e, path) for path, pairs in (spans or {}).items() for s, e in pairs]
        if coordinator and spans is not None
        else None
    )
    # A tax block may hold decisions only (税情報ではない): masked is what has a placeholder.
    hidden = any(TAX_PLACEHOLDER in text for _, text in text_paths(json.loads(content["body"])))
    return ItemOut(**base, **body, tax_masked=hidden and spans is None, tax_spans=shown)


def caller_view(
    session: Session,
    identity: IdentityClient,
    agenda: AgendaClient,
    caller: Caller,
    meeting_id: str,
    *,
    version: int | None = None,
    audit: bool = True,
    action: str = "read",
) -> MinutesOut:
    """The minutes as this caller may read them: only what the caller's own keys open.

    Without a valid pledge for the meeting's kind the minutes are refused (403), not trimmed:
    even the case ids, purposes, attendance, approver and hash are the meeting's content.
    """
    agenda_view = agenda.agenda_view(caller.token, meeting_id)
    kind = agenda_view["meeting"]["kind"]
    Disclosure(identity, caller).require_content(kind, action)
    cases = _case_labels(agenda_view)
    coordinator = caller.has_role("coordinator")
    minutes = shown_version(session, meeting_id, version, coordinator)
    if minutes is None:
        if coordinator and version is None:
            ent = Entitlements.load(agenda, caller.token, meeting_id)
            return _skeleton(ent, meeting_id, cases)
        raise not_found("会議録", "Minutes")
    items = _items(session, minutes)
    blocks = _blocks(session, items)
    require_intact(session, minutes, items, blocks, caller.member_id)
    opened = open_for(
        session,
        identity,
        caller.token,
        caller.member_id,
        kind,
        [(ITEMS, i.id) for i in items] + [(BLOCKS, b) for b in blocks],
    )
    outs = [
        _item_out(
            item,
            opened.open(ITEMS, item, item.audience),
            blocks,
            opened,
            None,
            coordinator,
            cases.get(item.agenda_item_id, {}),
        )
        for item in items
    ]
    if audit:
        record(
            session,
            "minutes.view",
            caller.member_id,
            "minutes",
            minutes.id,
            version=minutes.version,
            opened=sum(o.redacted is None for o in outs),
        )
    return MinutesOut(
        id=minutes.id,
        meeting_id=meeting_id,
        version=minutes.version,
        status=minutes.status,  # type: ignore[arg-type]
        conference_kind=kind,
        attendance=list(minutes.attendance),
        next_meeting_at=minutes.next_meeting_at,
        items=outs,
        approved_by=minutes.approved_by,
        approved_at=minutes.approved_at,
        content_hash=minutes.content_hash,
        created_by=minutes.created_by,
        submitted_by=minutes.submitted_by,
    )


def _case_labels(agenda_view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each agenda item's case number, and its title where the caller may read it."""
    return {
        i["id"]: {"case_number": i.get("case_number"), "case_title": i.get("title")}
        for i in agenda_view.get("items") or []
    }


def versions(session: Session, meeting_id: str, coordinator: bool = True) -> list[Minutes]:
    """Every version of a meeting's minutes, oldest first (drafts for coordinators only)."""
    query = select(Minutes).where(Minutes.meeting_id == meeting_id)
    if not coordinator:
        query = query.where(Minutes.status != "draft")
    return list(session.scalars(query.order_by(Minutes.version)))


def add_comment(
    session: Session,
    identity: IdentityClient,
    agenda: AgendaClient,
    caller: Caller,
    meeting_id: str,
    data: CommentIn,
) -> CommentOut:
    """An attendee comments while the minutes are in review; sealed for the pledged attendees."""
    meeting = agenda.agenda_view(caller.token, meeting_id)["meeting"]
    Disclosure(identity, caller).require_content(meeting["kind"], "comment")
    minutes = _require_status(_latest(session, meeting_id), "in_review")
    comment = MinutesComment(
        minutes_id=minutes.id,
        author_id=caller.member_id,
        agenda_item_id=data.agenda_item_id,
        seal_version=1,
    )
    session.add(comment)
    session.flush()
    audience_ids = {*minutes.attendance, minutes.created_by, caller.member_id}
    recipients = identity.public_keys(caller.token, sorted(audience_ids))
    escrow = identity.escrow_key(caller.token, "minutes")
    seal_record(
        session,
        COMMENTS,
        comment,
        "attendees",
        {"text": data.text},
        recipients,
        meeting["kind"],
        escrow,
    )
    record(
        session, "minutes.comment", caller.member_id, "comment", comment.id, minutes_id=minutes.id
    )
    return CommentOut(
        id=comment.id,
        author_id=comment.author_id,
        agenda_item_id=comment.agenda_item_id,
        created_at=comment.created_at,
        text=data.text,
    )


def list_comments(
    session: Session,
    identity: IdentityClient,
    agenda: AgendaClient,
    caller: Caller,
    meeting_id: str,
) -> list[CommentOut]:
    """Comments on the current version, opened where the caller holds the key."""
    kind = agenda.agenda_view(caller.token, meeting_id)["meeting"]["kind"]
    Disclosure(identity, caller).require_content(kind)
    minutes = _latest(session, meeting_id)
    if minutes is None:
        return []
    comments = list(
        session.scalars(
            select(MinutesComment)
            .where(MinutesComment.minutes_id == minutes.id)
            .order_by(MinutesComment.created_at)
        )
    )
    opened = open_for(
        session,
        identity,
        caller.token,
        caller.member_id,
        kind,
        [(COMMENTS, c.id) for c in comments],
    )
    out = []
    for c in comments:
        fields = opened.open(COMMENTS, c, "attendees")
        out.append(
            CommentOut(
                id=c.id,
                author_id=c.author_id,
                agenda_item_id=c.agenda_item_id,
                created_at=c.created_at,
                text=fields["text"] if fields else None,
            )
        )
    return out
