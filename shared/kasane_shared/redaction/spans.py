"""Tax spans: the span type, merging, masking with the one placeholder, review overrides."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# The one placeholder for masked tax data: API, web pages, Word copies and the CLI alike.
TAX_PLACEHOLDER = "［税情報］"


@dataclass(frozen=True)
class Span:
    """A half-open range of code points [start, end) holding tax data."""

    start: int
    end: int
    label: str = "tax"


def normalize(spans: Iterable[Span | tuple[int, int]]) -> list[Span]:
    """Sort spans and merge overlapping or touching ones into tax spans."""
    pairs = sorted((s.start, s.end) if isinstance(s, Span) else (s[0], s[1]) for s in spans)
    merged: list[list[int]] = []
    for s, e in pairs:
        if e <= s:
            continue
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return [Span(s, e) for s, e in merged]


def mask(text: str, spans: Iterable[Span]) -> str:
    """Replace each span by one fixed placeholder, whatever its length."""
    parts: list[str] = []
    pos = 0
    for sp in normalize(spans):
        start, end = max(sp.start, pos), min(sp.end, len(text))
        if start >= end:
            continue
        parts.append(text[pos:start])
        parts.append(TAX_PLACEHOLDER)
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


def apply_overrides(
    text: str,
    detected: list[Span],
    marked: list[tuple[int, int]],
    unmarked: list[tuple[int, int]],
) -> list[Span]:
    """Spans after a coordinator's review: marked ranges added, unmarked ones released."""
    for start, end in [*marked, *unmarked]:
        if not 0 <= start < end <= len(text):
            raise ValueError(f"range ({start}, {end}) is outside the text of length {len(text)}")
    kept = [
        sp
        for sp in detected
        if not any(sp.start < end and start < sp.end for start, end in unmarked)
    ]
    return normalize([*kept, *marked])
