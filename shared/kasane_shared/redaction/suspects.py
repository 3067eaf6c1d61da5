"""Suspects: phrases left clear that look like tax data, for a person to decide.

The redactor's masks alone do not reach a catch of 1.0; the distribution check (配布前確認)
closes the gap with a person in the loop. A suspect is a stretch outside every mask that
the tagger doubted, or that holds a tax word, or a payment status near a tax cue, or a tax
office. Each comes with a short reason in Japanese for the coordinator.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from .features import LEXICON_CLASSES, split_units
from .spans import Span
from .tagger import tag

REASONS = {
    "tagger": "税情報の可能性があります（自動判定で確信が持てない箇所）",
    "taxname": "税目・税の名前が含まれています",
    "status": "納付・徴収・申告の状況を表す語で、近くに税の手がかりがあります",
    "office": "税務担当課・税務署の名前があります",
    "ledger": "課税台帳・税の証明・通知に関する語です",
}
# Status words that are tax data when the unit ties them to tax (滞納, 差押 ...).
_STATUS_RE = re.compile(
    r"滞納|未納|完納|分納|納付|延滞金|督促|催告|差し?押さ?え?|差押|公売|執行停止|申告|控除|還付|"
    r"徴収|天引き?|課税|非課税|賦課|充当|給与照会|臨戸|納税相談|分割納付|払えて?(?:い|お)?ない"
)
_TAX_CUE_RE = re.compile(r"税|稅|ｾﾞｲ|ゼイ")
_NOT_TAX = LEXICON_CLASSES["notax"]


@dataclass(frozen=True)
class Suspect:
    """A stretch left clear that may hold tax data, and why it was flagged."""

    start: int
    end: int
    kind: str

    @property
    def reason(self) -> str:
        return REASONS[self.kind]


def _outside(start: int, end: int, masked: list[tuple[int, int]]) -> bool:
    return not any(s < end and start < e for s, e in masked)


def _lexicon_hits(text: str) -> Iterable[Suspect]:
    """Tax words, offices and records anywhere; status words in units with a tax cue."""
    blocked = [m.span() for m in _NOT_TAX.finditer(text)]
    for kind in ("taxname", "office", "ledger"):
        for m in LEXICON_CLASSES[kind].finditer(text):
            if _outside(*m.span(), blocked):
                yield Suspect(m.start(), m.end(), kind)
    for s, e in split_units(text):
        unit = unicodedata.normalize("NFKC", text[s:e])
        if len(unit) != e - s or not _TAX_CUE_RE.search(unit):
            unit = text[s:e]
            if not _TAX_CUE_RE.search(unit):
                continue
        for m in _STATUS_RE.finditer(text, s, e):
            yield Suspect(m.start(), m.end(), "status")


def find_suspects(text: str, masked: Iterable[Span | tuple[int, int]]) -> list[Suspect]:
    """Suspects of text: what looks like tax data outside the masked ranges, merged."""
    ranges = [(m.start, m.end) if isinstance(m, Span) else (m[0], m[1]) for m in masked]
    found = [Suspect(d.start, d.end, "tagger") for d in tag(text).doubtful]
    found += list(_lexicon_hits(text))
    found = [f for f in found if _outside(f.start, f.end, ranges)]
    found.sort(key=lambda f: (f.start, -f.end))
    merged: list[Suspect] = []
    for f in found:
        if merged and f.start < merged[-1].end:
            last = merged[-1]
            if f.end > last.end:
                merged[-1] = Suspect(last.start, f.end, last.kind)
            continue
        merged.append(f)
    return merged
