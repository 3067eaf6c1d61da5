"""The learned tax tagger: a CRF over Sudachi tokens, decoded for recall.

The model (`model/tax_crf.crfsuite`, built by `make train-redactor` from data/redaction/)
gives each token a probability of lying inside a tax span. A token is masked from
MASK_THRESHOLD up, well below one half, because a leak is a legal breach and an extra mask
only costs readability; tokens between SUSPECT_THRESHOLD and MASK_THRESHOLD become
suspects for the coordinator's distribution check.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from .features import Token, analyse
from .spans import Span

MODEL_PATH = Path(__file__).with_name("model") / "tax_crf.crfsuite"
LABELS = ("B", "I", "O")
MASK_THRESHOLD = 0.3
SUSPECT_THRESHOLD = 0.05
# Characters never worth a mask at a span's edge.
_EDGE = set(" \t\n\u3000、。，．,.・「」『』（）()【】［］[]:：;；!！?？")

_local = threading.local()
_model = {"path": MODEL_PATH, "generation": 0}


def use_model(path: Path) -> None:
    """Tag with another model file from now on (cross-validation and tests)."""
    _model["path"] = path
    _model["generation"] += 1


def _tagger():
    """This thread's CRF tagger (crfsuite taggers are not thread-safe), opened on first use."""
    tagger = getattr(_local, "tagger", None)
    if tagger is None or _local.generation != _model["generation"]:
        import pycrfsuite

        tagger = pycrfsuite.Tagger()
        tagger.open(str(_model["path"]))
        _local.tagger = tagger
        _local.generation = _model["generation"]
    return tagger


@dataclass(frozen=True)
class Scored:
    """A stretch of text and how likely the tagger thinks it holds tax data."""

    start: int
    end: int
    score: float


@dataclass(frozen=True)
class Tagging:
    """What the tagger makes of a text: spans to mask and doubtful stretches left clear."""

    spans: list[Span]
    doubtful: list[Scored]


def token_scores(text: str) -> list[tuple[Token, float]]:
    """Every tagged token of text with its probability of lying inside a tax span."""
    tagger = _tagger()
    out: list[tuple[Token, float]] = []
    for unit in analyse(text):
        if not unit.tokens:
            continue
        tagger.set(unit.features)
        for t, tok in enumerate(unit.tokens):
            out.append((tok, tagger.marginal("B", t) + tagger.marginal("I", t)))
    return out


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _EDGE:
        start += 1
    while end > start and text[end - 1] in _EDGE:
        end -= 1
    return start, end


def _runs(text: str, scored: list[tuple[Token, float]], low: float, high: float) -> list[Scored]:
    """Maximal runs of adjacent tokens scoring in [low, high), trimmed of punctuation."""
    runs: list[Scored] = []
    cur: list[int] | None = None
    best = 0.0
    prev_end = -1
    for tok, p in scored:
        inside = low <= p < high
        if inside and cur is not None and text[prev_end : tok.start].strip() == "":
            cur[1] = tok.end
            best = max(best, p)
        elif inside:
            if cur is not None:
                runs.append(Scored(cur[0], cur[1], best))
            cur, best = [tok.start, tok.end], p
        elif cur is not None:
            runs.append(Scored(cur[0], cur[1], best))
            cur = None
        prev_end = tok.end
    if cur is not None:
        runs.append(Scored(cur[0], cur[1], best))
    out = []
    for r in runs:
        s, e = _trim(text, r.start, r.end)
        if e > s:
            out.append(Scored(s, e, r.score))
    return out


def tag(text: str) -> Tagging:
    """Spans the tagger masks in text, and the stretches it doubted but left clear."""
    scored = token_scores(text)
    spans = [Span(r.start, r.end) for r in _runs(text, scored, MASK_THRESHOLD, 1.01)]
    doubtful = _runs(text, scored, SUSPECT_THRESHOLD, MASK_THRESHOLD)
    return Tagging(spans=spans, doubtful=doubtful)


def find_tagger_spans(text: str) -> list[Span]:
    """Tax spans the learned tagger alone finds in text."""
    return tag(text).spans
