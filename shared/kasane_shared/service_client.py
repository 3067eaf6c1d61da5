"""The common part of one Kasane service calling another over HTTP with the caller's token."""

from __future__ import annotations

from typing import Any

import httpx

from kasane_shared.errors import KasaneError
from kasane_shared.observability.context import propagation_headers
from kasane_shared.overload import ensure_client_present


def _names_one_record(path: str) -> bool:
    """Whether a path built from ids reaches the resource it spells, unchanged."""
    if any(ord(c) < 32 or ord(c) == 127 or c in "?#%\\" for c in path):
        return False
    return not any(segment in (".", "..") for segment in path.split("/"))


class ServiceClient:
    """Sends a request with the caller's bearer token and turns failures into clear problems.

    ``http`` may be any httpx-style client (a real one, or a test client in process).
    Subclasses name the service and may map 403/404 to something more specific.
    """

    service_ja = "サービス"
    service_en = "service"
    code = "service_unavailable"

    def __init__(self, http: Any, base_url: str) -> None:
        self.http, self.base = http, base_url.rstrip("/")

    def unavailable(self) -> KasaneError:
        """The other service did not answer usefully: a 503 in the reader's language."""
        return KasaneError(
            503,
            self.code,
            f"{self.service_ja}に接続できません。しばらくしてからお試しください。",
            f"The {self.service_en} is unavailable.",
            # An overloaded or slow service passes its "try again shortly" on to our caller.
            headers={"Retry-After": "2"},
        )

    def refusal(self, status: int) -> KasaneError | None:
        """How a 403/404 from the other service reads to our caller (``None``: unavailable)."""
        if status == 403:
            return KasaneError(
                403, "forbidden", "この操作の権限がありません。", "You are not allowed to do this."
            )
        return None

    def _call(self, method: str, path: str, token: str, **kwargs: Any) -> Any:
        response = self._response(method, path, token, **kwargs)
        try:
            return response.json()
        except ValueError as error:  # not the service's JSON (a proxy's page, a cut answer)
            raise self.unavailable() from error

    def _response(
        self, method: str, path: str, token: str, *, allow: tuple[int, ...] = (), **kwargs: Any
    ) -> httpx.Response:
        """The response, with 401 and other failures (except ``allow``) turned into problems."""
        ensure_client_present()  # the caller's client left: nobody will read what this brings
        if not _names_one_record(path):
            # An id from the caller's path that would change the URL it is put in (a control
            # character, a dot segment that URL normalisation removes, a ? or #) names no
            # record: 「/meetings/./agenda」 must not become another service's list.
            raise KasaneError(404, "not_found", "見つかりません。", "Not found.")
        try:
            response = self.http.request(
                method,
                f"{self.base}{path}",
                headers={"Authorization": f"Bearer {token}", **propagation_headers()},
                **kwargs,
            )
        except (httpx.HTTPError, OSError) as error:
            raise self.unavailable() from error
        if response.status_code in allow:
            return response
        if response.status_code >= 400:
            raise self.problem_for(response.status_code)
        return response

    def problem_for(self, status: int) -> KasaneError:
        """How the other service's refusal with ``status`` reads to our caller."""
        if status == 401:
            return KasaneError(
                401,
                "session_ended",
                "ログインの有効期限が切れたか、ログアウト済みです。もう一度ログインしてください。",
                "Your session has ended. Please sign in again.",
            )
        return self.refusal(status) or self.unavailable()
