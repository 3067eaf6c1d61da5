"""The distribution check (配布前確認) of one text, shared by agenda and minutes.

For a text the coordinator can open in full, the check lists what will be masked (the
redactor's spans as "auto", the coordinator's own marks as "manual") and the suspects the
redactor flags outside those masks. A suspect stays open until the coordinator masks it
(``mark``) or says it is not tax data (``keep``); an unmark is such a decision too.

Decisions live in the record's sealed overrides next to the marks, per field:
``{"marked": [[s, e]], "unmarked": [[s, e]], "kept": [[s, e, member id, ISO time]]}``,
so they survive while the text is unchanged and go with it when it is rewritten. Nothing
here stores or logs text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kasane_shared.db import utcnow
from kasane_shared.errors import FieldError, KasaneError
from kasane_shared.redaction import TAX_PLACEHOLDER, Span, apply_overrides, find_tax_spans
from kasane_shared.redaction.suspects import Suspect, find_suspects

Range = tuple[int, int]
# Suspect kinds this module adds to the redactor's own.
LOCKED_KIND = "locked"
LOCKED_REASON = (
    "税情報を含む全文を開く鍵がないため、ここでは判断できません。"
    "全文を閲覧できる担当者が確認するか、本文を書き直してください。"
)
STALE_KIND = "redactor"
STALE_REASON = "現在の自動判定では税情報です（保存後に判定が変わったため、まだ伏せていません）"


@dataclass
class FieldCheck:
    """The check of one field: its text, the masks, the open suspects and the decisions."""

    record: str
    record_id: str
    field: str
    text: str
    masked: list[tuple[int, int, str]] = field(default_factory=list)
    suspects: list[Suspect] = field(default_factory=list)
    kept: list[list[Any]] = field(default_factory=list)
    locked: bool = False

    @property
    def unresolved(self) -> int:
        """Suspects still waiting for the coordinator."""
        return len(self.suspects)

    def as_json(self) -> dict[str, Any]:
        """The wire shape (offsets in code points of ``text``)."""
        return {
            "record": self.record,
            "record_id": self.record_id,
            "field": self.field,
            "text": self.text,
            "masked": [[s, e, origin] for s, e, origin in self.masked],
            "suspects": [[s.start, s.end, reason_of(s)] for s in self.suspects],
            "suspect_kinds": [s.kind for s in self.suspects],
            "kept": [list(k) for k in self.kept],
            "locked": self.locked,
        }


def reason_of(suspect: Suspect) -> str:
    """The Japanese reason shown next to a suspect."""
    if suspect.kind == LOCKED_KIND:
        return LOCKED_REASON
    if suspect.kind == STALE_KIND:
        return STALE_REASON
    return suspect.reason


def valid_ranges(text: str, ranges: Any) -> list[Range]:
    """The ``[start, end, ...]`` entries of a stored list that still fit the text."""
    out = []
    for entry in ranges or []:
        start, end = int(entry[0]), int(entry[1])
        if 0 <= start < end <= len(text):
            out.append((start, end))
    return out


def decided(text: str, overrides: dict[str, Any] | None) -> list[Range]:
    """Ranges the coordinator said are not tax data (kept or unmarked)."""
    overrides = overrides or {}
    return valid_ranges(text, overrides.get("kept")) + valid_ranges(text, overrides.get("unmarked"))


def covered(start: int, end: int, ranges: list[Range]) -> bool:
    """Is every code point of [start, end) inside one of ``ranges``."""
    at = start
    for s, e in sorted(ranges):
        if s <= at < e:
            at = e
        if at >= end:
            return True
    return at >= end


def _subtract(ranges: list[Range], minus: list[Span]) -> list[Range]:
    out = []
    for start, end in ranges:
        pieces = [(start, end)]
        for m in minus:
            pieces = [
                p
                for s, e in pieces
                for p in ((s, min(e, m.start)), (max(s, m.end), e))
                if p[0] < p[1]
            ]
        out += pieces
    return out


def masks_of(text: str, overrides: dict[str, Any] | None) -> tuple[list[Span], list[tuple]]:
    """(every span that will be masked, the same labelled "auto" or "manual" for display)."""
    overrides = overrides or {}
    marked = valid_ranges(text, overrides.get("marked"))
    unmarked = valid_ranges(text, overrides.get("unmarked"))
    detected = find_tax_spans(text)
    auto = apply_overrides(text, detected, [], unmarked)
    applied = apply_overrides(text, detected, marked, unmarked)
    labelled = [(s.start, s.end, "auto") for s in auto]
    labelled += [(s, e, "manual") for s, e in _subtract(marked, auto)]
    return applied, sorted(labelled)


def check_text(
    record: str,
    record_id: str,
    name: str,
    text: str,
    overrides: dict[str, Any] | None,
    applied: list[Range] | None = None,
) -> FieldCheck:
    """Check a full text; ``applied`` are the masks readers get now, when they are stored ones.

    Without ``applied`` the masks are those the redactor and the overrides give now. With
    it (minutes keep the masks of the moment they were saved), a span today's redactor
    would mask but readers get in clear is a suspect too.
    """
    spans, labelled = masks_of(text, overrides)
    if applied is not None:
        manual = valid_ranges(text, (overrides or {}).get("marked"))
        labelled = sorted(
            (s, e, "manual" if any(m[0] < e and s < m[1] for m in manual) else "auto")
            for s, e in applied
        )
        mask_ranges = list(applied)
    else:
        mask_ranges = [(s.start, s.end) for s in spans]
    found = find_suspects(text, mask_ranges)
    if applied is not None:
        found += [
            Suspect(s, e, STALE_KIND)
            for s, e in _subtract([(sp.start, sp.end) for sp in spans], _spans(applied))
        ]
    done = decided(text, overrides)
    open_ = sorted(
        (s for s in found if not covered(s.start, s.end, done)), key=lambda s: (s.start, s.end)
    )
    kept = [list(k) for k in (overrides or {}).get("kept", []) if valid_ranges(text, [k])]
    return FieldCheck(record, record_id, name, text, labelled, open_, kept)


def _spans(ranges: list[Range]) -> list[Span]:
    return [Span(s, e) for s, e in ranges]


def check_locked(record: str, record_id: str, name: str, masked_text: str) -> FieldCheck:
    """A field the caller cannot open in full: what readers will see, each suspect open."""
    placeholders, at = [], masked_text.find(TAX_PLACEHOLDER)
    while at >= 0:
        placeholders.append((at, at + len(TAX_PLACEHOLDER)))
        at = masked_text.find(TAX_PLACEHOLDER, at + len(TAX_PLACEHOLDER))
    found = find_suspects(masked_text, placeholders)
    # Every suspect here needs someone who can read the full text (or a rewrite).
    suspects = [Suspect(s.start, s.end, LOCKED_KIND) for s in found]
    labelled = [(s, e, "auto") for s, e in placeholders]
    return FieldCheck(record, record_id, name, masked_text, labelled, suspects, [], locked=True)


def range_error(text: str, start: int, end: int) -> KasaneError | None:
    """A 422 when [start, end) is not a range of code points inside the text.

    Texts hold code points only (a lone surrogate is refused on input), so a range inside
    the text never cuts a character; offsets counted in UTF-16 units by a client fall
    outside the text or miss the suspect they meant, and are refused for that.
    """
    if not 0 <= start < end <= len(text):
        return _invalid(
            f"範囲は本文（{len(text)}文字）の中で、開始 < 終了にしてください。",
            f"The range must lie within the text ({len(text)} characters), start < end.",
        )
    return None


def _invalid(ja: str, en: str) -> KasaneError:
    return KasaneError(
        422,
        "invalid_input",
        "入力内容に誤りがあります。",
        "The input is not valid.",
        errors=[FieldError("end", ja, en)],
    )


def not_a_suspect() -> KasaneError:
    """A keep must name an open suspect exactly."""
    return KasaneError(
        422,
        "not_a_suspect",
        "この範囲は確認待ちの疑い箇所ではありません。配布前確認に表示された範囲を指定してください。",
        "This range is not an open suspect. Use a range listed by the distribution check.",
        errors=[
            FieldError(
                "start",
                "配布前確認に表示された疑い箇所の範囲を指定してください。",
                "Use a suspect's range as the check lists it.",
            )
        ],
    )


def unresolved_suspects(count: int) -> KasaneError:
    """Distribution or approval refused while suspects are open."""
    return KasaneError(
        409,
        "unresolved_suspects",
        f"確認が済んでいない疑い箇所が{count}件あります。"
        "配布前確認で「伏せる」か「税情報ではない」を選んでください。",
        f"{count} suspect(s) are still open. Mask each one or mark it as not tax data.",
    )


def with_decision(
    field_overrides: dict[str, Any],
    action: str,
    start: int,
    end: int,
    member_id: str,
    *,
    also_unmark: bool = False,
) -> dict[str, Any]:
    """A field's overrides after a mark, unmark or keep (an unmark releases overlapping marks).

    ``also_unmark`` makes a keep hold against the redactor too (a span it masks today).
    """
    marked = [list(r) for r in field_overrides.get("marked", [])]
    unmarked = [list(r) for r in field_overrides.get("unmarked", [])]
    kept = [list(r) for r in field_overrides.get("kept", [])]

    def apart(ranges: list[list[Any]]) -> list[list[Any]]:
        return [r for r in ranges if not (r[0] < end and start < r[1])]

    if action == "mark":
        unmarked, kept = apart(unmarked), apart(kept)
        marked.append([start, end])
    elif action == "unmark":
        marked = apart(marked)
        unmarked.append([start, end])
    else:
        kept.append([start, end, member_id, utcnow().isoformat()])
        if also_unmark:
            marked = apart(marked)
            unmarked.append([start, end])
    return {"marked": marked, "unmarked": unmarked, "kept": kept}


def open_suspect(check: FieldCheck, start: int, end: int) -> Suspect:
    """The open suspect a keep names exactly, or a 422."""
    for suspect in [] if check.locked else check.suspects:
        if suspect.start == start and suspect.end == end:
            return suspect
    raise not_a_suspect()
