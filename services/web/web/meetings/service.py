"""Meetings through the agenda service: my agenda, scheduling, attendees, agenda items."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from starlette.datastructures import FormData

from kasane_shared.wareki import JST
from web.core import directory
from web.core.api import Api
from web.core.errors import FormErrors

PURPOSES = {
    "shien": ("info_sharing", "policy", "emergency"),
    "jusou": ("plan_creation", "plan_change", "termination", "suspension"),
}
MEETING_FIELDS = {
    "kind": "kind",
    "title": "title",
    "starts_at": "start_time",
    "ends_at": "end_time",
    "place": "place",
    "online_url": "online_url",
    "attendees": "attendees",
    "recurrence": "rhythm",
}
ITEM_FIELDS = {
    "case_id": "case_id",
    "purpose": "purpose",
    "minutes": "minutes",
    "briefing": "briefing",
    "order": "order",
}


def text(form: FormData, name: str) -> str:
    """A form value as stripped text."""
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def parse_date(value: str) -> date | None:
    """A YYYY-MM-DD value, or None."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def parse_time(value: str) -> time | None:
    """An HH:MM value, or None."""
    try:
        return time.fromisoformat(value)
    except ValueError:
        return None


def meeting_body(form: FormData, t: Any) -> tuple[dict[str, Any], FormErrors]:
    """The agenda API body from the scheduling form, with messages for what cannot be read."""
    errors = FormErrors()
    day, start, end = (
        parse_date(text(form, "date")),
        parse_time(text(form, "start_time")),
        parse_time(text(form, "end_time")),
    )
    slot = text(form, "slot")
    if slot and "|" in slot:
        starts_at, ends_at = slot.split("|", 1)
    else:
        if day is None:
            errors.add("date", t("meeting.err_date"))
        if start is None:
            errors.add("start_time", t("meeting.err_time"))
        if end is None:
            errors.add("end_time", t("meeting.err_time"))
        starts_at = datetime.combine(day, start, JST).isoformat() if day and start else ""
        ends_at = datetime.combine(day, end, JST).isoformat() if day and end else ""
    if not text(form, "title"):
        errors.add("title", t("form.enter", label=t("meeting.title")))
    if not text(form, "place"):
        errors.add("place", t("form.enter", label=t("meeting.place")))
    if text(form, "kind") not in PURPOSES:
        errors.add("kind", t("meeting.err_kind"))
    body: dict[str, Any] = {
        "kind": text(form, "kind"),
        "title": text(form, "title"),
        "starts_at": starts_at,
        "ends_at": ends_at,
        "place": text(form, "place"),
        "attendees": [
            {"member_id": m, "required": True}
            for m in dict.fromkeys(form.getlist("attendees"))
            if isinstance(m, str)
        ],
    }
    if text(form, "online_url"):
        body["online_url"] = text(form, "online_url")
    rhythm = text(form, "rhythm")
    if rhythm in ("weekly", "monthly"):
        body["recurrence"] = recurrence_body(form, rhythm)
    return body, errors


def recurrence_body(form: FormData, rhythm: str) -> dict[str, Any]:
    """The series rule: count, 第N曜日 or a day of the month, and what closed days do."""
    count = text(form, "count")
    rule: dict[str, Any] = {"frequency": rhythm, "count": int(count) if count.isdigit() else 6}
    if rhythm == "monthly" and text(form, "monthly_by") == "nth":
        week, weekday = text(form, "week_of_month"), text(form, "weekday")
        if week in ("1", "2", "3", "4", "-1"):
            rule["week_of_month"] = int(week)
        if weekday in tuple("0123456"):
            rule["weekday"] = int(weekday)
    if text(form, "closed_days") in ("skip", "next", "previous"):
        rule["closed_days"] = text(form, "closed_days")
    return rule


def check_lines(found: dict[str, Any], people: dict[str, Any], t: Any) -> list[str]:
    """What the agenda service asks the coordinator to confirm, as sentences."""
    from web.core.templates import wareki_datetime, wareki_range

    lines = [t("meeting.check_past", when=wareki_datetime(p)) for p in found.get("past", [])]
    lines += [
        t("meeting.check_closed", reason=c["reason"], when=wareki_datetime(c["starts_at"]))
        for c in found.get("closed_days", [])
    ]
    lines += [
        t(
            "meeting.check_conflict",
            name=people.get(c["member_id"], {}).get("display_name", ""),
            when=wareki_range(c["starts_at"], c["ends_at"]),
        )
        for c in found.get("conflicts", [])
    ]
    lines += [
        t("meeting.check_room", when=wareki_range(r["starts_at"], r["ends_at"]))
        for r in found.get("room_conflicts", [])
    ]
    return list(dict.fromkeys(lines))


def free_slots(api: Api, form: FormData) -> list[dict[str, Any]]:
    """Proposed times when every picked attendee is free, from the chosen day for two weeks."""
    day = parse_date(text(form, "date")) or datetime.now(JST).date() + timedelta(days=1)
    start, end = parse_time(text(form, "start_time")), parse_time(text(form, "end_time"))
    minutes = 60
    if start and end and end > start:
        minutes = max(
            15, min(480, (datetime.combine(day, end) - datetime.combine(day, start)).seconds // 60)
        )
    params = {
        "from": datetime.combine(day, time(0, 0), JST).isoformat(),
        "to": datetime.combine(day + timedelta(days=14), time(0, 0), JST).isoformat(),
        "duration_minutes": minutes,
        "member_id": [m for m in form.getlist("attendees") if isinstance(m, str)],
        "limit": 8,
    }
    return api.get("/agenda/scheduling/free-slots", params=params)["slots"]


def picker(api: Api) -> list[dict[str, Any]]:
    """Members to invite, with their organization and pledge status per kind."""
    people = [
        m
        for m in directory.people(api).values()
        if "member" in m["roles"] or "coordinator" in m["roles"]
    ]
    orgs = directory.organizations(api)
    ids = [m["id"] for m in people]
    status = {kind: directory.pledge_status(api, kind, ids) for kind in directory.KINDS}
    return [
        m
        | {
            "organization": orgs.get(m["organization_id"], {}).get("name", ""),
            "pledges": {k: status[k].get(m["id"], False) for k in directory.KINDS},
        }
        for m in sorted(people, key=lambda p: p["login"])
    ]


def management(api: Api, meeting_id: str) -> dict[str, Any]:
    """Everything the coordinator's meeting page shows."""
    meeting = api.get(f"/agenda/meetings/{meeting_id}")
    items = api.get(f"/agenda/meetings/{meeting_id}/items")
    cases = {c["id"]: c for c in api.get_all("/agenda/cases")}
    people, orgs = directory.people(api), directory.organizations(api)
    attendee_ids = [a["member_id"] for a in meeting.get("attendees") or []]
    pledges = directory.pledge_status(api, meeting["kind"], attendee_ids)
    length = int(
        (
            datetime.fromisoformat(meeting["ends_at"])
            - datetime.fromisoformat(meeting["starts_at"])
        ).total_seconds()
        // 60
    )
    warnings = _dedupe(
        [w for i in items for w in i.get("warnings", [])]
        + meeting.get("warnings", [])
        + _own_warnings(meeting, items, cases, pledges)
    )
    return {
        "meeting": meeting,
        "items": items,
        "cases": cases,
        "people": people,
        "orgs": orgs,
        "pledges": pledges,
        "conflicts": api.get(f"/agenda/meetings/{meeting_id}/conflicts"),
        "warnings": warnings,
        "length": length,
        "total": sum(i["minutes"] for i in items),
        "purposes": PURPOSES[meeting["kind"]],
        "invitable": [
            p
            for p in people.values()
            if p["id"] not in attendee_ids
            and ("member" in p["roles"] or "coordinator" in p["roles"])
        ],
    }


def _own_warnings(
    meeting: dict[str, Any],
    items: list[dict[str, Any]],
    cases: dict[str, Any],
    pledges: dict[str, bool],
) -> list[dict[str, Any]]:
    """Invitees without a pledge, and (重層的支援会議) invitees outside a case's consent scope."""
    out = [
        {
            "code": "no_pledge",
            "member_id": m,
            "message": "有効な誓約書がありません。日時と場所しか表示されません。",
            "message_en": "No valid pledge: sees only the time and place.",
        }
        for m, ok in pledges.items()
        if not ok
    ]
    if meeting["kind"] != "jusou":
        return out
    for item in items:
        consent = (cases.get(item["case_id"]) or {}).get("active_consent")
        scope = set(consent["organization_ids"]) if consent else set()
        for a in meeting.get("attendees") or []:
            if a.get("organization_id") not in scope:
                out.append(
                    {
                        "code": "outside_consent",
                        "member_id": a["member_id"],
                        "message": (
                            "同意の範囲外の機関に所属しています。この議題は非表示になります。"
                        ),
                        "message_en": "Outside the consent's scope: this item is hidden for them.",
                    }
                )
    return out


def _dedupe(warnings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen, out = set(), []
    for w in warnings:
        key = (w.get("code"), w.get("member_id"), w.get("organization_id"))
        if key not in seen:
            seen.add(key)
            out.append(w)
    return out


def resync(api: Api, meeting: dict[str, Any]) -> dict[str, Any]:
    """Hand out content keys again (e.g. after an invitee signed their pledge)."""
    attendees = [
        {"member_id": a["member_id"], "required": a["required"], "case_ids": a["case_ids"]}
        for a in meeting.get("attendees") or []
    ]
    return api.post(f"/agenda/meetings/{meeting['id']}/attendees", {"attendees": attendees})


def item_body(form: FormData, t: Any, *, new: bool) -> tuple[dict[str, Any], FormErrors]:
    """An agenda item body from its form."""
    errors, body = FormErrors(), {}
    if new:
        body["case_id"] = text(form, "case_id")
        if not body["case_id"]:
            errors.add("case_id", t("item.err_case"))
    body["purpose"] = text(form, "purpose")
    minutes = text(form, "minutes")
    if not minutes.isdigit():
        errors.add("minutes", t("item.err_minutes"))
    else:
        body["minutes"] = int(minutes)
    if "briefing" in form:
        body["briefing"] = str(form.get("briefing") or "")
    if new and form.get("allow_duplicate") == "1":
        body["allow_duplicate"] = True
    order = text(form, "order")
    if order:
        if order.isdigit():
            body["order"] = int(order)
        else:
            errors.add("order", t("item.err_order"))
    return body, errors
