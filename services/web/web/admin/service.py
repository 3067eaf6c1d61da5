"""Administration through identity: organizations, members, roles, pledge templates, key status."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData

from web.core.api import Api

ORG_KINDS = (
    "municipal",
    "tax",
    "council",
    "consultation",
    "community",
    "school",
    "medical",
    "other",
)
ROLES = ("admin", "coordinator", "member", "auditor")


def overview(api: Api) -> dict[str, Any]:
    """Everything the admin page lists (no case content: identity holds none)."""
    return {
        "orgs": sorted(api.get("/identity/organizations"), key=lambda o: o["name"]),
        "members": sorted(
            api.get("/identity/members", params={"include_inactive": "true"}),
            key=lambda m: m["login"],
        ),
        "templates": sorted(
            api.get("/identity/pledge-templates"),
            key=lambda t: (t["conference_kind"], -t["version"]),
        ),
        "keys": api.get("/identity/keys/status"),
    }


def member_body(form: FormData) -> dict[str, Any]:
    """A new member from the form."""
    return {
        "login": str(form.get("login") or "").strip(),
        "display_name": str(form.get("display_name") or "").strip(),
        "organization_id": str(form.get("organization_id") or ""),
        "roles": [r for r in form.getlist("roles") if r in ROLES],
        "password": str(form.get("password") or ""),
    }
