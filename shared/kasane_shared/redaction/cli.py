"""`kasane redact [FILE]`: JSON Lines {"id","text"} in, {"id","spans"} out, one per line."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from typing import IO

from .detect import find_tax_spans

USAGE = "kasane redact [FILE]"


class _LineError(Exception):
    """A malformed input line; the message is Japanese first, then English."""


def _parser() -> argparse.ArgumentParser:
    """Argument parser for `kasane redact`."""
    p = argparse.ArgumentParser(
        prog="kasane redact",
        description="税情報の範囲を検出します (find tax-data spans). "
        'Input: JSON Lines {"id","text"}; output: {"id","spans":[[start,end,"tax"],...]}.',
    )
    p.add_argument("file", nargs="?", help="入力ファイル (input file); 省略時は標準入力 (stdin)")
    return p


def _lines(stream: IO) -> Iterator[tuple[int, str | None]]:
    """Number the lines of a text or binary stream; None marks a line that is not UTF-8."""
    for n, raw in enumerate(stream, 1):
        if isinstance(raw, bytes):
            try:
                raw = raw.decode("utf-8")
            except UnicodeDecodeError:
                yield n, None
                continue
        yield n, raw


def _record(n: int, line: str | None) -> tuple[str | int, str]:
    """The id and text of input line n, or _LineError saying what is wrong with it."""
    if line is None:
        raise _LineError(f"{n}行目: UTF-8として読めません (line {n}: not valid UTF-8)")
    try:
        row = json.loads(line)
    except ValueError:
        raise _LineError(f"{n}行目: JSONとして読めません (line {n}: not valid JSON)") from None
    if not isinstance(row, dict):
        raise _LineError(f"{n}行目: JSONオブジェクトではありません (line {n}: not a JSON object)")
    for key in ("id", "text"):
        if key not in row:
            raise _LineError(f'{n}行目: "{key}" がありません (line {n}: missing "{key}")')
    rid, text = row["id"], row["text"]
    if isinstance(rid, bool) or not isinstance(rid, (str, int)):
        raise _LineError(
            f'{n}行目: "id" は文字列か整数にしてください '
            f'(line {n}: "id" must be a string or integer)'
        )
    if not isinstance(text, str):
        raise _LineError(
            f'{n}行目: "text" は文字列にしてください (line {n}: "text" must be a string)'
        )
    return rid, text


def _run(stream: IO, stdout: IO, stderr: IO) -> int:
    """Redact every line of stream; report bad lines and keep going."""
    status = 0
    n = 0
    read_any = False
    for n, line in _lines(stream):
        if line is not None and not line.strip():
            continue
        read_any = True
        try:
            rid, text = _record(n, line)
        except _LineError as err:
            print(err, file=stderr, flush=True)
            status = 1
            continue
        spans = [[sp.start, sp.end, sp.label] for sp in find_tax_spans(text)]
        stdout.write(json.dumps({"id": rid, "spans": spans}, ensure_ascii=False) + "\n")
        # Flushed per line so a caller can stream conference text through the redactor.
        stdout.flush()
    if not read_any:
        # An empty input is almost always a mistake upstream (a wrong file, a failed export).
        print(
            f"{max(n, 1)}行目: 入力が空です。JSON Lines を1行以上渡してください "
            f"(line {max(n, 1)}: empty input; give at least one JSON line)",
            file=stderr,
        )
        return 1
    return status


def main(argv: list[str] | None = None, stdin=None, stdout=None, stderr=None) -> int:
    """Run `kasane redact [FILE]`; returns the exit status (0 ok, 1 bad lines, 2 usage)."""
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    try:
        args = _parser().parse_args(sys.argv[1:] if argv is None else argv)
    except SystemExit as exc:  # argparse has already printed usage or help
        return int(exc.code or 0)
    try:
        if args.file and args.file != "-":
            try:
                with open(args.file, "rb") as f:
                    return _run(f, stdout, stderr)
            except OSError as err:
                print(
                    f"ファイルを開けません: {args.file} (cannot open file: {err.strerror})",
                    file=stderr,
                )
                return 2
        if stdin is None:
            # Bytes, so that a line that is not UTF-8 is reported rather than fatal.
            stdin = getattr(sys.stdin, "buffer", sys.stdin)
        return _run(stdin, stdout, stderr)
    except BrokenPipeError:
        # The reader went away (`| head`); nothing is left to report to.
        return 1
    except KeyboardInterrupt:
        return 130
