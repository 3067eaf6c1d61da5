"""Messages of the everyday work pages (changing meetings, cases, consents, review, to-dos).

Kept apart from ``messages`` so each catalog file stays readable; ``messages`` merges them.
"""

from __future__ import annotations

DAILY_MESSAGES: dict[str, tuple[str, str]] = {
    "meeting.status.scheduled": ("開催予定", "Scheduled"),
    "meeting.status.cancelled": ("中止", "Cancelled"),
    "meeting.cancelled_notice": ("この会議は中止になりました。", "This meeting is cancelled."),
    "meeting.cancel_reason": ("中止の理由", "Reason"),
    "meeting.cancel_reason_hidden": (
        "中止の理由は誓約書の提出後に表示されます。",
        "The reason is shown once your pledge is on file.",
    ),
    "meeting.edit": ("日時・場所を変更する", "Change date, time or place"),
    "meeting.edit_hint": (
        "変更すると招集した構成員の予定表（.ics）も更新されます。延期する場合は新しい日時を入力してください。",
        "Invitees' calendar invitations (.ics) are updated too. To postpone, enter the new date.",
    ),
    "meeting.edit_save": ("変更を保存する", "Save the change"),
    "meeting.cancel": ("この会議を中止する", "Cancel this meeting"),
    "meeting.cancel_title": ("会議の中止", "Cancel the meeting"),
    "meeting.cancel_effect": (
        "中止すると、招集した構成員には会議一覧と議題の画面に「中止」と理由が表示され、予定表（.ics）は取り消しに変わります。中止した会議は元に戻せません。",
        "Invitees will see 「中止」 and the reason on their meeting list and agenda, and "
        "their calendar invitation (.ics) becomes a cancellation. This cannot be undone.",
    ),
    "meeting.cancel_reason_hint": (
        "構成員に表示されます（1000文字まで）。個人名は書かないでください。",
        "Shown to invitees (up to 1000 characters). Do not write personal names.",
    ),
    "meeting.cancel_do": ("中止する", "Cancel the meeting"),
    "meeting.cancel_back": ("中止せずに戻る", "Go back without cancelling"),
    "meeting.scope": ("変更する範囲", "Which meetings"),
    "meeting.scope_this": ("この回のみ", "This meeting only"),
    "meeting.scope_following": ("この回以降のすべて", "This and the following meetings"),
    "meeting.check_title": ("登録の前に確認してください", "Please confirm before saving"),
    "meeting.check_intro": (
        "次の点があります。このまま登録してよければ「確認して登録する」を押してください。",
        "Please check the points below. If all is as intended, press 「確認して登録する」.",
    ),
    "meeting.check_confirm": ("確認して登録する", "Confirm and save"),
    "meeting.check_past": ("過去の日時です: {when}", "In the past: {when}"),
    "meeting.check_closed": ("閉庁日（{reason}）です: {when}", "Offices closed ({reason}): {when}"),
    "meeting.check_conflict": (
        "{name}さんは同じ時間帯（{when}）に別の会議があります。",
        "{name} has another meeting at {when}.",
    ),
    "meeting.check_room": (
        "同じ場所で別の会議（{when}）が入っています。",
        "The room is taken by another meeting ({when}).",
    ),
    "meeting.monthly_by": ("毎月の決め方", "Monthly on"),
    "meeting.by_day": ("日付（例: 毎月14日）", "A day of the month (e.g. the 14th)"),
    "meeting.by_nth": ("第N曜日（例: 第2火曜日）", "An nth weekday (e.g. 2nd Tuesday)"),
    "meeting.week_of_month": ("第N週", "Week of the month"),
    "meeting.weekday": ("曜日", "Weekday"),
    "meeting.nth": ("第{n}", "{n}"),
    "meeting.last": ("最終", "Last"),
    "meeting.closed_days": ("土日祝日・年末年始に当たる回", "Meetings on closed days"),
    "meeting.closed_ignore": ("そのまま開催する", "Keep the date"),
    "meeting.closed_skip": ("その回は開催しない", "Skip that meeting"),
    "meeting.closed_next": ("翌開庁日に移す", "Move to the next open day"),
    "meeting.closed_previous": ("前の開庁日に移す", "Move to the previous open day"),
    "meeting.closed_hint": (
        "祝日は国民の祝日に関する法律に基づき自動で判定します。",
        "National holidays are computed under the Public Holiday Act.",
    ),
    "weekday.0": ("月曜日", "Monday"),
    "weekday.1": ("火曜日", "Tuesday"),
    "weekday.2": ("水曜日", "Wednesday"),
    "weekday.3": ("木曜日", "Thursday"),
    "weekday.4": ("金曜日", "Friday"),
    "weekday.5": ("土曜日", "Saturday"),
    "weekday.6": ("日曜日", "Sunday"),
    "flash.meeting_updated": ("会議の日時・場所を変更しました。", "The meeting was changed."),
    "flash.meeting_cancelled": ("会議を中止しました。", "The meeting is cancelled."),
}
