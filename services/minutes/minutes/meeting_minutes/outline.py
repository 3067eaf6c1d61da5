"""The points each item's purpose calls for, so no writer starts from a blank page (DOMAIN.md)."""

from __future__ import annotations

OUTLINES: dict[str, list[str]] = {
    "info_sharing": [
        "共有された情報",
        "現在の状況と気になる点",
        "うまくいっていること",
        "今後の見守り・情報共有の方法",
    ],
    "policy": ["支援方針", "各機関の役割", "見守りの方法と頻度", "次回確認する時期"],
    "emergency": ["緊急性の判断", "直ちに行う対応と担当", "関係機関への連絡", "次の確認時期"],
    "plan_creation": [
        "アセスメントに基づく本人の目標",
        "支援方針",
        "プランの内容",
        "各機関の役割",
        "モニタリングの時期",
    ],
    "plan_change": ["本人の状況の変化", "現在のプランの評価", "変更する内容"],
    "termination": [
        "目標の達成状況",
        "本人を取り巻く支援者の状況",
        "終結後のフォローアップの要否と方法",
    ],
    "suspension": ["本人との連絡の状況", "中断の判断と理由", "再開の目安と見守り"],
}

PURPOSE_LABELS: dict[str, str] = {
    "info_sharing": "情報共有",
    "policy": "支援方針",
    "emergency": "緊急対応",
    "plan_creation": "プラン策定",
    "plan_change": "プラン変更",
    "termination": "支援終結",
    "suspension": "支援中断",
}


def outline_text(purpose: str) -> str:
    """A discussion skeleton with one heading per point the purpose calls for."""
    return "\n".join(f"【{point}】\n" for point in OUTLINES.get(purpose, []))
