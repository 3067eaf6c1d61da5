"""Names for ids: people and organizations, as identity lists them to any signed-in person."""

from __future__ import annotations

from typing import Any

from web.core.api import Api

KINDS = ("shien", "jusou")


def people(api: Api) -> dict[str, dict[str, Any]]:
    """Active members by id."""
    return {m["id"]: m for m in api.get("/identity/members")}


def organizations(api: Api) -> dict[str, dict[str, Any]]:
    """Organizations by id."""
    return {o["id"]: o for o in api.get("/identity/organizations")}


def pledge_status(api: Api, kind: str, member_ids: list[str]) -> dict[str, bool]:
    """Which members hold a valid pledge for ``kind`` (coordinators, admins, auditors may ask)."""
    ids = list(dict.fromkeys(member_ids))
    if not ids:
        return {}
    rows = api.get("/identity/pledge-status", params={"kind": kind, "member_id": ids})
    return {r["member_id"]: bool(r["valid"]) for r in rows}


def my_pledges(api: Api, member_id: str) -> list[dict[str, Any]]:
    """The signed-in member's own pledges, newest first."""
    rows = api.get(f"/identity/members/{member_id}/pledges")
    return sorted(rows, key=lambda p: p["signed_at"], reverse=True)


def valid_kinds(pledges: list[dict[str, Any]]) -> set[str]:
    """Conference kinds the member holds a valid pledge for."""
    return {p["conference_kind"] for p in pledges if p.get("valid")}
