"""What each role's dashboard shows, gathered from the services."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from web.core import directory
from web.core.api import Api

UPCOMING = 10
WATCHED = 5
EXPIRY_DAYS = 30


def upcoming(meetings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Meetings that have not ended, soonest first."""
    now = datetime.now(UTC)
    future = [m for m in meetings if datetime.fromisoformat(m["ends_at"]) >= now]
    return sorted(future, key=lambda m: m["starts_at"])[:UPCOMING]


def member_dashboard(api: Api, me: dict[str, Any]) -> dict[str, Any]:
    """My upcoming meetings and my pledges."""
    pledges = directory.my_pledges(api, me["id"])
    return {
        "meetings": upcoming(api.get("/agenda/meetings")),
        "valid_kinds": directory.valid_kinds(pledges),
    }


def coordinator_dashboard(api: Api) -> dict[str, Any]:
    """The due list and the invitees of the next meetings who lack a pledge."""
    meetings = upcoming(api.get("/agenda/meetings"))[:WATCHED]
    names = directory.people(api)
    lacking = []
    for meeting in meetings:
        detail = api.get(f"/agenda/meetings/{meeting['id']}")
        ids = [a["member_id"] for a in detail.get("attendees") or []]
        status = directory.pledge_status(api, meeting["kind"], ids)
        for member_id in ids:
            if not status.get(member_id, False):
                lacking.append(
                    {
                        "meeting": meeting,
                        "member": names.get(member_id, {"display_name": member_id}),
                    }
                )
    due = api.get("/agenda/due", params={"days": 30})
    cases = {c["id"]: c for c in api.get_all("/agenda/cases")} if due else {}
    known = [d | {k: cases.get(d["case_id"], {}).get(k) for k in ("title", "number")} for d in due]
    return {"due": known, "lacking": lacking}


def expiring(pledges: list[dict[str, Any]], today: date) -> list[dict[str, Any]]:
    """Valid pledges that end within 30 days, unless a later one of the same kind outlasts them."""
    latest: dict[str, dict[str, Any]] = {}
    for p in pledges:
        if p.get("valid") and p.get("valid_until"):
            kept = latest.get(p["conference_kind"])
            if kept is None or p["valid_until"] > kept["valid_until"]:
                latest[p["conference_kind"]] = p
    limit = (today + timedelta(days=EXPIRY_DAYS)).isoformat()
    return [p for p in latest.values() if p["valid_until"] <= limit]


def todo(api: Api, me: dict[str, Any]) -> dict[str, Any]:
    """ホーム's to-do list: what waits for this person, from each service's own list."""
    meetings = {m["id"]: m for m in api.get("/agenda/meetings")}
    agenda, minutes = api.get("/agenda/todo"), api.get("/minutes/todo")

    def with_meeting(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        # A meeting the list no longer shows (cancelled, out of sight) is left out.
        return [
            r | {"meeting": meetings[r["meeting_id"]]} for r in rows if r["meeting_id"] in meetings
        ]

    lists: dict[str, list[dict[str, Any]]] = {
        "invitations": with_meeting(agenda["invitations"]),
        "unread": with_meeting(agenda["unread_agendas"]),
        "to_confirm": with_meeting(minutes["to_confirm"]),
        "to_approve": with_meeting(minutes["to_approve"]),
        "pledges": expiring(directory.my_pledges(api, me["id"]), datetime.now(UTC).date()),
    }
    return {"todo": lists}


def monitoring_due(due: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The coordinator's due list narrowed to cases whose monitoring date is near."""
    return [d for d in due if d.get("reason") == "monitoring"]
