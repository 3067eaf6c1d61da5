"""Minutes via the minutes service: reader's view, editor's draft, review, approval, tax marks."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData

from web.core import directory
from web.core.api import Api
from web.core.errors import ApiError, FormErrors

ROLE_ROWS = 3  # rows shown at least; each saved row brings one empty row more
MAX_ROLE_ROWS = 50  # what the minutes service takes per item
EDITABLE = ("new", "draft", "in_review")


def view(api: Api, meeting_id: str, version: int | None = None) -> dict[str, Any] | None:
    """The minutes as the caller may read them, or None when there are none yet."""
    query = f"?version={version}" if version else ""
    try:
        return api.get(f"/minutes/meetings/{meeting_id}/minutes{query}")
    except ApiError as error:
        if error.status == 404 and error.code == "not_found":
            return None
        raise


def comments(api: Api, meeting_id: str, minutes: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Review comments on the version in review (none outside review)."""
    if minutes is None or minutes.get("status") != "in_review":
        return []
    return api.get(f"/minutes/meetings/{meeting_id}/minutes/comments")


def check(api: Api, meeting_id: str, minutes: dict[str, Any] | None) -> dict[str, Any]:
    """The check before approval (承認前確認) of a draft or minutes in review, for the page.

    ``check`` is None when there is nothing to check; ``check_error`` says why the caller's
    keys cannot make it (a text they cannot open).
    """
    if minutes is None or not minutes.get("id") or minutes.get("status") not in EDITABLE:
        return {"check": None, "check_error": None}
    try:
        found = api.get(f"/minutes/meetings/{meeting_id}/minutes/check")
    except ApiError as error:
        if error.status != 409:
            raise
        return {"check": None, "check_error": error.detail}
    return {"check": found, "check_error": None}


def editor_context(api: Api, meeting_id: str) -> dict[str, Any]:
    """Attendees and organizations the editor lists."""
    meeting = api.get(f"/agenda/meetings/{meeting_id}")
    return {
        "attendees": meeting.get("attendees") or [],
        "people": directory.people(api),
        "orgs": directory.organizations(api),
    }


ROLE_FIELDS = ("organization_id", "duty", "due")


def typed_roles(form: FormData, key: str) -> list[dict[str, str]]:
    """An item's 役割分担 rows as typed, by form row, up to the last one with anything in it."""
    rows = [
        {f: str(form.get(f"{key}.roles.{n}.{f}") or "") for f in ROLE_FIELDS}
        for n in range(MAX_ROLE_ROWS)
    ]
    while rows and not any(v.strip() for v in rows[-1].values()):
        rows.pop()
    return rows


def typed_items(form: FormData, minutes: dict[str, Any]) -> dict[str, list[dict[str, str]]]:
    """Each item's role rows as typed, for the editor shown again after a rejected save."""
    return {i["agenda_item_id"]: typed_roles(form, i["agenda_item_id"]) for i in minutes["items"]}


def _sent_rows(rows: list[dict[str, str]]) -> list[int]:
    """The rows with anything typed, in the service's order.

    A row with only a due date is sent too: the service refuses it beside the row, where
    dropping it would lose what the coordinator typed without a word.
    """
    return [n for n, row in enumerate(rows) if any(value.strip() for value in row.values())]


def draft_body(form: FormData, minutes: dict[str, Any]) -> dict[str, Any]:
    """The PUT body from the editor form: attendance and each item's record."""
    items = []
    for item in minutes["items"]:
        if item.get("redacted"):
            continue
        key = item["agenda_item_id"]
        rows = typed_roles(form, key)
        roles = []
        for n in _sent_rows(rows):
            org, duty, due = (rows[n][f].strip() for f in ROLE_FIELDS)
            roles.append({"organization_id": org, "duty": duty, **({"due": due} if due else {})})
        monitoring = str(form.get(f"{key}.monitoring_on") or "").strip()
        items.append(
            {
                "agenda_item_id": key,
                "discussion": str(form.get(f"{key}.discussion") or ""),
                "decisions": str(form.get(f"{key}.decisions") or ""),
                "roles": roles,
                **({"monitoring_on": monitoring} if monitoring else {}),
            }
        )
    return {
        "attendance": [m for m in form.getlist("attendance") if isinstance(m, str)],
        "items": items,
    }


def draft_errors(error: ApiError, minutes: dict[str, Any], form: FormData) -> FormErrors:
    """Map ``items.N.field`` errors onto the editor's ``<item id>.field`` inputs.

    Empty role rows are not sent, so the service's ``roles.M`` is mapped back to the form row
    it came from (the error stands beside what the coordinator typed).
    """
    editable = [i["agenda_item_id"] for i in minutes["items"] if not i.get("redacted")]
    errors = FormErrors()
    for entry in error.problem.get("errors") or []:
        parts = str(entry.get("field", "")).split(".")
        message = str(entry.get("message", ""))
        if (
            len(parts) >= 3
            and parts[0] == "items"
            and parts[1].isdigit()
            and int(parts[1]) < len(editable)
        ):
            key, rest = editable[int(parts[1])], parts[2:]
            sent = _sent_rows(typed_roles(form, key))
            if len(rest) >= 2 and rest[0] == "roles" and rest[1].isdigit():
                rest[1] = str(sent[int(rest[1])]) if int(rest[1]) < len(sent) else rest[1]
            errors.add(".".join([key, *rest]), message)
        elif parts and parts[0] == "attendance":
            errors.add("attendance", message)
        else:
            errors.general.append(message)
    if not errors:
        errors.general.append(error.detail)
    return errors


def find_span(text: str, phrase: str) -> tuple[int, int] | None:
    """Offsets of the first occurrence of a phrase the coordinator wants marked."""
    at = text.find(phrase) if phrase else -1
    return (at, at + len(phrase)) if at >= 0 else None
