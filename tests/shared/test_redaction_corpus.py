"""The annotated corpus is well formed: every offset checked by program, splits kept apart."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2] / "data" / "redaction"
# set_aside/: written blind like the rest, kept out of training (data/redaction/README.md).
SPLITS = ("train", "blind", "set_aside")
FILES = [path for split in SPLITS for path in sorted((DATA / split).glob("*.jsonl"))]
EDGE = set(" \t\n\u3000、。，．,.・「」『』（）()【】［］[]:：;；!！?？")


def _rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_span_is_inside_its_text_sorted_and_trimmed(path: Path) -> None:
    for row in _rows(path):
        assert set(row) == {"id", "text", "spans"}, row["id"]
        text, last_end = row["text"], 0
        for start, end, label in row["spans"]:
            assert label == "tax", row["id"]
            assert last_end <= start < end <= len(text), row["id"]
            assert text[start] not in EDGE and text[end - 1] not in EDGE, row["id"]
            last_end = end


def test_ids_are_unique_and_the_blind_split_shares_no_writer_with_training() -> None:
    ids: list[str] = []
    writers: dict[str, set[str]] = {split: set() for split in SPLITS}
    for path in FILES:
        for row in _rows(path):
            ids.append(row["id"])
            writers[path.parent.name].add(row["id"].split("-")[0])
    assert len(ids) == len(set(ids))
    assert not writers["train"] & writers["blind"]


def test_the_corpus_is_as_large_and_as_mixed_as_promised() -> None:
    train = [r for p in FILES if p.parent.name == "train" for r in _rows(p)]
    blind = [r for p in FILES if p.parent.name == "blind" for r in _rows(p)]
    assert len(train) + len(blind) >= 2000
    assert len(blind) >= 400
    for rows in (train, blind):
        negatives = sum(1 for r in rows if not r["spans"])
        assert 0.2 <= negatives / len(rows) <= 0.5
        assert sum(1 for r in rows if len(r["spans"]) >= 2) >= len(rows) // 5
