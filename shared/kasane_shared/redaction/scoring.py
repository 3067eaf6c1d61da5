"""Score predicted tax spans against gold lines, as GUIDELINE.md defines the three figures.

- catch: share of gold spans whose characters are at least 90% masked;
- over: masked characters outside every gold span (each widened by 2 on both sides), as a
  share of all characters outside them;
- fpr: share of negative lines on which anything at all was masked.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Gold:
    """One annotated line: its id, text and gold spans (code points, end exclusive)."""

    id: str
    text: str
    spans: list[tuple[int, int]]


@dataclass(frozen=True)
class Score:
    """The guideline's three figures over a set of lines."""

    catch: float
    over: float
    fpr: float
    lines: int
    spans: int

    def row(self) -> str:
        return f"catch {self.catch:.3f}  over {self.over:.3f}  fpr {self.fpr:.3f}"


def load_gold(paths: Iterable[Path]) -> list[Gold]:
    """Annotated lines of every JSON Lines file named, in order."""
    out: list[Gold] = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    row = json.loads(line)
                    spans = [(int(s), int(e)) for s, e, *_ in row["spans"]]
                    out.append(Gold(str(row["id"]), row["text"], spans))
    return out


def _mask(spans: Iterable[tuple[int, int]], length: int) -> list[bool]:
    m = [False] * length
    for s, e in spans:
        for i in range(max(0, s), min(length, e)):
            m[i] = True
    return m


def score(gold: Sequence[Gold], predicted: Sequence[Sequence[tuple[int, int]]]) -> Score:
    """The three figures of predicted spans (one list per gold line, same order)."""
    caught = total = outside = over = negatives = flagged = 0
    for g, pred in zip(gold, predicted, strict=True):
        mask = _mask(pred, len(g.text))
        for s, e in g.spans:
            total += 1
            caught += sum(mask[s:e]) >= 0.9 * (e - s)
        near = _mask([(s - 2, e + 2) for s, e in g.spans], len(g.text))
        for m, n in zip(mask, near):
            if not n:
                outside += 1
                over += m
        if not g.spans:
            negatives += 1
            flagged += any(mask)
    return Score(
        catch=caught / total if total else 1.0,
        over=over / outside if outside else 0.0,
        fpr=flagged / negatives if negatives else 0.0,
        lines=len(gold),
        spans=total,
    )


def score_with(gold: Sequence[Gold], find: Callable[[str], Iterable]) -> Score:
    """Score a span finder (anything returning spans or (start, end) pairs) on gold lines."""
    predicted = []
    for g in gold:
        predicted.append([(s.start, s.end) if hasattr(s, "start") else s for s in find(g.text)])
    return score(gold, predicted)


def flagged_recall(gold: Sequence[Gold], flagged: Sequence[Sequence[tuple[int, int]]]) -> float:
    """Share of gold spans at least 90% covered by masks and suspects together."""
    return score(gold, flagged).catch
