"""Calls from minutes to the agenda service, over HTTP, with the caller's own token."""

from __future__ import annotations

from typing import Any

import httpx

from kasane_shared.errors import KasaneError, not_found


def _unavailable() -> KasaneError:
    return KasaneError(503, "agenda_unavailable", "議題サービスに接続できません。しばらくしてからお試しください。", "The agenda service is unavailable.")


class AgendaClient:
    """The few agenda endpoints minutes needs."""

    def __init__(self, http: Any, base_url: str) -> None:
        self.http, self.base = http, base_url.rstrip("/")

    def _call(self, method: str, path: str, token: str, **kwargs: Any) -> Any:
        try:
            response = self.http.request(method, f"{self.base}{path}", headers={"Authorization": f"Bearer {token}"}, **kwargs)
        except (httpx.HTTPError, OSError) as error:
            raise _unavailable() from error
        if response.status_code in (403, 404):
            raise not_found("会議", "Meeting")
        if response.status_code == 401:
            raise KasaneError(401, "session_ended", "ログインの有効期限が切れました。もう一度ログインしてください。", "Your session has ended. Please sign in again.")
        if response.status_code >= 400:
            raise _unavailable()
        return response.json()

    def agenda_view(self, token: str, meeting_id: str) -> dict[str, Any]:
        """The caller's own redacted agenda (meeting facts and what the caller may see of items)."""
        return self._call("GET", f"/meetings/{meeting_id}/agenda", token)

    def entitlements(self, token: str, meeting_id: str) -> dict[str, Any]:
        """Who may read what at a meeting (coordinator): attendees, and per item content and tax audiences."""
        return self._call("GET", f"/meetings/{meeting_id}/entitlements", token)

    def record_plan(self, token: str, case_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """Write a new support-plan version from an approved 重層的支援会議 item."""
        return self._call("POST", f"/cases/{case_id}/plans", token, json=body)
