"""Train the tax tagger from the annotated corpus: `make train-redactor`.

    python -m kasane_shared.redaction.training [--corpus DIR] [--out FILE]
    python -m kasane_shared.redaction.training --cross-validate
    python -m kasane_shared.redaction.training --held-out w17,w18,w19,w20

Training is deterministic: the same corpus gives the same model bytes (L-BFGS, fixed
order of files and lines, no random state). Cross-validation leaves one writer out at a
time, so its figures say how the tagger does on a hand it never saw.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .features import analyse
from .scoring import Gold, Score, load_gold, score, score_with
from .tagger import MODEL_PATH

REPO = Path(__file__).resolve().parents[3]
CORPUS = REPO / "data" / "redaction" / "train"
PARAMS = {
    "c1": 0.05,
    # Smoother still than the 0.1 that replaced 0.01: with the corpus at 28,792 lines, w78–w81
    # held out caught 0.933 (c2 0.1), 0.945 (0.2), 0.951 (0.4), 0.955 (0.8, but false
    # positives 0.075 → 0.091), and the eleventh round's writers confirmed it fresh
    # (data/redaction/README.md).
    "c2": 0.4,
    "max_iterations": 300,
    "feature.possible_transitions": True,
}


def corpus_files(corpus: Path) -> list[Path]:
    """The training files, in a fixed order."""
    return sorted(corpus.glob("*.jsonl"))


def labelled_units(gold: Gold) -> list[tuple[list[list[str]], list[str]]]:
    """(features, BIO labels) for each tagged unit of a gold line."""
    covered = [0] * len(gold.text)
    for k, (s, e) in enumerate(gold.spans, 1):
        for i in range(s, e):
            covered[i] = k
    out = []
    for unit in analyse(gold.text):
        if not unit.tokens:
            continue
        labels: list[str] = []
        prev = 0
        for tok in unit.tokens:
            ids = [covered[i] for i in range(tok.start, tok.end)]
            span = max(set(ids), key=ids.count)
            inside = span and ids.count(span) * 2 >= len(ids)
            labels.append("O" if not inside else ("I" if span == prev else "B"))
            prev = span if inside else 0
        out.append((unit.features, labels))
    return out


def writer_of(line: Gold) -> str:
    """The writer of a corpus line: its id prefix ("w3-0012" → "w3"); dev.jsonl's are "dev"."""
    return line.id.split("-")[0] if "-" in line.id else "dev"


def train(lines: list[Gold], out: Path) -> None:
    """Fit the CRF on lines and write the model to out."""
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    for g in lines:
        for feats, labels in labelled_units(g):
            trainer.append(feats, labels)
    trainer.set_params(PARAMS)
    out.parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(out))


def cross_validate(lines: list[Gold], workdir: Path) -> dict[str, Score]:
    """Leave-one-writer-out figures of the tagger alone."""
    from . import tagger

    writers = sorted({writer_of(g) for g in lines})
    results: dict[str, Score] = {}
    for w in writers:
        held = [g for g in lines if writer_of(g) == w]
        rest = [g for g in lines if writer_of(g) != w]
        model = workdir / f"cv-{w}.crfsuite"
        train(rest, model)
        tagger.use_model(model)
        try:
            results[w] = score(
                held, [[(s.start, s.end) for s in tagger.find_tagger_spans(g.text)] for g in held]
            )
        finally:
            tagger.use_model(MODEL_PATH)
    return results


def held_out(lines: list[Gold], writers: set[str], workdir: Path) -> tuple[Score, Score]:
    """The redactor (rules and tagger) and the tagger alone on writers left out of training."""
    from . import tagger
    from .detect import find_tax_spans

    held = [g for g in lines if writer_of(g) in writers]
    model = workdir / "held-out.crfsuite"
    train([g for g in lines if writer_of(g) not in writers], model)
    tagger.use_model(model)
    try:
        return score_with(held, find_tax_spans), score_with(held, tagger.find_tagger_spans)
    finally:
        tagger.use_model(MODEL_PATH)


def main(argv: list[str] | None = None) -> int:
    """Train the model, or cross-validate by writer."""
    ap = argparse.ArgumentParser(prog="python -m kasane_shared.redaction.training")
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--out", type=Path, default=MODEL_PATH)
    ap.add_argument("--cross-validate", action="store_true")
    ap.add_argument("--held-out", metavar="W1,W2,…", help="writers to leave out and score")
    args = ap.parse_args(argv)
    files = corpus_files(args.corpus)
    if not files:
        print(f"コーパスがありません: {args.corpus} (no corpus files)", file=sys.stderr)
        return 2
    lines = load_gold(files)
    if args.held_out:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            both, alone = held_out(lines, set(args.held_out.split(",")), Path(tmp))
        print(f"rules + tagger  {both.row()}  ({both.lines} lines, {both.spans} spans)")
        print(f"tagger alone    {alone.row()}")
        return 0
    if args.cross_validate:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            for w, s in cross_validate(lines, Path(tmp)).items():
                print(f"{w:8} {s.row()}  ({s.lines} lines, {s.spans} spans)")
        return 0
    train(lines, args.out)
    print(f"{args.out}: {len(lines)} lines from {len(files)} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
