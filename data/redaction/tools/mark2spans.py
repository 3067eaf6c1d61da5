#!/usr/bin/env python3
"""Convert marked lines to the guideline's span format and check them.

Input: JSON Lines, one object per line: {"id": "...", "marked": "text with ⟦tax spans⟧"}.
Output (with OUT given): {"id", "text", "spans": [[start, end, "tax"], ...]} per line.

    python3 mark2spans.py IN.marked.jsonl [OUT.jsonl]

Exits 1 and names the line when a marker is unbalanced or nested, a span is empty,
a span starts or ends with whitespace or punctuation, an id repeats, or a line is not JSON.
"""

import json
import sys

OPEN, CLOSE = "\u27e6", "\u27e7"  # ⟦ ⟧
EDGE = set(" \t\n\u3000、。，．,.・「」『』（）()【】［］[]:：;；!！?？")


def convert(marked):
    text, spans, start = [], [], None
    for ch in marked:
        if ch == OPEN:
            if start is not None:
                raise ValueError("nested ⟦")
            start = len(text)
        elif ch == CLOSE:
            if start is None:
                raise ValueError("⟧ without ⟦")
            if len(text) == start:
                raise ValueError("empty span")
            spans.append([start, len(text), "tax"])
            start = None
        else:
            text.append(ch)
    if start is not None:
        raise ValueError("⟦ not closed")
    text = "".join(text)
    for s, e, _ in spans:
        if text[s] in EDGE or text[e - 1] in EDGE:
            raise ValueError(f"span edge is whitespace or punctuation: {text[s:e]!r}")
    return text, spans


def main():
    src = sys.argv[1]
    out = sys.argv[2] if len(sys.argv) > 2 else None
    rows, ids, errors = [], set(), 0
    with open(src, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
                rid, marked = obj["id"], obj["marked"]
                if rid in ids:
                    raise ValueError(f"duplicate id {rid}")
                ids.add(rid)
                text, spans = convert(marked)
                rows.append({"id": rid, "text": text, "spans": spans})
            except Exception as exc:  # report every bad line, not only the first
                errors += 1
                print(f"line {n}: {exc}", file=sys.stderr)
    neg = sum(1 for r in rows if not r["spans"])
    nspans = sum(len(r["spans"]) for r in rows)
    print(f"{len(rows)} lines, {nspans} spans, {neg} negatives, {errors} errors")
    if out and not errors:
        with open(out, "w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
