"""What the check pages (配布前確認・承認前確認) show: each text labelled, counts, decisions."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData

# Field names of the agenda's texts → catalog keys of their labels.
AGENDA_LABELS = {
    ("case", "title"): "case.title",
    ("case", "summary"): "case.summary",
    ("case", "notes"): "case.notes",
    ("item", "briefing"): "item.briefing",
}


def field_label(record: str, name: str, t: Any) -> str:
    """「概要」, 「検討内容」, 「役割 1」… for one checked text."""
    if (record, name) in AGENDA_LABELS:
        return t(AGENDA_LABELS[(record, name)])
    head, _, rest = name.partition(".")
    number = rest.split(".")[0]
    if head == "roles" and number.isdigit():
        return t("minutes.role_duty", n=int(number) + 1)
    if head == "action_items" and number.isdigit():
        return t("check.action_item", n=int(number) + 1)
    if head in ("discussion", "decisions"):
        return t(f"minutes.{head}")
    return name


def labelled(check: dict[str, Any], t: Any) -> dict[str, Any]:
    """The check with a label on every field (the wire shape is kept as it is)."""
    for item in check.get("items") or []:
        for f in item["fields"]:
            f["label"] = field_label(f["record"], f["field"], t)
    return check


def decision(form: FormData) -> dict[str, Any] | None:
    """A decision posted from a check page, or None when the form is not one."""
    values = {k: str(form.get(k) or "") for k in ("record", "record_id", "field", "action")}
    start, end = str(form.get("start") or ""), str(form.get("end") or "")
    if values["action"] not in ("mark", "keep") or not (start.isdigit() and end.isdigit()):
        return None
    if not values["record_id"] or not values["field"] or len(start) > 6 or len(end) > 6:
        return None
    return {**values, "start": int(start), "end": int(end)}
