"""Coordinator decisions on the redactor's work (rule 3): mark, unmark, keep a suspect.

Offsets are code points in the FULL text, so the coordinator must be able to open the
record's tax audience (the author can; others after a consent covering tax reaches them).
A coordinator who only sees masked text edits the text itself instead (PATCH). After a
mark or unmark the masked text is recomputed and every audience is resealed under new
keys; a keep (税情報ではない) only records who decided and when, sealed with the marks.
"""

from __future__ import annotations

from typing import Any

from agenda.audit import record
from agenda.cases.models import Case
from agenda.cases.schemas import TaxMark
from agenda.cases.service import full_values, open_case, reseal_case
from agenda.errors import content_locked, invalid, tax_access_required
from agenda.keys.service import CONTENT, TAX, KeyContext, load_overrides
from agenda.meetings.models import AgendaItem, Meeting
from agenda.meetings.agenda_items import open_items, seal_item
from kasane_shared.text_check import check_text, open_suspect, range_error, with_decision

CASE_FIELDS = ("title", "summary", "notes")
ITEM_FIELDS = ("briefing",)


def decided_overrides(
    ctx: KeyContext, record_name: str, record_id: str, text: str, overrides: dict, mark: TaxMark
) -> dict[str, Any]:
    """All overrides of a record with this decision added; a keep must name an open suspect."""
    error = range_error(text, mark.start, mark.end)
    if error is not None:
        raise error
    current = overrides.get(mark.field) or {}
    if mark.action == "keep":
        check = check_text(record_name, record_id, mark.field, text, current)
        open_suspect(check, mark.start, mark.end)
    overrides[mark.field] = with_decision(current, mark.action, mark.start, mark.end, ctx.caller.id)
    return overrides


def mark_case(ctx: KeyContext, case: Case, mark: TaxMark) -> None:
    """Apply a mark, unmark or keep to a case's title, summary or notes."""
    if mark.field not in CASE_FIELDS:
        raise invalid(
            "field",
            "事例では title、summary、notes のいずれかを指定してください。",
            "For a case the field must be title, summary or notes.",
        )
    content, tax = open_case(ctx, case)
    if content is None:
        raise content_locked()
    if tax is None:
        raise tax_access_required()
    full = full_values(content, tax)
    overrides = decided_overrides(ctx, "case", case.id, full[mark.field], load_overrides(tax), mark)
    reseal_case(ctx, case, full, overrides)
    if mark.action != "keep":
        case.text_revision += 1  # members would read other masks: hand it out again
    record(
        ctx.session,
        f"case.tax_{mark.action}",
        ctx.caller.id,
        "case",
        case.id,
        field=mark.field,
        start=mark.start,
        end=mark.end,
    )


def mark_item(ctx: KeyContext, meeting: Meeting, item: AgendaItem, mark: TaxMark) -> None:
    """Apply a mark, unmark or keep to an item's briefing."""
    if mark.field not in ITEM_FIELDS:
        raise invalid(
            "field",
            "議題では briefing を指定してください。",
            "For an agenda item the field must be briefing.",
        )
    opened = open_items(ctx, meeting, [item])
    if opened.get((item.id, CONTENT)) is None:
        raise content_locked()
    tax = opened.get((item.id, TAX))
    if tax is None:
        raise tax_access_required()
    overrides = decided_overrides(ctx, "item", item.id, tax["briefing"], load_overrides(tax), mark)
    seal_item(ctx, item, meeting.kind, tax["briefing"], overrides)
    if mark.action != "keep":
        item.text_revision += 1
    record(
        ctx.session,
        f"item.tax_{mark.action}",
        ctx.caller.id,
        "agenda_item",
        item.id,
        field=mark.field,
        start=mark.start,
        end=mark.end,
    )
