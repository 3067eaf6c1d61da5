"""The three audit chains, read through each service's auditor endpoints."""

from __future__ import annotations

from typing import Any

from web.core import directory
from web.core.api import Api

SERVICES = ("identity", "agenda", "minutes")


def entries(api: Api, services: tuple[str, ...], filters: dict[str, Any]) -> list[dict[str, Any]]:
    """Entries of the chosen chains, merged newest first."""
    params = {k: v for k, v in filters.items() if v}
    rows = [e | {"service": s} for s in services for e in api.get(f"/{s}/audit", params=params)]
    return sorted(rows, key=lambda e: e["recorded_at"], reverse=True)[
        : int(filters.get("limit") or 100)
    ]


def verification(api: Api) -> dict[str, dict[str, Any]]:
    """Each chain's verification result."""
    return {s: api.get(f"/{s}/audit/verify") for s in SERVICES}


def names(api: Api) -> dict[str, str]:
    """Display names of actors (members who left included when identity lists them)."""
    return {m["id"]: m["display_name"] for m in directory.people(api).values()}
