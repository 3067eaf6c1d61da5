"""Suspects: phrases left clear that look like tax data, for a person to decide.

The redactor's masks alone do not reach a catch of 1.0; the distribution check (配布前確認)
closes the gap with a person in the loop. The net is cast wide on purpose: in every clause
near a tax cue, whatever is left clear becomes one suspect when the tagger gave any of its
words even a small chance of being tax data, or when the clause holds a tax word, a tax
office, a tax record or a payment status. Each suspect carries a short reason in Japanese.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .features import Token, Unit
from .spans import Span
from .tagger import iter_scored_units

# A clause is doubtful from this probability up (the mask starts far higher).
SUSPECT_THRESHOLD = 0.02

REASONS = {
    "taxname": "税目・税の名前が含まれています",
    "office": "税務担当課・税務署の名前があります",
    "ledger": "課税台帳・税の証明・通知に関する語です",
    "status": "納付・徴収・申告の状況を表す語です",
    "paying": "支払い・滞りを表す語で、近くに税の話があります",
    "tagger": "税情報の可能性があります（自動判定で確信が持てない箇所）",
    "context": "直前の税の話への答えで、支払いや金額に触れています",
}
# Which word classes make a clause suspect, strongest reason first.
_CLASS_REASONS = (
    ("taxname", "taxname"),
    ("reading", "taxname"),
    ("office", "office"),
    ("ledger", "ledger"),
    ("taxstat", "status"),
    ("act", "status"),
    ("status", "status"),
    ("paying", "paying"),
)
_RANK = ("taxname", "office", "ledger", "status", "paying", "tagger", "context")
_CLAUSE_BREAKS = {
    "、",
    ",",
    "，",
    "。",
    "「",
    "」",
    "『",
    "』",
    ":",
    "：",
    "(",
    ")",
    "・",
    "|",
    "｜",
}


@dataclass(frozen=True)
class Suspect:
    """A stretch left clear that may hold tax data, and why it was flagged."""

    start: int
    end: int
    kind: str

    @property
    def reason(self) -> str:
        return REASONS[self.kind]


def _clauses(unit: list[tuple[Token, float]]) -> list[list[tuple[Token, float]]]:
    out: list[list[tuple[Token, float]]] = [[]]
    for tok, p in unit:
        if tok.surface in _CLAUSE_BREAKS:
            out.append([])
        else:
            out[-1].append((tok, p))
    return [c for c in out if c]


def _kind(clause: list[tuple[Token, float]], classes_of: dict[int, list[str]]) -> str | None:
    """The reason a clause is suspect, or None."""
    present = {c for tok, _ in clause for c in classes_of.get(tok.start, [])}
    for cls, kind in _CLASS_REASONS:
        if cls in present:
            return kind
    if any(p >= SUSPECT_THRESHOLD for _, p in clause):
        return "tagger"
    return None


def _clear_runs(clause: list[tuple[Token, float]], masked: list[tuple[int, int]]):
    """(start, end) of each stretch of the clause that no mask covers."""
    run: list[int] | None = None
    for tok, _ in clause:
        hidden = any(s < tok.end and tok.start < e for s, e in masked)
        if hidden:
            if run:
                yield run[0], run[1]
            run = None
        elif run is None:
            run = [tok.start, tok.end]
        else:
            run[1] = tok.end
    if run:
        yield run[0], run[1]


def find_suspects(text: str, masked: Iterable[Span | tuple[int, int]]) -> list[Suspect]:
    """Suspects of text: clear stretches of doubtful clauses near a tax cue, in text order."""
    ranges = [(m.start, m.end) if isinstance(m, Span) else (m[0], m[1]) for m in masked]
    out: list[Suspect] = []
    for unit, probs in iter_scored_units(text):
        classes_of = dict(zip((t.start for t in unit.tokens), unit.classes))
        scored = list(zip(unit.tokens, probs))
        kinds = [k for k in (_kind(c, classes_of) for c in _clauses(scored)) if k is not None]
        if not kinds and _answers_about_tax(unit, classes_of):
            kinds = ["context"]
        if not kinds:
            continue
        # The whole sentence is offered, not only the clause: a fact told across a comma
        # (「税金の紙、ずっと開けとらん」) must be covered whole.
        kind = min(kinds, key=_RANK.index)
        out += [Suspect(s, e, kind) for s, e in _clear_runs(scored, ranges) if _worth(text, s, e)]
    return out


def _answers_about_tax(unit: Unit, classes_of: dict[int, list[str]]) -> bool:
    """A sentence right after tax talk that speaks of paying, owing, amounts or years."""
    if "uncued" not in unit.token_features(0):
        return False
    present = {c for t in unit.tokens for c in classes_of.get(t.start, [])}
    numeric = any(t.pos[1] == "数詞" for t in unit.tokens)
    return numeric or bool(present & {"paying", "negation", "amount", "year"})


def _worth(text: str, start: int, end: int) -> bool:
    """Whether a clear stretch is worth a click: more than punctuation and particles."""
    stretch = text[start:end].strip("、。，．,.・「」『』（）()【】［］[]:：;；!！?？ 　\n")
    return len(stretch) >= 2
