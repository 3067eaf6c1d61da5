"""Messages of ホーム's to-do list (issue 15)."""

from __future__ import annotations

TODO_MESSAGES: dict[str, tuple[str, str]] = {
    "todo.title": ("やること", "To do"),
    "todo.none": ("いまはありません。", "Nothing right now."),
    "todo.invitations": ("招集されている会議", "Meetings you are invited to"),
    "todo.unread": ("配布済みで未読の議題", "Distributed agendas you have not read"),
    "todo.unread_since": ("（{when} 配布）", "(distributed {when})"),
    "todo.to_confirm": ("確認を求められている会議録", "Minutes waiting for your confirmation"),
    "todo.to_approve": ("承認待ちの会議録", "Minutes waiting for approval"),
    "todo.version": ("第{version}版", "version {version}"),
    "todo.pledges": ("30日以内に期限が切れる誓約書", "Pledges expiring within 30 days"),
    "todo.pledge_until": ("{kind}（{until}まで）", "{kind} (until {until})"),
    "todo.renew": ("提出し直す", "Sign again"),
    "todo.due": ("モニタリング時期の事例（30日以内）", "Cases due for monitoring (30 days)"),
    "todo.count": ("{count}件", "{count}"),
}
