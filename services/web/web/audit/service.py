"""The three audit chains read through each service's auditor endpoints, one recorded search each.

A search is recorded once in identity's chain (its filters); every page of it, every service's
part and every name looked up carry its id, so none of them is logged again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from web.core.api import Api

SERVICES = ("identity", "agenda", "minutes")
# Sealed tables named in key-opening details → the target kind the owning service describes.
TABLE_KINDS = {
    "cases": "case",
    "meetings": "meeting",
    "agenda_items": "agenda_item",
    "plans": "plan",
    "consents": "consent",
    "minutes": "minutes",
    "minutes_items": "minutes_item",
    "comments": "comment",
}
OWNERS = {
    kind: "minutes" if kind in ("minutes", "minutes_item", "comment") else "agenda"
    for kind in TABLE_KINDS.values()
}
FILTERS = ("action", "actor_id", "target_type", "target_id", "since", "until")
EXPORT_LIMIT = 100_000


@dataclass
class Search:
    """What the auditor asked for: filters in the API's terms, which chains, page size."""

    filters: dict[str, str]
    services: tuple[str, ...] = SERVICES
    per_page: int = 50
    search_id: str = ""
    cursor: dict[str, int] = field(default_factory=dict)

    def params(self) -> dict[str, str]:
        """The service filters (empty ones left out)."""
        return {k: v for k, v in self.filters.items() if k in FILTERS and v}


def start(api: Api, search: Search, service_name: str, purpose: str = "search") -> str:
    """Record the search once in identity's chain; its id covers every read that follows."""
    filters = search.params() | ({"service_name": service_name} if service_name else {})
    created = api.post("/identity/audit/searches", {"filters": filters, "purpose": purpose})
    return str(created["search_id"])


def encode_cursor(cursor: dict[str, int]) -> str:
    """``identity:12.agenda:40`` for the next-page link."""
    return ".".join(f"{s}:{n}" for s, n in cursor.items())


def decode_cursor(text: str) -> dict[str, int]:
    """The per-chain positions of a next-page link (anything unreadable is dropped)."""
    out: dict[str, int] = {}
    for part in text.split(".") if text else []:
        name, _, number = part.partition(":")
        if name in SERVICES and number.isdigit():
            out[name] = int(number)
    return out


def page(api: Api, search: Search) -> tuple[list[dict[str, Any]], dict[str, int] | None]:
    """One page, newest first across the chains, and the cursor of the next (None: the end)."""
    fetched: dict[str, list[dict[str, Any]]] = {}
    for name in search.services:
        params: dict[str, Any] = search.params() | {
            "limit": search.per_page,
            "search_id": search.search_id,
        }
        if name in search.cursor:
            params["before_seq"] = search.cursor[name]
        fetched[name] = [e | {"service": name} for e in api.get(f"/{name}/audit", params=params)]
    merged = sorted(
        (e for rows in fetched.values() for e in rows),
        key=lambda e: (e["recorded_at"], e["service"], e["seq"]),
        reverse=True,
    )
    shown = merged[: search.per_page]
    more = len(merged) > len(shown) or any(
        len(rows) == search.per_page for rows in fetched.values()
    )
    if not more:
        return shown, None
    cursor = dict(search.cursor)
    for entry in shown:
        cursor[entry["service"]] = min(cursor.get(entry["service"], entry["seq"]), entry["seq"])
    return shown, cursor


def everything(api: Api, search: Search) -> list[dict[str, Any]]:
    """Every entry of the search (for the CSV), in pages of a thousand."""
    search.per_page, rows = 1000, []
    while len(rows) < EXPORT_LIMIT:
        found, cursor = page(api, search)
        rows.extend(found)
        if cursor is None or not found:
            break
        search.cursor = cursor
    return rows


def related(api: Api, search_id: str, rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """What agenda and minutes tell of meetings, cases and minutes other rows point at."""
    wanted: dict[str, set[tuple[str, str]]] = {"agenda": set(), "minutes": set()}
    for row in rows:
        target, details = row.get("target") or {}, row.get("details") or {}
        if target.get("meeting_id"):
            wanted["agenda"].add(("meeting", target["meeting_id"]))
        if row["service"] != "agenda" and row.get("target_type") == "case":
            wanted["agenda"].add(("case", row["target_id"]))
        for key, kind, owner in (
            ("meeting_id", "meeting", "agenda"),
            ("case_id", "case", "agenda"),
            ("minutes_id", "minutes", "minutes"),
        ):
            if isinstance(details.get(key), str):
                wanted[owner].add((kind, details[key]))
        kind = details.get("target_type")
        if isinstance(details.get("target_id"), str) and kind in OWNERS:
            wanted[OWNERS[kind]].add((kind, details["target_id"]))
        # Key openings list their records; elsewhere "opened" is a count (agenda.view).
        listed = [v for k in ("opened", "refused") if isinstance(v := details.get(k), list)]
        for opened in (item for items in listed for item in items):
            if not isinstance(opened, dict) or opened.get("service") not in wanted:
                continue
            kind = TABLE_KINDS.get(str(opened.get("table")))
            if kind and opened.get("record_id"):
                wanted[opened["service"]].add((kind, str(opened["record_id"])))
    found: dict[str, dict[str, Any]] = {}
    for owner, refs in wanted.items():
        if refs:
            body = {"refs": sorted(refs), "search_id": search_id}
            found |= api.post(f"/{owner}/audit/describe", body)
    meetings = {f["meeting_id"] for f in found.values() if f.get("meeting_id")} - {
        key.split(":", 1)[1] for key in found if key.startswith("meeting:")
    }
    if meetings:
        refs = [["meeting", m] for m in sorted(meetings)]
        found |= api.post("/agenda/audit/describe", {"refs": refs, "search_id": search_id})
    return found


def verification(api: Api, search_id: str) -> dict[str, dict[str, Any]]:
    """Each chain's verification result (recorded once, as the search)."""
    return {s: api.get(f"/{s}/audit/verify", params={"search_id": search_id}) for s in SERVICES}


def names(api: Api) -> dict[str, str]:
    """Display names of people, those who left included."""
    rows = api.get("/identity/members", params={"include_inactive": "true"})
    return {m["id"]: m["display_name"] for m in rows}
