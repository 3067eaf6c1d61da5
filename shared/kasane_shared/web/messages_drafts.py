"""Messages of the time-out warning and of drafts kept across a time-out (issue 15)."""

from __future__ import annotations

DRAFT_MESSAGES: dict[str, tuple[str, str]] = {
    "login.reason_draft_kept": (
        "一定時間操作がなかったため、ログアウトしました。入力していた内容は下書きとして"
        "残しています。もう一度ログインすると、入力していた画面に戻ります。",
        "You were signed out after a period of inactivity. What you typed is kept as a draft: "
        "sign in again to go back to the form.",
    ),
    "session.warning_title": ("まもなく自動的にログアウトします", "You will be signed out soon"),
    "session.warning_text": (
        "しばらく操作がないため、約{minutes}分後にログアウトします。入力中の内容は下書きとして"
        "残ります。作業を続ける場合は「続ける」を押してください。",
        "Nothing has happened for a while: you will be signed out in about {minutes} minutes. "
        "What you are typing is kept as a draft. Press “Continue” to keep working.",
    ),
    "session.continue": ("続ける", "Continue"),
    "draft.restored": (
        "ログアウトする前に入力していた内容（{when}）を下書きから戻しました。"
        "まだ保存されていません。確認してから保存してください。",
        "What you typed before you were signed out ({when}) is back from your draft. "
        "It is not saved yet: check it, then save.",
    ),
    "draft.discard": ("下書きを破棄する", "Discard the draft"),
    "flash.draft_discarded": ("下書きを破棄しました。", "The draft was discarded."),
}
