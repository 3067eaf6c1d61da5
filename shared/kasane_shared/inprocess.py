"""Service-to-service calls inside one process (suite mode): ASGI, no socket, no extra thread.

A synchronous handler runs in a worker thread of the server's event loop. Its call to
another service is handed to that same loop (``anyio.from_thread``), which runs the other
app as an ASGI call, so no request waits for a socket, a second server thread or a
connection from the pool the caller already holds. Outside a worker thread (seeding,
command-line tools) the call runs on a private loop started on first use.
"""

from __future__ import annotations

import threading
from typing import Any

import anyio
import anyio.from_thread
import httpx


class InProcessTransport(httpx.BaseTransport):
    """An httpx transport that calls an ASGI app in this process, with a timeout."""

    def __init__(self, app: Any, timeout: float) -> None:
        self._asgi = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        self.timeout = timeout
        self._portal: Any = None
        self._portal_cm: Any = None
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request`` to the app and return its whole answer."""
        content = request.read()
        try:
            status, headers, body = anyio.from_thread.run(self._call, request, content)
        except anyio.NoEventLoopError:
            status, headers, body = self._private_portal().call(self._call, request, content)
        return httpx.Response(status, headers=headers, content=body, request=request)

    async def _call(
        self, request: httpx.Request, content: bytes
    ) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        inner = httpx.Request(request.method, request.url, headers=request.headers, content=content)
        try:
            with anyio.fail_after(self.timeout):
                response = await self._asgi.handle_async_request(inner)
                body = await response.aread()
        except TimeoutError as error:
            raise httpx.ReadTimeout("in-process call timed out", request=request) from error
        return response.status_code, response.headers.raw, body

    def _private_portal(self) -> Any:
        with self._lock:
            if self._portal is None:
                self._portal_cm = anyio.from_thread.start_blocking_portal()
                self._portal = self._portal_cm.__enter__()
            return self._portal

    def close(self) -> None:
        """Stop the private loop, if one was started."""
        with self._lock:
            if self._portal_cm is not None:
                self._portal_cm.__exit__(None, None, None)
                self._portal = self._portal_cm = None


def in_process_client(app: Any, timeout: float) -> httpx.Client:
    """An httpx client whose requests go to ``app`` in this process (any base URL works)."""
    return httpx.Client(
        transport=InProcessTransport(app, timeout), base_url="http://kasane.internal"
    )


__all__ = ["InProcessTransport", "in_process_client"]
