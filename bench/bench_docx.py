"""Benchmark of the Word minutes renderer: a 30-item meeting, time and peak memory.

Each text field of each item holds about 600 characters of realistic Japanese. The
baseline, measured in the same run, is python-docx saving an empty one-paragraph
document (load the template, write the package); the ratio is what compares across
machines. Memory twice: tracemalloc's peak (Python objects only) and the peak RSS of a
fresh interpreter that renders once, which includes python-docx's libxml2 trees.

    .venv/bin/python -m bench.bench_docx
"""

from __future__ import annotations

import io
import random
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from docx import Document

from minutes.export import (
    AttendanceRow,
    ItemSection,
    MinutesDocument,
    RoleRow,
    render_minutes_docx,
)

ITEMS = 30
FIELD_CHARS = 600
REPEAT = 5
JST = timezone(timedelta(hours=9))

SENTENCES = [
    "本人は50代男性で、約10年間自宅にひきこもっている。",
    "80代の母親と二人暮らしで、母親の要介護認定の更新を機に世帯の状況が把握された。",
    "家賃の滞納が続いており、大家から督促を受けている。",
    "［税情報］",
    "本人は来訪者に応じないが、母親を通じた手紙のやり取りには反応がある。",
    "地域包括支援センターが母親の介護サービスの調整を進めている。",
    "民生委員によると、夜間に本人が近所のコンビニエンスストアへ出かける姿が見られる。",
    "社会福祉協議会のアウトリーチ担当が月1回の訪問を続けることを確認した。",
    "母親の入院時に本人が一人で生活できるかが課題として挙げられた。",
    "生活困窮者自立相談支援機関が家計改善支援の利用を提案する。",
    "保健センターの保健師が本人の健康状態について情報を提供した。",
    "うまくいっている点として、母親との関係が安定していることが共有された。",
]


def _text(rng: random.Random, chars: int = FIELD_CHARS) -> str:
    """About ``chars`` characters of shuffled sentences, in paragraphs of three."""
    out: list[str] = []
    size = 0
    while size < chars:
        sentence = rng.choice(SENTENCES)
        out.append(sentence + ("\n" if len(out) % 3 == 2 else ""))
        size += len(sentence)
    return "".join(out)


def _item(order: int, rng: random.Random) -> ItemSection:
    return ItemSection(
        order=order,
        heading=f"議題{order} 情報共有",
        purpose_label="気になる事例の情報提供・共有",
        case_label=f"事例{order:02d}（8050問題・社会的孤立）",
        discussion=_text(rng),
        decisions=_text(rng),
        roles=[
            RoleRow("社会福祉協議会", _text(rng, 40), date(2026, 2, 27)),
            RoleRow("地域包括支援センター", _text(rng, 40), date(2026, 3, 13)),
            RoleRow("生活福祉課", _text(rng, 40), None),
        ],
        monitoring_on=date(2026, 3, 24),
        action_items=[_text(rng, 40) for _ in range(3)],
    )


def sample_document(items: int = ITEMS, seed: int = 0) -> MinutesDocument:
    """A 支援会議 of ``items`` items with ~FIELD_CHARS characters per text field."""
    rng = random.Random(seed)
    organizations = [
        "福祉総務課",
        "長寿介護課",
        "社会福祉協議会",
        "地域包括支援センター",
        "保健センター",
    ]
    return MinutesDocument(
        document_id="MIN-2026-0042",
        conference_kind="shien",
        title="支援会議 会議録",
        meeting_title="令和7年度 第10回 支援会議",
        starts_at=datetime(2026, 1, 27, 14, 0, tzinfo=JST),
        ends_at=datetime(2026, 1, 27, 16, 0, tzinfo=JST),
        place="市役所本庁舎 4階 第2会議室",
        online=True,
        host_organization="福祉総務課",
        status="approved",
        version=3,
        approved_by="福祉 花子",
        approved_at=datetime(2026, 1, 30, 10, 0, tzinfo=JST),
        content_hash="sha256:" + "3c" * 32,
        attendance=[
            AttendanceRow(f"構成員 {i:02d}", organizations[i % 5], "構成員", i % 7 != 0)
            for i in range(1, 16)
        ],
        items=[_item(i, rng) for i in range(1, items + 1)],
        next_meeting=datetime(2026, 2, 24, 14, 0, tzinfo=JST),
        recipient_name="社会福祉協議会 鈴木 一郎",
        issued_at=datetime(2026, 2, 2, 9, 0, tzinfo=JST),
    )


def _empty_docx() -> bytes:
    word = Document()
    word.add_paragraph("会議録")
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def _median_seconds(fn: Callable[[], object], repeat: int = REPEAT) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _peak_bytes(fn: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


# Peak RSS of a fresh interpreter that renders once: tracemalloc sees only Python's own
# allocations, not the libxml2 trees behind python-docx, which are most of the memory.
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec from the forking parent.
_CHILD = """
import sys
from bench.bench_docx import _empty_docx, sample_document
from minutes.export import render_minutes_docx
doc = sample_document()
render_minutes_docx(doc) if sys.argv[1] == "render" else _empty_docx()
print(next(l.split()[1] for l in open("/proc/self/status") if l.startswith("VmHWM:")))
"""


def _child_peak_rss_mib(what: str) -> float:
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, what],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    return round(int(out.stdout.split()[-1]) / 1024, 1)


def run() -> dict:
    """Render the 30-item minutes and the baseline; return the figures."""
    doc = sample_document()
    render = lambda: render_minutes_docx(doc)  # noqa: E731
    size = len(render())  # warm-up: imports, template parsing caches
    _empty_docx()
    render_s = _median_seconds(render)
    base_s = _median_seconds(_empty_docx)
    render_peak = _peak_bytes(render)
    base_peak = _peak_bytes(_empty_docx)
    chars = sum(len(i.discussion or "") + len(i.decisions or "") for i in doc.items)
    return {
        "items": len(doc.items),
        "text_chars": chars,
        "docx_bytes": size,
        "repeats": REPEAT,
        "render_median_s": round(render_s, 4),
        "baseline_empty_docx_median_s": round(base_s, 4),
        "ratio_time": round(render_s / base_s, 1),
        "render_peak_traced_mib": round(render_peak / 2**20, 2),
        "baseline_peak_traced_mib": round(base_peak / 2**20, 2),
        "ratio_peak": round(render_peak / base_peak, 1),
        "render_process_peak_rss_mib": (rss := _child_peak_rss_mib("render")),
        "baseline_process_peak_rss_mib": (base_rss := _child_peak_rss_mib("baseline")),
        "ratio_rss": round(rss / base_rss, 2),
    }


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key:30} {value}")
