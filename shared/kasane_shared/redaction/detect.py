"""The redactor: hand rules and the learned tagger together, masks and suspects.

The two are joined by union: a span either finds is masked. The rules are precise on the
forms they know (tax offices, ledgers, fixed phrases); the tagger generalizes to wording
they never saw. Whatever else looks like tax data but is left clear is a suspect, for a
person to decide before anything is distributed.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from .rules import find_rule_spans
from .spans import TAX_PLACEHOLDER, Span, mask, normalize
from .tagger import tag


@dataclass(frozen=True)
class Redaction:
    """Tax spans found in a text and the text with each span masked."""

    spans: list[Span]
    masked: str


def find_tax_spans(text: str) -> list[Span]:
    """Tax spans of text (rules and tagger): sorted, non-overlapping, code-point offsets."""
    if not text:
        return []
    return normalize([*find_rule_spans(text), *tag(text).spans])


def redact_text(text: str) -> Redaction:
    """Find the tax spans of text and mask them."""
    spans = find_tax_spans(text)
    return Redaction(spans=spans, masked=mask(text, spans))


def redact_record(record: Mapping[str, str | None], tax_fields: Collection[str]) -> dict:
    """Copy of record: tax-classed fields replaced whole when non-empty, text fields masked."""
    out: dict = {}
    for key, value in record.items():
        if value is None or value == "":
            out[key] = value
        elif key in tax_fields:
            # Declared tax data: hidden whatever it holds, so its shape does not leak either.
            out[key] = TAX_PLACEHOLDER
        elif isinstance(value, str):
            out[key] = mask(value, find_tax_spans(value))
        else:
            out[key] = value
    return out
