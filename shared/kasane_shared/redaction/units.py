"""How a text is cut into units for the tagger: lines and sentences."""

from __future__ import annotations

import re

# A unit ends at a line break or a sentence end; a very long unit is cut at a comma so
# that Sudachi's input limit is never reached.
_UNIT_RE = re.compile(r"[^\n。！？!?]*(?:[。！？!?]+|\n|$)")
_MAX_UNIT = 2000


def split_units(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line or sentence of text, at most _MAX_UNIT code points each."""
    out: list[tuple[int, int]] = []
    for m in _UNIT_RE.finditer(text):
        s, e = m.span()
        while e - s > _MAX_UNIT:
            cut = text.rfind("、", s, s + _MAX_UNIT)
            cut = cut + 1 if cut > s else s + _MAX_UNIT
            out.append((s, cut))
            s = cut
        if e > s:
            out.append((s, e))
    return out
