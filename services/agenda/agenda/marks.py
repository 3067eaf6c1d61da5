"""Coordinator overrides of the redactor: mark a missed tax span, unmark a false one (rule 3).

Offsets are code points in the FULL text, so the coordinator must be able to open the
record's tax audience (the author can; others after a consent covering tax reaches them).
A coordinator who only sees masked text edits the text itself instead (PATCH). After a
change the masked text is recomputed and every audience is resealed under new keys.
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
from agenda.meetings.service import open_items, seal_item

CASE_FIELDS = ("title", "summary", "notes")
ITEM_FIELDS = ("briefing",)


def changed_overrides(overrides: dict[str, Any], text: str, mark: TaxMark) -> dict[str, Any]:
    """Overrides with one more mark or unmark (an unmark releases overlapping marks)."""
    if not mark.start < mark.end <= len(text):
        raise invalid(
            "end",
            f"範囲は本文（{len(text)}文字）の中で、start < end にしてください。",
            f"The range must lie within the text ({len(text)} characters), start < end.",
        )
    field = overrides.setdefault(mark.field, {"marked": [], "unmarked": []})
    span = [mark.start, mark.end]
    if mark.action == "mark":
        field["unmarked"] = [
            u for u in field["unmarked"] if not (u[0] < mark.end and mark.start < u[1])
        ]
        field["marked"].append(span)
    else:
        field["marked"] = [
            m for m in field["marked"] if not (m[0] < mark.end and mark.start < m[1])
        ]
        field["unmarked"].append(span)
    return overrides


def mark_case(ctx: KeyContext, case: Case, mark: TaxMark) -> None:
    """Apply a mark or unmark to a case's summary or notes."""
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
    overrides = changed_overrides(load_overrides(tax), tax[mark.field], mark)
    reseal_case(ctx, case, full_values(content, tax), overrides)
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
    """Apply a mark or unmark to an item's briefing."""
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
    overrides = changed_overrides(load_overrides(tax), tax["briefing"], mark)
    seal_item(ctx, item, meeting.kind, tax["briefing"], overrides)
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
