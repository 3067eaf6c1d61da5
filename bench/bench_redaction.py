"""Benchmark of the tax-data redactor: characters per second on one core, peak memory.

The corpus is about 1 MB of UTF-8, built by shuffling the texts of dev.jsonl with a fixed
seed and repeating them. Two baselines run over the same texts in the same process: a
plain ``str.count`` and a single compiled-regex scan, so the figures can be compared
across machines through their ratio.

    .venv/bin/python bench/bench_redaction.py
"""

from __future__ import annotations

import json
import os
import random
import re
import resource
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from kasane_shared.redaction import find_tax_spans

CORPUS_BYTES = 1_000_000
DEV = Path(
    os.environ.get(
        "KASANE_REDACTION_DEV",
        Path(__file__).resolve().parents[2] / "shared" / "redaction" / "dev.jsonl",
    )
)
# Used only when the labelled set is not next to the repository.
FALLBACK = [
    "税務課によると、本人の住民税は令和5年度から非課税となっている。",
    "家賃を3か月滞納しており、大家から督促を受けている。",
    "固定資産税を3年分滞納しており、収税課が差押えを検討している。",
    "本人の話では月収は約14万円。国民健康保険料の減免を申請した。",
]


def corpus(seed: int = 0) -> list[str]:
    """Dev texts shuffled with a fixed seed and repeated up to CORPUS_BYTES of UTF-8."""
    if DEV.exists():
        lines = DEV.read_text(encoding="utf-8").splitlines()
        texts = [json.loads(line)["text"] for line in lines if line.strip()]
    else:
        texts = FALLBACK
    rng = random.Random(seed)
    out: list[str] = []
    size = 0
    while size < CORPUS_BYTES:
        batch = texts[:]
        rng.shuffle(batch)
        for t in batch:
            out.append(t)
            size += len(t.encode("utf-8"))
            if size >= CORPUS_BYTES:
                break
    return out


def _best_time(fn: Callable[[list[str]], object], texts: list[str], repeat: int = 3) -> float:
    """Best wall time of repeat runs: the least disturbed by other load."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn(texts)
        best = min(best, time.perf_counter() - t0)
    return best


def _redact_all(texts: list[str]) -> int:
    return sum(len(find_tax_spans(t)) for t in texts)


def _count_all(texts: list[str]) -> int:
    return sum(t.count("税") for t in texts)


_TAX_RE = re.compile("税|課税|滞納|未納")


def _regex_all(texts: list[str]) -> int:
    return sum(1 for t in texts for _ in _TAX_RE.finditer(t))


def run() -> dict:
    """Measure the redactor and the baselines; return the figures."""
    texts = corpus()
    chars = sum(len(t) for t in texts)
    _redact_all(texts[:200])  # warm-up: compile the regex, fill caches

    redact_s = _best_time(_redact_all, texts)
    count_s = _best_time(_count_all, texts)
    regex_s = _best_time(_regex_all, texts)

    tracemalloc.start()
    _redact_all(texts)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    # The same corpus as one document, as when whole minutes are redacted at once.
    document = "\n".join(texts)
    doc_s = _best_time(lambda docs: [find_tax_spans(d) for d in docs], [document], repeat=2)
    tracemalloc.start()
    find_tax_spans(document)
    _, doc_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    return {
        "corpus_texts": len(texts),
        "corpus_chars": chars,
        "corpus_bytes": sum(len(t.encode("utf-8")) for t in texts),
        "spans_found": _redact_all(texts),
        "redact_seconds": round(redact_s, 4),
        "redact_chars_per_s": round(chars / redact_s),
        "baseline_str_count_chars_per_s": round(chars / count_s),
        "baseline_regex_scan_chars_per_s": round(chars / regex_s),
        "slowdown_vs_str_count": round(redact_s / count_s, 1),
        "slowdown_vs_regex_scan": round(redact_s / regex_s, 1),
        "peak_traced_alloc_mib": round(peak / 2**20, 2),
        "one_document_chars_per_s": round(len(document) / doc_s),
        "one_document_peak_traced_alloc_mib": round(doc_peak / 2**20, 2),
        "max_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "target_chars_per_s": 200_000,
    }


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key:34} {value}")
