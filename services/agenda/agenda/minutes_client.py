"""Calls from agenda to the minutes service, over HTTP, with the caller's own token."""

from __future__ import annotations

from typing import Any

from kasane_shared.service_client import ServiceClient


class MinutesClient(ServiceClient):
    """The one minutes endpoint agenda needs: a consent withdrawn takes the minutes' keys back."""

    service_ja, service_en, code = "会議録サービス", "minutes service", "minutes_unavailable"

    def consent_withdrawal(self, token: str, case_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """Who may still read each agenda item of the case; minutes narrows its wraps to that."""
        return self._call("POST", f"/cases/{case_id}/consent-withdrawal", token, json=body)
