"""Messages of the checks before distribution (配布前確認) and before approval (承認前確認)."""

from __future__ import annotations

CHECK_MESSAGES: dict[str, tuple[str, str]] = {
    "check.title": ("配布前確認", "Check before distribution"),
    "check.intro": (
        "議題に載る文章を、議題ごと・欄ごとに全文で表示しています。伏せる箇所と、"
        "税情報の疑いがある箇所を確かめ、疑い箇所ごとに「伏せる」か「税情報ではない」を"
        "選んでください。疑い箇所がすべて判断されるまで配布できません。",
        "Every text on the agenda in full, item by item and field by field. Check what will "
        "be masked and decide each suspect (mask it, or mark it as not tax data). The agenda "
        "cannot be distributed while a suspect is open.",
    ),
    "check.minutes_title": ("承認前確認", "Check before approval"),
    "check.minutes_intro": (
        "会議録の文章を、議題ごと・欄ごとに全文で表示しています。疑い箇所ごとに"
        "「伏せる」か「税情報ではない」を選んでください。疑い箇所がすべて判断されるまで"
        "承認できません。",
        "Every text of the minutes in full, item by item and field by field. Decide each "
        "suspect; the minutes cannot be approved while a suspect is open.",
    ),
    "check.legend": ("表示の見方", "Key"),
    "check.legend_auto": ("自動で伏せる箇所", "Masked by the redactor"),
    "check.legend_manual": ("担当者の指定で伏せる箇所", "Masked by a coordinator"),
    "check.legend_suspect": (
        "税情報の疑いがある箇所（判断が必要）",
        "May be tax data (needs a decision)",
    ),
    "check.auto_sr": ("（自動で伏せる）", "(masked by the redactor)"),
    "check.manual_sr": ("（指定で伏せる）", "(masked by a coordinator)"),
    "check.suspect_sr": ("（疑い箇所{n}）", "(suspect {n})"),
    "check.suspect_n": ("疑い箇所{n}", "Suspect {n}"),
    "check.mask": ("伏せる", "Mask"),
    "check.keep": ("税情報ではない", "Not tax data"),
    "check.unresolved": ("確認待ちの疑い箇所：{n}件", "Open suspects: {n}"),
    "check.none_open": ("確認待ちの疑い箇所はありません。", "No suspect is open."),
    "check.kept_n": (
        "「税情報ではない」と判断済みの箇所：{n}件",
        "Decided as not tax data: {n}",
    ),
    "check.locked": (
        "この欄は税情報を含む全文を開く鍵がないため、構成員に配られる形で表示しています。"
        "疑い箇所は、全文を閲覧できる担当者が判断してください。",
        "You cannot open this text in full, so it is shown as members get it; someone who "
        "can read it in full must decide its suspects.",
    ),
    "check.empty": ("（記載なし）", "(empty)"),
    "check.no_items": ("確認する文章はありません。", "There is no text to check."),
    "check.distribute": ("配布する", "Distribute"),
    "check.distribute_hint": (
        "配布すると、招集された構成員が議題を読めるようになります（伏せる箇所は［税情報］と表示）。",
        "Once distributed, the invitees can read the agenda (masked parts show as［税情報］).",
    ),
    "check.status": ("配布の状況", "Distribution"),
    "check.status.draft": ("配布前", "Not distributed"),
    "check.status.distributed": ("配布済み", "Distributed"),
    "check.status.changed": ("変更あり（再配布が必要）", "Changed since (distribute again)"),
    "check.distributed_at": ("最後の配布", "Last distributed"),
    "check.item_distributed": ("配布済み", "Distributed"),
    "check.item_pending": ("未配布", "Not yet distributed"),
    "check.action_item": ("対応事項 {n}", "Action {n}"),
    "check.err_decision": (
        "この操作は受け付けられませんでした。画面を開き直して、表示された疑い箇所から選んでください。",
        "That decision could not be taken. Reload the page and choose a listed suspect.",
    ),
    "check.go_minutes_check": ("承認前確認へ", "Go to the check"),
    "agenda.item_updating": ("更新中", "Being updated"),
    "redacted.updating": ("更新中", "Being updated"),
    "redacted.updating_why": (
        "内容が変わったため、担当者が確認して配布し直すまで表示されません。",
        "It changed since distribution and shows again once a coordinator distributes it.",
    ),
    "flash.suspect_masked": ("伏せる箇所に加えました。", "Added to the masked parts."),
    "flash.suspect_kept": (
        "「税情報ではない」と記録しました。",
        "Recorded as not tax data.",
    ),
    "flash.agenda_distributed": ("議題を配布しました。", "The agenda is distributed."),
}
