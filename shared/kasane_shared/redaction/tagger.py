"""The learned tax tagger: a CRF over Sudachi tokens, decoded for recall.

The model (`model/tax_crf.crfsuite`, built by `make train-redactor` from data/redaction/)
gives each token a probability of lying inside a tax span. A token is masked from
MASK_THRESHOLD up, well below one half, because a leak is a legal breach and an extra mask
only costs readability; tokens between SUSPECT_THRESHOLD and MASK_THRESHOLD become
suspects for the coordinator's distribution check.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .crf import Scorer
from .features import Token, Unit, iter_units
from .spans import Span

MODEL_PATH = Path(__file__).with_name("model") / "tax_crf.crfsuite"
LABELS = ("B", "I", "O")
MASK_THRESHOLD = 0.3
# A mask grows over neighbouring tokens down to this probability: the tagger is surest in
# the middle of a fact and unsure at its edges (who reported it, the verb that carries the
# status), and a mask that stops short leaks the rest of the fact. 0.03 with the smoother
# model (c2 0.1) catches more and masks less than 0.01 did with the sharper one (c2 0.01), on
# writers held out from training (w17–w20, and w11–w12). 0.02 since the tenth round: on its
# mixed-genre writers, before they joined, catch 0.943 → 0.949 (w74–w77, where it was chosen)
# and 0.933 → 0.937 (w78–w81, to confirm) for 0.002–0.003 more over-redaction and no more
# false positives. 0.04 since the eleventh round, with the smoother model (c2 0.4), whose
# probabilities fall off more slowly at a fact's edges: on its writers, before they joined,
# 0.02 masked 0.007 more than the model it replaced; 0.04 held over-redaction where it was
# (w82–w85, where it was chosen: 0.050 → 0.050; w86–w89: 0.046 → 0.046) and still caught
# more (0.934 → 0.943; 0.926 → 0.935).
EXTEND_THRESHOLD = 0.04
SUSPECT_THRESHOLD = 0.05
_MAX_MODIFIER = 6  # tokens of a noun phrase taken in before 「の＋tax item」
_PERIOD_RE = re.compile(r"[0-9元一二三四五六七八九十]|年|度|期|前|後|分|時|以降|以前|当時|過去")
_MAX_GAP = 4  # characters between two masks of one sentence that are masked with them
# Characters never worth a mask at a span's edge.
_EDGE = set(" \t\n\u3000、。，．,.・「」『』（）()【】［］[]:：;；!！?？")

_local = threading.local()
_model = {"path": MODEL_PATH, "generation": 0}


def use_model(path: Path) -> None:
    """Tag with another model file from now on (cross-validation and tests)."""
    _model["path"] = path
    _model["generation"] += 1


def _scorer() -> Scorer:
    """This thread's copy of the model's weights, read on first use (its caches are not
    shared between threads)."""
    scorer = getattr(_local, "scorer", None)
    if scorer is None or _local.generation != _model["generation"]:
        scorer = _local.scorer = Scorer(_model["path"])
        _local.generation = _model["generation"]
    return scorer


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


def iter_scored_units(text: str) -> Iterator[tuple[Unit, list[float]]]:
    """Each tagged unit of text with, per token, its probability of lying inside a tax span;
    a unit at a time, so that what a caller is done with is freed before the next is built
    (a document's worth of tokens and features alive made the garbage collector's passes a
    tenth of the redactor's time)."""
    scorer = _scorer()
    for unit in iter_units(text):
        if unit.tokens:
            yield unit, scorer.inside(unit.columns)


def scored_units(text: str) -> list[tuple[Unit, list[float]]]:
    """Each tagged unit of text with, per token, its probability of lying inside a tax span."""
    return list(iter_scored_units(text))


def iter_token_scores(text: str) -> Iterator[list[tuple[Token, float]]]:
    """Per tagged unit, each token with its probability of lying inside a tax span."""
    for unit, probs in iter_scored_units(text):
        yield list(zip(unit.tokens, probs))


def token_scores(text: str) -> list[list[tuple[Token, float]]]:
    """Per tagged unit, each token with its probability of lying inside a tax span."""
    return list(iter_token_scores(text))


def _tail(tok: Token, after: Token | None) -> bool:
    """Whether tok continues the predicate before it (「滞納し|て|いる」, 「払え|とらん」)."""
    pos0, pos1 = tok.pos[0], tok.pos[1]
    if tok.surface in ("です", "でした", "とのこと", "こと"):
        return False
    if pos0 in ("助動詞", "接尾辞") or (pos0 in ("動詞", "形容詞") and pos1 == "非自立可能"):
        return True
    # て/で belong to the predicate only when an auxiliary follows (「し|て|いる」).
    return (
        pos0 == "助詞"
        and pos1 == "接続助詞"
        and tok.surface in ("て", "で")
        and after is not None
        and (after.pos[0] == "助動詞" or (after.pos[0] == "動詞" and after.pos[1] == "非自立可能"))
    )


def _modifier(tok: Token) -> bool:
    """A word of a noun phrase that may modify a tax item (「保護開始前の」「R4年度分の」)."""
    return tok.pos[0] in ("名詞", "接頭辞", "接尾辞") or tok.pos[1] in ("括弧開", "括弧閉")


def _grown(unit: list[tuple[Token, float]], threshold: float) -> list[bool]:
    """Tokens from threshold up, each run grown over neighbours from EXTEND_THRESHOLD up.

    A run grows across commas too (a source named a clause earlier, 「税務課によると、…」; a
    status told a clause later), and gives back the particles it took in at its edges
    (「…滞納はない|と」), so the mask still ends on a word.
    """
    probs = [p for _, p in unit]
    seeds = [p >= threshold for p in probs]
    grown = list(seeds)
    low = min(threshold, EXTEND_THRESHOLD)
    for i in range(1, len(probs)):  # rightwards
        grown[i] = grown[i] or (grown[i - 1] and probs[i] >= low)
    for i in range(len(probs) - 2, -1, -1):  # leftwards
        grown[i] = grown[i] or (grown[i + 1] and probs[i] >= low)
    taken_particle = [
        g and not s and tok.pos[0] == "助詞" for g, s, (tok, _) in zip(grown, seeds, unit)
    ]
    for order in (range(len(grown)), range(len(grown) - 1, -1, -1)):
        outside = True  # the previous token, in this direction, is unmasked
        for i in order:
            if grown[i] and outside and taken_particle[i]:
                grown[i] = False  # still at the edge: the next token is the new edge
                continue
            outside = not grown[i]
    return grown


def _masked_flags(unit: list[tuple[Token, float]], threshold: float) -> list[bool]:
    """Tokens to mask, drawn to whole phrases so that what is left reads as a sentence.

    From the tokens scoring threshold or more: each run is carried through its predicate
    (「…が残っている」), back over a noun phrase joined by の (「保護開始前の住民税」), and two
    runs a few characters apart are joined (the gap is inside the scorer's tolerance anyway,
    and a fact told across a comma stays one mask).
    """
    tokens = [t for t, _ in unit]
    flags = _grown(unit, threshold)
    for i in range(1, len(unit)):
        if flags[i - 1] and not flags[i]:
            after = tokens[i + 1] if i + 1 < len(unit) else None
            flags[i] = _tail(tokens[i], after)
    for i in range(2, len(unit)):
        if flags[i] and not flags[i - 1] and tokens[i - 1].surface == "の":
            j = i - 2
            while j >= 0 and i - j <= _MAX_MODIFIER and _modifier(tokens[j]):
                j -= 1
            phrase = "".join(t.surface for t in tokens[j + 1 : i - 1])
            # Times and periods come along (「R4年度分の」「保護開始前の」);
            # owners stay out (「父の」).
            if j < i - 2 and _PERIOD_RE.search(phrase):
                for k in range(j + 1, i):
                    flags[k] = True
    last = None
    for i, flag in enumerate(flags):
        if not flag:
            continue
        if last is not None and last < i - 1 and tokens[i].start - tokens[last].end <= _MAX_GAP:
            for k in range(last + 1, i):
                flags[k] = True
        last = i
    return flags


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _EDGE:
        start += 1
    while end > start and text[end - 1] in _EDGE:
        end -= 1
    return start, end


def _runs(text: str, unit: list[tuple[Token, float]], flags: list[bool]) -> list[Scored]:
    """Maximal runs of flagged tokens of one unit, trimmed of punctuation at the edges."""
    out: list[Scored] = []
    i = 0
    while i < len(unit):
        if not flags[i]:
            i += 1
            continue
        j = i
        while j + 1 < len(unit) and flags[j + 1]:
            j += 1
        s, e = _trim(text, unit[i][0].start, unit[j][0].end)
        if e > s:
            out.append(Scored(s, e, max(p for _, p in unit[i : j + 1])))
        i = j + 1
    return out


# A sentence's last few kana after a mask: the ending that carries the status in speech
# (「滞納してら」「来とるんやざ」「払ったがね」「払っとらんのだわ」), which Sudachi cuts into odd
# pieces. Connectives and report endings stay outside, so the sentence still reads.
_ENDING_RE = re.compile(r"[ぁ-ゖー]{1,3}(?=[」』）)。．！？!?、，,\n]|$)")
_NOT_ENDINGS = frozenset(
    ("ため", "ので", "から", "けど", "けれど", "けども", "し", "のに", "ても", "でも", "とか",
     "って", "です", "でした", "ですが", "ところ", "とのこと", "など", *"をがはもにでとのへや")
)  # fmt: skip


def _through_ending(text: str, span: Span) -> Span:
    """The span carried over the spoken ending that closes its sentence, if one follows."""
    m = _ENDING_RE.match(text, span.end)
    if m is None or m.group() in _NOT_ENDINGS:
        return span
    return Span(span.start, m.end())


def _masks(text: str, unit: list[tuple[Token, float]]) -> tuple[list[bool], list[Span]]:
    """Tokens of a unit to mask, and the spans they make."""
    if max(p for _, p in unit) < MASK_THRESHOLD:
        # Masks grow only from a token scoring MASK_THRESHOLD or more: none here (most units).
        return [False] * len(unit), []
    masked = _masked_flags(unit, MASK_THRESHOLD)
    return masked, [_through_ending(text, Span(r.start, r.end)) for r in _runs(text, unit, masked)]


def tag(text: str) -> Tagging:
    """Spans the tagger masks in text, and the stretches it doubted but left clear."""
    spans: list[Span] = []
    doubtful: list[Scored] = []
    for unit in iter_token_scores(text):
        masked, found = _masks(text, unit)
        spans += found
        doubt = [not m and p >= SUSPECT_THRESHOLD for m, (_, p) in zip(masked, unit)]
        doubtful += _runs(text, unit, doubt)
    return Tagging(spans=spans, doubtful=doubtful)


def spans_and_doubts(text: str, doubt: float) -> tuple[list[Span], list[tuple[int, int]]]:
    """The tagger's spans in text, and (start, end) of every token it scores from doubt up."""
    spans: list[Span] = []
    doubts: list[tuple[int, int]] = []
    for unit, probs in iter_scored_units(text):
        top = max(probs)
        if top < doubt:
            continue
        scored = list(zip(unit.tokens, probs))
        if top >= MASK_THRESHOLD:  # a mask grows only from such a token
            spans += _masks(text, scored)[1]
        doubts += [(tok.start, tok.end) for tok, p in scored if p >= doubt]
    return spans, doubts


def find_tagger_spans(text: str) -> list[Span]:
    """Tax spans the learned tagger alone finds in text."""
    return spans_and_doubts(text, MASK_THRESHOLD)[0]
