"""Messages of the auditor's pages (Japanese, English); event names live in audit_names."""

from __future__ import annotations

from kasane_shared.audit_names import TARGETS

AUDIT_MESSAGES: dict[str, tuple[str, str]] = {
    "audit.intro": (
        "3つのサービス（認証・議題・会議録）の操作の記録を、新しい順に表示します。"
        "この画面での検索も、1回の検索ごとに記録されます。",
        "What was done in the three services (sign-in, agendas, minutes), newest first. "
        "Each search made here is recorded too, once.",
    ),
    "audit.verify_link": ("改ざんの確認", "Tamper check"),
    "audit.verify_intro": (
        "記録が書き換えられたり、途中が消されたりしていないかを、サービスごとに確かめました。",
        "Each service's record was checked for edited or missing entries.",
    ),
    "audit.chain_broken_hint": (
        "この番号以降の記録が書き換えられたか、消された可能性があります。システム管理者に連絡してください。",
        "Entries from this one on may have been changed or removed. Tell the system operator.",
    ),
    "audit.back": ("監査ログに戻る", "Back to the audit log"),
    "audit.export": ("この条件でCSVに書き出す", "Export these entries as CSV"),
    "audit.filter_title": ("絞り込み", "Filter"),
    "audit.until": ("期間（この日まで）", "Until"),
    "audit.target_kind": ("対象の種類", "Target kind"),
    "audit.per_page": ("1ページの件数", "Per page"),
    "audit.reset": ("条件をすべて外す", "Clear all"),
    "audit.only_target": (
        "対象「{target}」の記録だけを表示しています。",
        "Only entries about {target}.",
    ),
    "audit.one_target": ("選んだ対象", "the chosen target"),
    "audit.clear_target": ("すべての対象を表示する", "Show every target"),
    "audit.first_page": ("最初のページに戻る", "Back to the first page"),
    "audit.next_page": ("次のページ（さらに古い記録）", "Next page (older entries)"),
    "audit.seq": ("{n}番", "no. {n}"),
    "audit.all_of_group": ("（すべて）", "(all)"),
    "audit.event_option": ("{name}", "{name}"),
    "audit.err_date": (
        "日付を選んでください（例: 2026-12-01）。",
        "Choose a date (e.g. 2026-12-01).",
    ),
    "audit.err_period": (
        "期間の終わりは、始めと同じ日かそれより後にしてください。",
        "The end of the period must not come before its start.",
    ),
    "audit.t_meeting": ("会議 {day} {kind}", "Meeting {day} {kind}"),
    "audit.t_meeting_unknown": ("会議（削除済み）", "Meeting (removed)"),
    "audit.t_case": ("事例 {number}", "Case {number}"),
    "audit.t_case_opened": ("事例（{day}登録）", "Case (opened {day})"),
    "audit.t_case_unknown": ("事例（削除済み）", "Case (removed)"),
    "audit.t_item": ("議題 第{n}番（{meeting}）", "Item {n} ({meeting})"),
    "audit.t_minutes": ("会議録 第{version}版（{meeting}）", "Minutes v{version} ({meeting})"),
    "audit.t_template": ("誓約書ひな形 {kind} 第{version}版", "Pledge text {kind} v{version}"),
    "audit.t_kek": ("暗号鍵 第{n}世代", "Master key generation {n}"),
    "audit.t_unknown": ("（不明）", "(unknown)"),
    "audit.t_tax_part": ("税情報の部分", "a tax part"),
    "audit.t_reason": ("（理由: {reason}）", " (reason: {reason})"),
    "audit.t_records": ("{n}件: {records}", "{n}: {records}"),
    "audit.t_count": ("{what} {n}件", "{what}: {n}"),
    "audit.csv_when": ("日時", "When"),
    "audit.csv_service": ("サービス", "Service"),
    "audit.csv_seq": ("番号", "No."),
    "audit.csv_actor": ("操作した人", "Person"),
    "audit.csv_event": ("操作", "Event"),
    "audit.csv_target": ("対象", "Target"),
    "audit.csv_outcome": ("結果", "Outcome"),
    "audit.csv_details": ("詳細", "Details"),
    "audit.csv_name": ("監査ログ_{stamp}.csv", "audit-log-{stamp}.csv"),
    **{f"audit.target_{kind}": name for kind, name in TARGETS.items()},
}
