"""The check of the minutes' text before approval (the same 配布前確認 as the agenda's).

Every free-text unit of every item (discussion, decisions, each role's duty, each action)
is checked as readers will get it: the masks are the stored ones (the hidden segments of
the unit's tax block), so a span today's redactor would mask but readers get in clear is a
suspect too. A unit whose tax block the caller cannot open is shown masked, its suspects
waiting for someone who can read it in full.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from kasane_shared.errors import KasaneError
from kasane_shared.observability import metrics_for
from kasane_shared.text_check import FieldCheck, check_locked, check_text
from minutes.meeting_minutes.models import Minutes, MinutesItem, TaxBlock
from minutes.meeting_minutes.sealing import TAX, Opened, text_paths, unmask_text

ITEMS, BLOCKS = "minutes_items", "tax_blocks"
RECORD = "minutes"


def unreadable() -> KasaneError:
    """The caller's keys do not open an item of these minutes at all."""
    return KasaneError(
        409,
        "content_locked",
        "この会議録の一部を開く鍵がないため、確認できません。",
        "Part of these minutes is not readable to you, so it cannot be checked.",
    )


@dataclass
class UnitText:
    """One free-text unit as the caller opens it."""

    path: str
    masked: str
    block: TaxBlock | None
    tax: dict[str, str] | None

    @property
    def locked(self) -> bool:
        """Hidden parts the caller cannot open."""
        return self.block is not None and self.tax is None

    @property
    def overrides(self) -> dict[str, Any]:
        """Marks, unmarks and decisions stored with the hidden parts."""
        return json.loads(self.tax["overrides"]) if self.tax else {}

    def full(self) -> tuple[str, list[tuple[int, int]]]:
        """The full text and the spans readers get masked."""
        if self.tax is None:
            return self.masked, []
        return unmask_text(self.masked, json.loads(self.tax["segments"]))


def units_of(
    item: MinutesItem, body: dict[str, Any], blocks: dict[str, TaxBlock], opened: Opened
) -> list[UnitText]:
    """Every free-text unit of an item body, with its tax block opened where the keys allow."""
    out = []
    for path, masked in text_paths(body):
        block = blocks.get((item.tax_blocks or {}).get(path, ""))
        tax = opened.open(BLOCKS, block, TAX) if block is not None else None
        out.append(UnitText(path, masked, block, tax))
    return out


def check_unit(agenda_item_id: str, unit: UnitText) -> FieldCheck:
    """The check of one unit."""
    if unit.locked:
        return check_locked(RECORD, agenda_item_id, unit.path, unit.masked)
    text, applied = unit.full()
    return check_text(RECORD, agenda_item_id, unit.path, text, unit.overrides, applied=applied)


@dataclass
class MinutesReview:
    """Every item of one version with the checks of its units."""

    minutes: Minutes
    items: list[MinutesItem]
    checks: dict[str, list[FieldCheck]] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        """Did the caller's keys open every text in full (so the check is the caller's own)."""
        return len(self.checks) == len(self.items) and not any(
            c.locked for checks in self.checks.values() for c in checks
        )

    @property
    def unresolved(self) -> int:
        """Open suspects over every unit."""
        return sum(c.unresolved for checks in self.checks.values() for c in checks)

    def as_json(self) -> dict[str, Any]:
        """The wire shape, as the agenda's distribution check."""
        return {
            "meeting_id": self.minutes.meeting_id,
            "minutes_id": self.minutes.id,
            "version": self.minutes.version,
            "status": self.minutes.status,
            "distributed_at": self.minutes.approved_at,
            "unresolved": self.unresolved,
            "items": [
                {
                    "item_id": item.agenda_item_id,
                    "case_id": item.case_id,
                    "order": item.position,
                    "purpose": item.purpose,
                    "unresolved": sum(c.unresolved for c in self.checks[item.id]),
                    "fields": [c.as_json() for c in self.checks[item.id]],
                }
                for item in self.items
            ],
        }


def review(
    minutes: Minutes,
    items: list[MinutesItem],
    blocks: dict[str, TaxBlock],
    opened: Opened,
    *,
    strict: bool = True,
    counted: bool = True,
) -> MinutesReview:
    """Check every unit of every item with what the caller's keys opened.

    ``strict`` refuses minutes with an item the caller cannot open at all; otherwise such
    an item is left out and the review is not ``complete``. ``counted`` adds the open
    suspects to the metrics (not for the bookkeeping after a decision).
    """
    out = MinutesReview(minutes, items)
    for item in items:
        content = opened.open(ITEMS, item, item.audience)
        if content is None:
            if strict:
                raise unreadable()
            continue
        units = units_of(item, json.loads(content["body"]), blocks, opened)
        out.checks[item.id] = [check_unit(item.agenda_item_id, u) for u in units]
    if counted:
        metrics_for("minutes").suspects.inc(out.unresolved)
    return out
