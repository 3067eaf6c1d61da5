"""The learned tagger: reproducible from the corpus, and held at its blind-split figures."""

from __future__ import annotations

from pathlib import Path

import pytest

from kasane_shared.redaction import find_tax_spans
from kasane_shared.redaction.scoring import load_gold, score_with
from kasane_shared.redaction.suspects import find_suspects
from kasane_shared.redaction.tagger import MODEL_PATH
from kasane_shared.redaction.training import CORPUS, corpus_files, train

BLIND = Path(__file__).resolve().parents[2] / "data" / "redaction" / "blind"

# What the redactor (rules and tagger together) reached on the blind split when this model
# was trained; README and `make bench BENCH=redaction` give the same figures. A change that
# loses catch, or masks more, fails here.
BLIND_MIN_CATCH = 0.973  # reached: 0.976 (0.966 after the tenth round, 0.958 after the ninth)
BLIND_MAX_OVER = 0.058  # reached: 0.057 (0.061 after the tenth round, 0.059 after the ninth)
BLIND_MAX_FPR = 0.037  # reached: 0.034 (0.039 after the tenth, ninth and eighth rounds)
# The distribution check: masked or flagged as a suspect (reached: 0.998).
BLIND_MIN_MASKED_OR_SUSPECT = 0.995


def test_training_reproduces_the_shipped_model_byte_for_byte(tmp_path: Path) -> None:
    # The shipped model came from an earlier run of `make train-redactor`: equal bytes now
    # prove both that training is deterministic and that the model matches its corpus.
    model = tmp_path / "retrained.crfsuite"
    train(load_gold(corpus_files(CORPUS)), model)
    assert model.read_bytes() == MODEL_PATH.read_bytes()


def test_the_model_is_small_and_inside_the_package() -> None:
    assert MODEL_PATH.is_file()
    assert "kasane_shared" in MODEL_PATH.parts
    # 8.6 MB since the eleventh round's smoother model (c2 0.4 keeps more weights); pruning
    # features seen once (trained without w78–w81) brought it to 5.6 MB but flagged 0.011 more
    # of those writers' negative lines.
    assert MODEL_PATH.stat().st_size < 12 * 2**20


def test_blind_split_figures_hold() -> None:
    gold = load_gold(sorted(BLIND.glob("*.jsonl")))
    assert len(gold) >= 400
    figures = score_with(gold, find_tax_spans)
    assert figures.catch >= BLIND_MIN_CATCH, figures.row()
    assert figures.over <= BLIND_MAX_OVER, figures.row()
    assert figures.fpr <= BLIND_MAX_FPR, figures.row()


def test_masks_and_suspects_together_cover_the_blind_split() -> None:
    gold = load_gold(sorted(BLIND.glob("*.jsonl")))

    def flagged(text: str) -> list[tuple[int, int]]:
        spans = find_tax_spans(text)
        return [(s.start, s.end) for s in spans] + [
            (x.start, x.end) for x in find_suspects(text, spans)
        ]

    assert score_with(gold, flagged).catch >= BLIND_MIN_MASKED_OR_SUSPECT


def test_held_out_writers_are_left_out_of_training_and_scored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kasane_shared.redaction import training
    from kasane_shared.redaction.scoring import Gold
    from kasane_shared.redaction.tagger import find_tagger_spans

    text = "本人は住民税を滞納している。"
    lines = [Gold(f"wa-{i:04d}", text, [(3, 13)]) for i in range(4)]
    other = "軽自動車税が未納。家賃は払えている。"
    lines += [Gold(f"wb-{i:04d}", other, [(0, 8)]) for i in range(4)]
    trained_on: list[str] = []
    real_train = training.train

    def spy(rows: list[Gold], out: Path) -> None:
        trained_on.extend(g.id for g in rows)
        real_train(rows, out)

    monkeypatch.setattr(training, "train", spy)
    both, alone = training.held_out(lines, {"wa"}, tmp_path)
    assert trained_on == [f"wb-{i:04d}" for i in range(4)]
    assert (both.lines, both.spans, alone.lines) == (4, 4, 4)
    # The shipped model is back in use afterwards.
    assert find_tagger_spans(text)


def test_tokens_know_how_their_clause_and_the_one_before_end() -> None:
    from kasane_shared.redaction.features import analyse

    unit = analyse("住民税を滞納しているため、家賃も遅れている。")[0]
    feats = dict(zip((t.surface for t in unit.tokens), unit.features))
    assert {"ce=ため", "pce=<bos>", "nb=00"} <= set(feats["滞納"])
    assert {"ce=<eos>", "pce=ため", "nb=10"} <= set(feats["家賃"])
