"""The distribution check of a meeting: every text on its agenda, field by field.

The coordinator's own keys open the records (content by grant on first open, the full
text only where their tax wraps reach). A field they cannot open in full is shown as
members will read it, each suspect in it waiting for someone who can.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from agenda.cases.models import Case
from agenda.cases.service import full_values
from agenda.errors import content_locked
from agenda.keys.service import (
    CONTENT,
    KINDS,
    TAX,
    KeyContext,
    Opened,
    ensure_coordinator_access,
    load_overrides,
    open_records,
)
from agenda.marks import CASE_FIELDS, ITEM_FIELDS
from agenda.meetings.models import AgendaItem, Meeting
from agenda.meetings.service import items_of
from kasane_shared.observability import metrics_for
from kasane_shared.text_check import FieldCheck, check_locked, check_text


@dataclass
class MeetingReview:
    """Every item of a meeting with the checks of its case's and its own fields."""

    meeting: Meeting
    items: list[AgendaItem]
    cases: dict[str, Case]
    opened: Opened
    checks: dict[tuple[str, str], list[FieldCheck]] = field(default_factory=dict)

    @property
    def unresolved(self) -> int:
        """Open suspects, each record's field counted once (a case may be on twice)."""
        return sum(c.unresolved for checks in self.checks.values() for c in checks)

    def fields_of(self, item: AgendaItem) -> list[FieldCheck]:
        """The case's fields, then the item's."""
        return self.checks[("case", item.case_id)] + self.checks[("item", item.id)]


def _case_checks(case: Case, content: dict | None, tax: dict | None) -> list[FieldCheck]:
    if content is None:
        raise content_locked()
    if tax is None:
        return [check_locked("case", case.id, f, content[f]) for f in CASE_FIELDS]
    full, overrides = full_values(content, tax), load_overrides(tax)
    return [check_text("case", case.id, f, full[f], overrides.get(f)) for f in CASE_FIELDS]


def _item_checks(item: AgendaItem, content: dict | None, tax: dict | None) -> list[FieldCheck]:
    if content is None:
        raise content_locked()
    if tax is None:
        return [check_locked("item", item.id, f, content[f]) for f in ITEM_FIELDS]
    overrides = load_overrides(tax)
    return [check_text("item", item.id, f, tax[f], overrides.get(f)) for f in ITEM_FIELDS]


def review_meeting(ctx: KeyContext, meeting: Meeting) -> MeetingReview:
    """Open every record on the agenda with the coordinator's keys and check each text."""
    items = items_of(ctx.session, meeting.id)
    cases = {c.id: c for c in (ctx.session.get(Case, i.case_id) for i in items) if c is not None}
    ensure_coordinator_access(ctx, list(cases.values()), KINDS)
    ensure_coordinator_access(ctx, items, (meeting.kind,))
    opened = open_records(ctx, [*cases.values(), *items], (CONTENT, TAX), KINDS)
    review = MeetingReview(meeting, items, cases, opened)
    for case in cases.values():
        review.checks[("case", case.id)] = _case_checks(
            case, opened.get((case.id, CONTENT)), opened.get((case.id, TAX))
        )
    for item in items:
        review.checks[("item", item.id)] = _item_checks(
            item, opened.get((item.id, CONTENT)), opened.get((item.id, TAX))
        )
    metrics_for("agenda").suspects.inc(review.unresolved)
    return review
