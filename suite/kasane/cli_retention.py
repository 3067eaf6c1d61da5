"""``kasane retention plan|apply``: the grammar and the console output."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import Any


def _as_of(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"日付は YYYY-MM-DD で指定してください: {text[:20]}"
        ) from None


def _plan(args: argparse.Namespace) -> int:
    from kasane.operations.retention import plan
    from kasane_shared.settings import Settings

    settings = Settings()
    due = plan(settings, args.as_of or date.today())
    print(
        f"規則: 終結後{settings.retention_case_years}年 ({settings.retention_count_from}) "
        f"(rule: closed cases, {settings.retention_case_years} years)"
    )
    for case in due:
        print(
            f"case {case.case_id} {case.number or '-'} 終結 {case.closed_on} "
            f"期限 {case.due_on} (closed {case.closed_on}, due {case.due_on})"
        )
    print(f"廃棄予定: {len(due)}件 (due: {len(due)})")
    return 0


def _apply(args: argparse.Namespace) -> int:
    from kasane.operations.retention import apply
    from kasane_shared.settings import Settings

    if not args.yes:
        print(
            "エラー: 廃棄は取り消せません。内容を `kasane retention plan` で確認し、"
            "--yes を付けて実行してください (irreversible: check the plan, then add --yes)",
            file=sys.stderr,
        )
        return 2
    applied = apply(Settings(), args.as_of or date.today())
    for case_id in applied.cases:
        print(f"廃棄しました (destroyed): case {case_id}")
    counts = " ".join(f"{k}={v}" for k, v in sorted(applied.counts.items()))
    print(f"廃棄: {len(applied.cases)}件 (destroyed: {len(applied.cases)}) {counts}".rstrip())
    return 0


def register(commands: Any) -> None:
    """Add ``retention plan`` and ``retention apply`` to the ``kasane`` parser."""
    retention = commands.add_parser(
        "retention", help="保存期間と廃棄 (retention periods and crypto-shredding)"
    ).add_subparsers(dest="retention_command", required=True)
    show = retention.add_parser("plan", help="廃棄予定の一覧 (list what would be destroyed)")
    run = retention.add_parser("apply", help="期限を過ぎた記録を廃棄 (destroy what is due)")
    run.add_argument("--yes", action="store_true", help="確認済み (confirm: irreversible)")
    for command, func in ((show, _plan), (run, _apply)):
        command.add_argument("--as-of", type=_as_of, help="基準日 YYYY-MM-DD (default: today)")
        command.set_defaults(func=func)
