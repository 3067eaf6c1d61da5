"""The redactor's shortcuts for speed change nothing it computes.

Each shortcut (Sudachi for all units first, then features a unit at a time; no Sudachi call
for a unit of spaces; the forward-backward pass kept in lists of floats) is held here to the
plain computation it replaces, exactly.
"""

from __future__ import annotations

import math

import pytest

from kasane_shared.redaction import features, tagger
from kasane_shared.redaction.crf import Scorer
from kasane_shared.redaction.normalize import normalize_text
from kasane_shared.redaction.scoring import load_gold
from kasane_shared.redaction.tokens import _tokenizer, morphemes_of, tokens_from, tokens_of
from kasane_shared.redaction.training import CORPUS, corpus_files

LINES = [g.text for g in load_gold(corpus_files(CORPUS))]


def _reference_inside(scorer: Scorer, states: list[complex]) -> list[float]:
    """crfsuite's scaled forward-backward as first written here: a tuple per token."""
    (t00, t01, t02), (t10, t11, t12), (t20, t21, t22) = scorer._trans
    es = [(math.exp(z.real), math.exp(z.imag), 1.0) for z in states]
    alpha, scale = [], []
    p0 = p1 = p2 = 0.0
    for t, (s0, s1, s2) in enumerate(es):
        if t:
            s0 *= p0 * t00 + p1 * t10 + p2 * t20
            s1 *= p0 * t01 + p1 * t11 + p2 * t21
            s2 *= p0 * t02 + p1 * t12 + p2 * t22
        total = s0 + s1 + s2
        k = 1.0 / total if total != 0.0 else 1.0
        p0, p1, p2 = s0 * k, s1 * k, s2 * k
        alpha.append((p0, p1, p2))
        scale.append(k)
    beta = [(0.0, 0.0, 0.0)] * len(es)
    beta[-1] = (scale[-1],) * 3
    for t in range(len(es) - 2, -1, -1):
        (b0, b1, b2), (s0, s1, s2), k = beta[t + 1], es[t + 1], scale[t]
        r0, r1, r2 = b0 * s0, b1 * s1, b2 * s2
        beta[t] = (
            (t00 * r0 + t01 * r1 + t02 * r2) * k,
            (t10 * r0 + t11 * r1 + t12 * r2) * k,
            (t20 * r0 + t21 * r1 + t22 * r2) * k,
        )
    return [a[0] * b[0] / k + a[1] * b[1] / k for a, b, k in zip(alpha, beta, scale)]


def test_inside_equals_the_tuple_recursion_bit_for_bit() -> None:
    scorer = Scorer(tagger.MODEL_PATH)
    get = scorer._groups.__getitem__
    units = 0
    for text in LINES[::5]:
        for unit in features.analyse(text):
            if not unit.tokens:
                continue
            states = list(map(sum, zip(*[map(get, column) for column in unit.columns])))
            expected = _reference_inside(scorer, states)
            assert [p.hex() for p in scorer.inside(unit.columns)] == [p.hex() for p in expected]
            marginals = scorer.marginals(states)
            assert [m[0] + m[1] for m in marginals] == pytest.approx(expected, abs=1e-15)
            units += 1
    assert units > 1000
    assert scorer.inside([[] for _ in range(13)]) == [] and scorer.marginals([]) == []


@pytest.mark.parametrize("text", ["\n", " 　\t", "\u3000\n", ""])
def test_a_unit_of_spaces_has_no_token_and_no_sudachi_call(text: str) -> None:
    # Sudachi would give only morphemes of spaces, which are dropped anyway.
    assert all(m.surface().isspace() for m in _tokenizer().tokenize(text))
    assert tokens_of(normalize_text(text), 0, len(text)) == []


def test_units_come_one_at_a_time_and_as_analyse_gives_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = "住民税を滞納している。\n固定資産税は完納。\n家賃の話。\n税務課によると、未申告。"
    assert list(features.iter_units(text)) == features.analyse(text)
    built: list[int] = []
    real = features._unit_columns

    def counting(tokens, classes, context):  # type: ignore[no-untyped-def]
        built.append(len(tokens))
        return real(tokens, classes, context)

    monkeypatch.setattr(features, "_unit_columns", counting)
    first = next(tagger.iter_scored_units(text))
    assert len(built) == 1 and first[0].tokens[0].surface == "住民"
    assert [p for _, p in tagger.scored_units(text)] == [
        p for _, p in list(tagger.iter_scored_units(text))
    ]
    assert tagger.token_scores(text) == list(tagger.iter_token_scores(text))


def test_tokens_from_morphemes_equal_tokens_of() -> None:
    for text in LINES[::50]:
        norm = normalize_text(text)
        tokens = tokens_of(norm, 0, len(norm.text))
        assert tokens_from(norm, morphemes_of(norm, 0, len(norm.text))) == tokens
        assert all(not t.surface.isspace() and t.start < t.end for t in tokens)


def test_rule_spans_agreed_by_bisection_as_by_comparing_each_pair() -> None:
    from kasane_shared.redaction.detect import RULE_AGREEMENT, _agreed
    from kasane_shared.redaction.rules import find_rule_spans
    from kasane_shared.redaction.spans import Span

    document = "\n".join(LINES[:400])
    cases = [(find_rule_spans(document), tagger.spans_and_doubts(document, RULE_AGREEMENT)[1])]
    doubts = [(2, 4), (4, 5), (9, 12)]
    cases.append(([Span(s, e) for s in range(14) for e in range(s + 1, 15)], doubts))
    cases.append(([Span(0, 3)], []))
    for spans, doubts in cases:
        expected = [sp for sp in spans if any(s < sp.end and sp.start < e for s, e in doubts)]
        assert _agreed(spans, doubts) == expected
    assert _agreed(cases[0][0], cases[0][1])
