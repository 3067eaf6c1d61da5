"""Messages of agenda building (move, reorder, remove) on the coordinator's page (issue 15)."""

from __future__ import annotations

BUILDING_MESSAGES: dict[str, tuple[str, str]] = {
    "item.up": ("上へ", "Up"),
    "item.down": ("下へ", "Down"),
    "item.up_label": ("「{title}」を一つ上へ", "Move “{title}” up"),
    "item.down_label": ("「{title}」を一つ下へ", "Move “{title}” down"),
    "item.handle": ("「{title}」を並べ替える", "Reorder “{title}”"),
    "item.reorder_hint": (
        "「上へ」「下へ」で順番を変えられます。並べ替えボタンにフォーカスして上下の矢印キー"
        "でも動かせます（ドラッグでも可）。",
        "Use Up and Down to change the order. With the reorder button focused, the arrow keys"
        " move the item too (or drag it).",
    ),
    "item.moved_to": ("「{title}」を{n}番目に移しました。", "Moved “{title}” to position {n}."),
    "item.order_saving": ("順番を保存しています…", "Saving the order…"),
    "item.delete_title": ("議題から外す前の確認", "Remove this item?"),
    "item.delete_what": ("次の議題を会議から外します。", "This item will leave the agenda."),
    "item.delete_effect": (
        "説明文と、招集者がこの議題を読むための鍵は削除されます。事例そのものは残ります。"
        "配布済みの議題から外すと、構成員の議題からも消えます。",
        "Its briefing and the invitees' keys to it are deleted; the case itself stays. If the"
        " agenda was distributed, the item disappears from the members' agendas too.",
    ),
    "item.delete_do": ("議題から外す", "Remove it"),
    "item.delete_back": ("外さずに戻る", "Keep it and go back"),
    "item.duplicate_title": (
        "この事例はすでに議題にあります",
        "This case is already on the agenda",
    ),
    "item.duplicate_why": (
        "同じ事例を同じ会議で二度扱う場合だけ、もう一度追加してください。",
        "Add it again only if the meeting should discuss the same case twice.",
    ),
    "item.duplicate_do": ("それでも追加する", "Add it anyway"),
    "item.duplicate_back": ("追加しない", "Do not add it"),
    "flash.item_moved": ("議題の順番を変えました。", "The order is changed."),
    "flash.err_order_stale": (
        "議題が別の操作で変わっていたため、順番を変えませんでした。いまの順番を確かめてください。",
        "The agenda had changed meanwhile, so the order was not changed. Check it again.",
    ),
    "flash.err_item_gone": (
        "この議題はすでに外されています。",
        "This item has already been removed.",
    ),
}
