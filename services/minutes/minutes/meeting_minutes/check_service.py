"""The minutes' check (承認前確認) at work: reading it, deciding suspects, gating approval.

The check of a version is made with the caller's own keys. A caller who opens every text in
full makes it for themselves; one who cannot (a separate approver outside the meeting) relies
on the last check by someone who could, taken while no suspect was open, on exactly the
content in review (its content hash). Decisions are stored in the unit's tax block, which
is immutable: each decision seals a new one. Audit entries carry ids and offsets, no text.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from kasane_shared.auth.deps import Caller
from kasane_shared.custody import IdentityClient
from kasane_shared.db import utcnow
from kasane_shared.disclosure import Disclosure
from kasane_shared.errors import FieldError, KasaneError, not_found
from kasane_shared.text_check import (
    STALE_KIND,
    open_suspect,
    range_error,
    unresolved_suspects,
    with_decision,
)
from minutes.agenda_client import AgendaClient
from minutes.audit import record
from minutes.integrity.content import check_holds, checked_mac, rows_key
from minutes.meeting_minutes import check
from minutes.meeting_minutes.drafting import _new_block, _Writer
from minutes.meeting_minutes.models import Minutes, MinutesItem, TaxBlock
from minutes.meeting_minutes.schemas import MinutesOut, TaxMark
from minutes.meeting_minutes.sealing import (
    TAX,
    Opened,
    canonical,
    drop_wraps,
    get_path,
    item_fields,
    mask_text,
    open_for,
    seal_record,
    set_path,
)
from minutes.meeting_minutes.reading import caller_view
from minutes.meeting_minutes.service import (
    BLOCKS,
    ITEMS,
    Entitlements,
    _blocks,
    _items,
    _latest,
    _require_status,
)

DECIDABLE = ("draft", "in_review")


def _opened(
    session: Session,
    identity: IdentityClient,
    caller: Caller,
    minutes: Minutes,
    items: list[MinutesItem],
    blocks: dict[str, TaxBlock],
) -> Opened:
    records = [(ITEMS, i.id) for i in items] + [(BLOCKS, b) for b in blocks]
    return open_for(
        session, identity, caller.token, caller.member_id, minutes.conference_kind, records
    )


def _review(
    session: Session,
    identity: IdentityClient,
    caller: Caller,
    minutes: Minutes,
    strict: bool,
    counted: bool = True,
) -> tuple[check.MinutesReview, list[MinutesItem], dict[str, TaxBlock]]:
    items = _items(session, minutes)
    blocks = _blocks(session, items)
    opened = _opened(session, identity, caller, minutes, items, blocks)
    found = check.review(minutes, items, blocks, opened, strict=strict, counted=counted)
    return found, items, blocks


def _note(
    session: Session,
    minutes: Minutes,
    review: check.MinutesReview,
    items: list[MinutesItem],
    blocks: dict[str, TaxBlock],
    caller: Caller,
) -> None:
    """Keep the outcome of a check someone made with every text open (for a later approver)."""
    if minutes.status not in DECIDABLE or not review.complete:
        return
    if review.unresolved:
        minutes.checked_hash = minutes.checked_by = minutes.checked_at = None
        return
    minutes.checked_hash = checked_mac(rows_key(session), minutes, items, blocks)
    minutes.checked_by, minutes.checked_at = caller.member_id, utcnow()


def read_check(
    session: Session, identity: IdentityClient, caller: Caller, meeting_id: str
) -> dict[str, Any]:
    """Every text of the latest version with its masks and open suspects (audited, ids only)."""
    minutes = _latest(session, meeting_id)
    if minutes is None:
        raise not_found("会議録", "Minutes")
    Disclosure(identity, caller).require_content(minutes.conference_kind)
    review, items, blocks = _review(session, identity, caller, minutes, strict=True)
    _note(session, minutes, review, items, blocks, caller)
    record(
        session,
        "minutes.check",
        caller.member_id,
        "minutes",
        minutes.id,
        version=minutes.version,
        items=[i.id for i in items],
        unresolved=review.unresolved,
    )
    return review.as_json()


def not_checked() -> KasaneError:
    """An approver who cannot read every text, and nobody who can has checked this content."""
    return KasaneError(
        409,
        "unresolved_suspects",
        "全文を閲覧できる担当者による承認前確認が済んでいないため、承認できません。"
        "作成者など全文を閲覧できる担当者が、承認前確認で疑い箇所をすべて判断してください。",
        "Nobody who can read every text has checked this content with no suspect left open.",
    )


def require_checked(
    session: Session, identity: IdentityClient, caller: Caller, meeting_id: str
) -> None:
    """Refuse approval (409 ``unresolved_suspects``) while a suspect of the check is open."""
    minutes = _latest(session, meeting_id)
    if minutes is None or minutes.status != "in_review":
        return  # approval itself says why it cannot go on
    review, items, blocks = _review(session, identity, caller, minutes, strict=False)
    if review.complete:
        if review.unresolved:
            raise unresolved_suspects(review.unresolved)
        return
    if not check_holds(rows_key(session), minutes, items, blocks):
        raise not_checked()


def _no_such_text() -> KasaneError:
    return KasaneError(
        422,
        "invalid_input",
        "入力内容に誤りがあります。",
        "The input is not valid.",
        errors=[
            FieldError(
                "field",
                "この議題の会議録には、指定した欄がありません。",
                "The minutes of this item have no such text.",
            )
        ],
    )


def _tax_access_required() -> KasaneError:
    return KasaneError(
        403,
        "tax_access_required",
        "税情報を閲覧できる担当者だけがこの操作をできます。",
        "Only someone entitled to this tax data can do this.",
    )


def decide(
    session: Session,
    identity: IdentityClient,
    agenda: AgendaClient,
    caller: Caller,
    meeting_id: str,
    data: TaxMark,
) -> MinutesOut:
    """Mark, unmark, or keep (税情報ではない) a range of one text; offsets in the full text."""
    minutes = _require_status(_latest(session, meeting_id), *DECIDABLE)
    Disclosure(identity, caller).require_content(minutes.conference_kind)
    item = next(
        (i for i in _items(session, minutes) if i.agenda_item_id == data.agenda_item_id), None
    )
    if item is None:
        raise not_found("議題", "Item")
    block = _blocks(session, [item]).get((item.tax_blocks or {}).get(data.field, ""))
    opened = _opened(session, identity, caller, minutes, [item], {block.id: block} if block else {})
    content = opened.open(ITEMS, item, item.audience)
    tax = opened.open(BLOCKS, block, TAX) if block else None
    if content is None or (block is not None and tax is None):
        raise _tax_access_required()
    body = json.loads(content["body"])
    masked_text = get_path(body, data.field)
    if masked_text is None:
        raise _no_such_text()
    unit = check.UnitText(data.field, masked_text, block, tax)
    text, applied = unit.full()
    error = range_error(text, data.start, data.end)
    if error is not None:
        raise error
    stale = False
    if data.action == "keep":
        suspect = open_suspect(check.check_unit(item.agenda_item_id, unit), data.start, data.end)
        stale = suspect.kind == STALE_KIND  # the redactor would mask it today: keep holds
    overrides = with_decision(
        unit.overrides, data.action, data.start, data.end, caller.member_id, also_unmark=stale
    )
    ent = Entitlements.load(agenda, caller.token, meeting_id)
    writer = _Writer(session, identity, caller, ent, minutes)
    writer.prepare([], {})
    entitlement = ent.items.get(
        item.agenda_item_id, {"content_member_ids": [], "tax_member_ids": []}
    )
    if data.action == "keep":
        # Readers keep the masks they have; only the decision joins the hidden parts.
        segments = [text[s:e] for s, e in applied]
    else:
        new_masked, segments, _ = mask_text(text, overrides)
        set_path(body, data.field, new_masked)
    blocks_map = dict(item.tax_blocks or {})
    if segments or any(overrides.values()):
        # The readers of the hidden parts stay the entitled members and the writers.
        readers = writer.tax_ids(entitlement)
        blocks_map[data.field] = _new_block(writer, segments, overrides, readers).id
    else:
        blocks_map.pop(data.field, None)
    item.tax_blocks = blocks_map
    # The item is sealed again with its new pointers (a keep changes no text, only the block).
    _reseal_item(session, writer, item, body, entitlement)
    session.flush()
    record(
        session,
        f"minutes.tax_{data.action}",
        caller.member_id,
        "minutes_item",
        item.id,
        minutes_id=minutes.id,
        field=data.field,
        start=data.start,
        end=data.end,
    )
    review, items, blocks = _review(session, identity, caller, minutes, False, counted=False)
    _note(session, minutes, review, items, blocks, caller)
    return caller_view(session, identity, agenda, caller, meeting_id, audit=False)


def _reseal_item(
    session: Session,
    writer: _Writer,
    item: MinutesItem,
    body: dict[str, Any],
    entitlement: dict[str, Any],
) -> None:
    """The item's masked body and tax-block pointers under a new key for the same readers."""
    drop_wraps(session, ITEMS, [item.id])
    item.sealed_fields, item.escrow_wraps = {}, {}
    # A new version: the older row and its wraps, put back, would be refused (its mark).
    item.seal_version += 1
    seal_record(
        session,
        ITEMS,
        item,
        item.audience,
        item_fields(canonical(body), item.tax_blocks),
        writer.recipients(writer.content_ids(entitlement)),
        writer.ent.kind,
        writer.escrow,
    )
