"""Minutes drafting: the draft saved with every field sealed under the audiences that apply."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from kasane_shared.auth.deps import Caller
from kasane_shared.custody import IdentityClient
from kasane_shared.db import utcnow
from kasane_shared.errors import FieldError, KasaneError, conflict
from kasane_shared.grants import ConsentProof
from kasane_shared.redaction import TAX_PLACEHOLDER
from minutes.agenda_client import AgendaClient
from minutes.audit import record
from minutes.meeting_minutes.models import Minutes, MinutesItem, TaxBlock
from minutes.meeting_minutes.reading import caller_view
from minutes.meeting_minutes.schemas import ItemIn, MinutesIn, MinutesOut
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
from minutes.meeting_minutes.service import (
    BLOCKS,
    CONTENT_AUDIENCE,
    ITEMS,
    Entitlements,
    _blocks,
    _items,
    _latest,
)


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
