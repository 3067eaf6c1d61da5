"""Calls from minutes to the agenda service, over HTTP, with the caller's own token."""

from __future__ import annotations

from typing import Any

from kasane_shared.errors import KasaneError, not_found
from kasane_shared.service_client import ServiceClient


class AgendaClient(ServiceClient):
    """The few agenda endpoints minutes needs."""

    service_ja, service_en, code = "議題サービス", "agenda service", "agenda_unavailable"

    def refusal(self, status: int) -> KasaneError | None:
        """A meeting the caller may not see reads as one that does not exist."""
        return not_found("会議", "Meeting") if status in (403, 404) else None

    def agenda_view(self, token: str, meeting_id: str) -> dict[str, Any]:
        """The caller's own redacted agenda (meeting facts and what the caller may see of items)."""
        return self._call("GET", f"/meetings/{meeting_id}/agenda", token)

    def entitlements(self, token: str, meeting_id: str) -> dict[str, Any]:
        """Who may read what at a meeting (coordinator): attendees, each item's audiences."""
        return self._call("GET", f"/meetings/{meeting_id}/entitlements", token)

    def record_plan(self, token: str, case_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """Write a new support-plan version from an approved 重層的支援会議 item."""
        return self._call("POST", f"/cases/{case_id}/plans", token, json=body)
