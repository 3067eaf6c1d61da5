"""Messages of the minutes review pages: confirmations, corrections with reasons, versions."""

from __future__ import annotations

REVIEW_MESSAGES: dict[str, tuple[str, str]] = {
    "minutes.case_of_item": ("事例 {number}", "Case {number}"),
    "minutes.confirm": ("確認しました", "I have checked these minutes"),
    "minutes.confirm_hint": (
        "内容を確認したら「確認しました」を押してください。誤りがあればコメント欄でお知らせください。",
        "Press the button once you have checked the minutes; report mistakes in a comment.",
    ),
    "minutes.confirmed_by_me": ("この版は確認済みです。", "You have checked this version."),
    "minutes.comment": ("コメント", "Comment"),
    "minutes.comment_send": ("コメントを送る", "Send the comment"),
    "minutes.comments": ("コメント", "Comments"),
    "minutes.comment_sealed": ("（読めないコメント）", "(a comment you cannot read)"),
    "minutes.confirmations": ("確認した出席者", "Attendees who checked"),
    "minutes.not_confirmed": ("未確認", "Not yet checked"),
    "minutes.no_confirmations": ("まだ誰も確認していません。", "Nobody has checked yet."),
    "minutes.correction_reason": ("訂正の理由", "Reason for the correction"),
    "minutes.correction_reason_hint": (
        "出席者に伝わる言葉で書いてください（1000文字以内）。承認済みの版は残ります。",
        "Written for the attendees (up to 1000 characters). The approved version is kept.",
    ),
    "minutes.err_reason": (
        "訂正の理由を1000文字以内で入力してください。",
        "Enter the reason for the correction (up to 1000 characters).",
    ),
    "minutes.review_pending": (
        "訂正版（第{n}版）が確認中です。承認されるまでは、この承認済みの版が有効です。",
        "A correction (version {n}) is in review; this approved version stands until then.",
    ),
    "minutes.review_open": ("訂正版を確認する", "Check the correction"),
    "minutes.versions": ("版の履歴", "Version history"),
    "minutes.version": ("版", "Version"),
    "minutes.created": ("作成", "Created"),
    "minutes.submitted": ("確認に回した日時", "Sent for review"),
    "minutes.approver": ("承認", "Approved"),
    "minutes.confirmed_count": ("確認", "Checked"),
    "minutes.open_version": ("この版を読む", "Read this version"),
    "minutes.no_versions": ("まだ版はありません。", "No versions yet."),
    "minutes.separate_approver": (
        "この市では、会議録は作成者以外の担当者が承認します。",
        "In this city someone other than the author approves the minutes.",
    ),
    "flash.minutes_confirmed": ("確認を記録しました。", "Your check is recorded."),
    "flash.minutes_commented": ("コメントを送りました。", "Comment sent."),
}
