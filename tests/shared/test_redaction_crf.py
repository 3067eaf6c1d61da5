"""The tagger's own CRF arithmetic (crf.py) against crfsuite's, on the training corpus.

The redactor sums remembered feature groups and runs the forward-backward pass itself,
because handing crfsuite every feature string was most of its time. These tests hold it to
crfsuite: a change to the feature templates that the groups do not carry over, or a slip in
the recursion, changes the marginals and fails here.
"""

from __future__ import annotations

from pathlib import Path

import pycrfsuite
import pytest

from kasane_shared.redaction import find_tax_spans, tagger
from kasane_shared.redaction.crf import Scorer
from kasane_shared.redaction.features import analyse
from kasane_shared.redaction.scoring import load_gold
from kasane_shared.redaction.suspects import find_suspects
from kasane_shared.redaction.training import CORPUS, corpus_files

LINES = [g.text for g in load_gold(corpus_files(CORPUS))]


def _crfsuite() -> pycrfsuite.Tagger:
    reference = pycrfsuite.Tagger()
    reference.open(str(tagger.MODEL_PATH))
    return reference


def test_marginals_equal_crfsuite_on_every_training_line() -> None:
    reference, scorer = _crfsuite(), Scorer(tagger.MODEL_PATH)
    units = 0
    for text in LINES:
        for unit in analyse(text):
            if not unit.tokens:
                continue
            reference.set(unit.features)
            expected = [
                reference.marginal("B", t) + reference.marginal("I", t)
                for t in range(len(unit.tokens))
            ]
            assert scorer.inside(unit.columns) == pytest.approx(expected, abs=1e-9), text
            units += 1
    assert units > 5000


class _CrfsuiteScorer:
    """crfsuite behind the Scorer's interface: each token's feature strings, as trained."""

    def __init__(self) -> None:
        self._tagger = _crfsuite()

    def inside(self, columns: list[list[tuple[str, ...]]]) -> list[float]:
        features = [[f for g in groups for f in g] for groups in zip(*columns)]
        self._tagger.set(features)
        return [
            self._tagger.marginal("B", t) + self._tagger.marginal("I", t)
            for t in range(len(features))
        ]


def test_masks_and_suspects_equal_those_of_crfsuite(monkeypatch: pytest.MonkeyPatch) -> None:
    sample = LINES[::7]
    ours = [(find_tax_spans(t), find_suspects(t, find_tax_spans(t))) for t in sample]
    monkeypatch.setattr(tagger, "_scorer", _CrfsuiteScorer)
    theirs = [(find_tax_spans(t), find_suspects(t, find_tax_spans(t))) for t in sample]
    assert ours == theirs
    assert any(spans for spans, _ in ours) and any(s for _, s in ours)


def test_a_file_that_is_no_crf_model_is_refused(tmp_path: Path) -> None:
    bogus = tmp_path / "model.crfsuite"
    bogus.write_bytes(b"not a model at all, but long enough to hold a header" * 2)
    with pytest.raises(ValueError):
        Scorer(bogus)
