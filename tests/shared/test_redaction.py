"""Tax-data redactor: public API, the dev set scored by the real scorer, and the CLI."""

from __future__ import annotations

import importlib.util
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from kasane_shared.redaction import (
    TAX_PLACEHOLDER,
    Redaction,
    Span,
    apply_overrides,
    find_tax_spans,
    mask,
    redact_record,
    redact_text,
)
from kasane_shared.redaction.cli import main

SHARED = Path(__file__).resolve().parents[3] / "shared" / "redaction"


# --- API -------------------------------------------------------------------------


def test_placeholder_is_fixed():
    assert TAX_PLACEHOLDER == "［税情報］"


def test_mask_hides_length():
    short = mask("住民税は未納。", [Span(0, 6)])
    long = mask("固定資産税を平成30年度から5年分滞納。", [Span(0, 19)])
    assert short == long == TAX_PLACEHOLDER + "。"


def test_mask_merges_overlaps_and_ignores_empty():
    text = "あいうえおかきくけこ"
    assert mask(text, [Span(5, 8), Span(1, 3), Span(2, 4), Span(9, 9)]) == (
        f"あ{TAX_PLACEHOLDER}お{TAX_PLACEHOLDER}けこ"
    )


def test_find_tax_spans_sorted_disjoint_and_labelled():
    text = "市税の滞納が合計約120万円あり。家賃は完納。住民税は非課税。国保税も未納。"
    spans = find_tax_spans(text)
    assert spans and all(sp.label == "tax" for sp in spans)
    assert all(a.end < b.start for a, b in zip(spans, spans[1:]))


def test_redact_text():
    r = redact_text("税務課によると、父の住民税は非課税。年金は月8万円。")
    assert isinstance(r, Redaction)
    assert r.masked == f"{TAX_PLACEHOLDER}。年金は月8万円。"
    assert r.spans == [Span(0, 17)]


def test_redact_text_without_tax_is_unchanged():
    text = "家賃を3か月滞納しており、大家から督促を受けている。"
    assert redact_text(text) == Redaction(spans=[], masked=text)


def test_redact_record_tax_fields_whole_and_text_masked():
    record = {
        "id": "c1",
        "tax_status": "非課税",
        "tax_note": "特になし",
        "tax_empty": "",
        "tax_none": None,
        "summary": "長男の軽自動車税が未納。通院に車が必要。",
        "other": None,
    }
    out = redact_record(record, tax_fields={"tax_status", "tax_note", "tax_empty", "tax_none"})
    assert out["tax_status"] == out["tax_note"] == TAX_PLACEHOLDER
    assert out["tax_empty"] == "" and out["tax_none"] is None
    # The fact is masked, the rest of the text stays (the owner word may go with the mask:
    # decoding for recall takes in the words the tagger is unsure about at a fact's edge).
    assert out["summary"].endswith(f"{TAX_PLACEHOLDER}。通院に車が必要。")
    assert "軽自動車税" not in out["summary"] and "未納" not in out["summary"]
    assert out["id"] == "c1" and out["other"] is None
    assert record["tax_status"] == "非課税"  # the input is left untouched


def test_apply_overrides_adds_marked_and_drops_unmarked():
    text = "住民税は未納。父は持ち家に住んでいる。固定資産税は完納。"
    detected = find_tax_spans(text)
    assert [text[s.start : s.end] for s in detected] == ["住民税は未納", "固定資産税は完納"]
    marked = [(text.index("持ち家"), text.index("持ち家") + 3)]
    unmarked = [(text.index("完納"), text.index("完納") + 1)]
    out = apply_overrides(text, detected, marked, unmarked)
    assert [text[s.start : s.end] for s in out] == ["住民税は未納", "持ち家"]


def test_apply_overrides_rejects_bad_ranges():
    with pytest.raises(ValueError):
        apply_overrides("あいう", [], [(2, 9)], [])
    with pytest.raises(ValueError):
        apply_overrides("あいう", [], [], [(2, 2)])


# --- dev set through the real scorer ---------------------------------------------


def _scorer():
    spec = importlib.util.spec_from_file_location("redaction_score", SHARED / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not (SHARED / "dev.jsonl").exists(), reason="shared/redaction not present")
@pytest.mark.parametrize("half", ["all", "odd", "even"])
def test_dev_set_meets_bounds(half):
    score = _scorer()
    gold = score.load(SHARED / "dev.jsonl")
    if half != "all":
        want = 1 if half == "odd" else 0
        gold = {k: v for k, v in gold.items() if int(k.lstrip("d")) % 2 == want}
    pred = {
        gid: {"id": gid, "spans": [[s.start, s.end, s.label] for s in find_tax_spans(g["text"])]}
        for gid, g in gold.items()
    }
    catch, over, fpr = score.score(gold, pred)
    assert catch >= 0.98, catch
    # dev.jsonl's spans stop before the status verb (30 of its 124 facts: 「…を滞納|している」);
    # the guideline's decided borderline cases now put it inside, and the tagger, trained on
    # lines drawn that way, masks it: a few characters per fact count as over here (0.071 over
    # the whole set, 0.083 on its even half, with the model trained on 27 writers).
    assert over <= 0.09, over
    assert fpr <= 0.05, fpr


# --- CLI -------------------------------------------------------------------------


def _cli(stdin_text: str, argv: list[str] | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(argv or [], stdin=io.StringIO(stdin_text), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_cli_redacts_in_order_and_skips_blank_lines():
    lines = [
        {"id": "a", "text": "住民税を三年分滞納している。"},
        {"id": "b", "text": "国民健康保険料を滞納している。"},
        {"id": 3, "text": ""},
    ]
    stdin = "\n".join(json.dumps(x, ensure_ascii=False) for x in lines[:2]) + "\n\n  \n"
    stdin += json.dumps(lines[2]) + "\n"
    code, out, err = _cli(stdin)
    assert code == 0 and err == ""
    rows = [json.loads(line) for line in out.splitlines()]
    assert rows == [
        {"id": "a", "spans": [[0, 13, "tax"]]},
        {"id": "b", "spans": []},
        {"id": 3, "spans": []},
    ]


def test_cli_reads_file(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text('{"id":"x","text":"市税の滞納が約52万円。"}\n', encoding="utf-8")
    code, out, _ = _cli("", [str(path)])
    assert code == 0
    assert json.loads(out) == {"id": "x", "spans": [[0, 11, "tax"]]}


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"id": "a", "text": ', "2行目: JSONとして読めません (line 2: not valid JSON)"),
        ('["a", "b"]', "2行目: JSONオブジェクトではありません"),
        ('{"text": "住民税"}', '2行目: "id" がありません'),
        ('{"id": "a"}', '2行目: "text" がありません'),
        ('{"id": "a", "text": 5}', '2行目: "text" は文字列にしてください'),
        ('{"id": ["a"], "text": "x"}', '2行目: "id" は文字列か整数にしてください'),
        ('{"id": true, "text": "x"}', '2行目: "id" は文字列か整数にしてください'),
    ],
)
def test_cli_reports_malformed_line(line, message):
    good = '{"id": "ok", "text": "住民税は未納。"}'
    code, out, err = _cli(f"{good}\n{line}\n{good}\n")
    assert code != 0
    assert message in err
    assert "Traceback" not in err
    assert len(out.splitlines()) == 2  # the good lines are still redacted


@pytest.mark.parametrize("content", ["", "\n  \n"])
def test_cli_refuses_an_empty_input(tmp_path, content):
    path = tmp_path / "empty.jsonl"
    path.write_text(content, encoding="utf-8")
    code, out, err = _cli("", [str(path)])
    assert code == 1 and out == ""
    assert "入力が空です" in err and "empty input" in err and "行目" in err


def test_cli_missing_file():
    code, out, err = _cli("", ["/nonexistent/in.jsonl"])
    assert code == 2 and out == ""
    assert "ファイルを開けません" in err


def test_module_entry_point_malformed_line_subprocess():
    stdin = '{"id": "a", "text": "住民税は未納。"}\n\n{bad json\n'.encode()
    proc = subprocess.run(
        [sys.executable, "-m", "kasane_shared.redaction"],
        input=stdin,
        capture_output=True,
        timeout=60,
    )
    err = proc.stderr.decode("utf-8")
    assert proc.returncode != 0
    assert "3行目" in err and "line 3" in err
    assert "Traceback" not in err
    assert json.loads(proc.stdout.decode("utf-8")) == {"id": "a", "spans": [[0, 6, "tax"]]}


def test_module_entry_point_invalid_utf8_subprocess():
    proc = subprocess.run(
        [sys.executable, "-m", "kasane_shared.redaction"],
        input=b'{"id": "a", "text": "\xff"}\n',
        capture_output=True,
        timeout=60,
    )
    err = proc.stderr.decode("utf-8")
    assert proc.returncode != 0 and "1行目" in err and "Traceback" not in err
