"""Minutes as a caller reads them: what the caller's own keys open, or a coordinator's
skeleton before the first draft."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from kasane_shared.auth.deps import Caller
from kasane_shared.custody import IdentityClient
from kasane_shared.disclosure import Disclosure
from kasane_shared.errors import KasaneError, not_found
from kasane_shared.redaction import TAX_PLACEHOLDER
from minutes.agenda_client import AgendaClient
from minutes.audit import record
from minutes.integrity.content import require_intact
from minutes.meeting_minutes.models import MinutesItem, TaxBlock
from minutes.meeting_minutes.outline import OUTLINES, PURPOSE_LABELS, outline_text
from minutes.meeting_minutes.schemas import ItemOut, MinutesOut
from minutes.meeting_minutes.sealing import (
    TAX,
    get_path,
    open_for,
    set_path,
    text_paths,
    unmask_text,
)
from minutes.meeting_minutes.service import (
    BLOCKS,
    ITEMS,
    Entitlements,
    _blocks,
    _items,
    shown_version,
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
    # The pledge is asked with the keys, in one identity call, where there are keys to open;
    # until then nothing read here leaves: any refusal first asks the pledge alone.
    disclosure = Disclosure(identity, caller)
    cases = _case_labels(agenda_view)
    coordinator = caller.has_role("coordinator")
    try:
        minutes = shown_version(session, meeting_id, version, coordinator)
        if minutes is None:
            disclosure.require_content(kind, action)
            if coordinator and version is None:
                ent = Entitlements.load(agenda, caller.token, meeting_id)
                return _skeleton(ent, meeting_id, cases)
            raise not_found("会議録", "Minutes")
        items = _items(session, minutes)
        blocks = _blocks(session, items)
        require_intact(session, minutes, items, blocks, caller.member_id)
    except KasaneError:
        disclosure.require_content(kind, action)  # without a pledge: 403, not what failed
        raise
    opened = open_for(
        session,
        identity,
        caller.token,
        caller.member_id,
        kind,
        [(ITEMS, i.id) for i in items] + [(BLOCKS, b) for b in blocks],
        pledge=disclosure,
    )
    # Learned from the unwrap (identity opened nothing without it), or asked alone.
    disclosure.require_content(kind, action)
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
