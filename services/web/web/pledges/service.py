"""The member's pledges: the text to sign, signing it, the signed records."""

from __future__ import annotations

from typing import Any

from web.core.api import Api


def current_template(api: Api, kind: str) -> dict[str, Any] | None:
    """The pledge text members sign now for a conference kind."""
    rows = api.get("/identity/pledge-templates", params={"kind": kind})
    return next((r for r in rows if r.get("current")), None)


def sign(api: Api, member_id: str, template_id: str) -> dict[str, Any]:
    """Sign a pledge for oneself."""
    return api.post(f"/identity/members/{member_id}/pledges", {"template_id": template_id})
