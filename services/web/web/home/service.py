"""What each role's dashboard shows, gathered from the services."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from web.core import directory
from web.core.api import Api

UPCOMING = 10
WATCHED = 5


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
    titles = {c["id"]: c.get("title") for c in api.get_all("/agenda/cases")} if due else {}
    return {"due": [d | {"title": titles.get(d["case_id"])} for d in due], "lacking": lacking}
