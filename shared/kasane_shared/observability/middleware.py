"""One log line and one metrics observation per request, under a request id."""

from __future__ import annotations

import logging
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kasane_shared.observability.context import (
    HEADER,
    accept_request_id,
    reset_request_id,
    set_request_id,
)
from kasane_shared.observability.metrics import UNMATCHED_ROUTE, ServiceMetrics

access_log = logging.getLogger("kasane.access")
_HEADER_BYTES = HEADER.lower().encode()


def route_template(scope: Scope, outer: Any = None) -> str:
    """The matched route's template (``/cases/{case_id}``), never the raw path."""
    route: Any = scope.get("route")
    if route is outer:
        return UNMATCHED_ROUTE  # only the suite's mount matched: no route of this service did
    path = getattr(route, "path", None)
    return path if isinstance(path, str) and path else UNMATCHED_ROUTE


class ObservabilityMiddleware:
    """Request id in and out, duration, status and route template into metrics and the log."""

    def __init__(self, app: ASGIApp, service: str, metrics: ServiceMetrics | None) -> None:
        self.app, self.service, self.metrics = app, service, metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        incoming = headers.get(_HEADER_BYTES, b"").decode("latin-1")
        request_id = accept_request_id(incoming)
        token = set_request_id(request_id)
        status, outer = 500, scope.get("route")
        started = time.perf_counter()

        async def tagged_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                message["headers"] = [
                    *[(k, v) for k, v in message.get("headers", []) if k.lower() != _HEADER_BYTES],
                    (_HEADER_BYTES, request_id.encode()),
                ]
            await send(message)

        try:
            await self.app(scope, receive, tagged_send)
        finally:
            seconds = time.perf_counter() - started
            route = route_template(scope, outer)
            method = str(scope.get("method", ""))
            if self.metrics is not None:
                self.metrics.observe_request(method, route, status, seconds)
            access_log.info(
                "request",
                extra={
                    "service": self.service,
                    "method": method,
                    "route": route,
                    "status": status,
                    "duration_ms": round(seconds * 1000, 1),
                    "request_id": request_id,
                },
            )
            reset_request_id(token)
