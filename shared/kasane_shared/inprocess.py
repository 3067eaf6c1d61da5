"""Service-to-service calls inside one process (suite mode): ASGI, no socket, no extra thread.

A synchronous handler runs in a worker thread of the server's event loop. Its call to
another service is handed to that same loop (``anyio.from_thread``), which runs the other
app as an ASGI call, so no request waits for a socket, a second server thread or a
connection from the pool the caller already holds. Outside a worker thread (seeding,
command-line tools) the call runs on a private loop started on first use.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import anyio
import anyio.from_thread
import httpx


class InProcessTransport(httpx.BaseTransport):
    """An httpx transport that calls an ASGI app in this process, with a timeout."""

    def __init__(self, app: Any, timeout: float) -> None:
        self.app = app
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
        try:
            with anyio.fail_after(self.timeout):
                return await _asgi_call(self.app, request, content)
        except TimeoutError as error:
            raise httpx.ReadTimeout("in-process call timed out", request=request) from error

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


async def _asgi_call(
    app: Any, request: httpx.Request, content: bytes
) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """One HTTP request to an ASGI app, as ``httpx.ASGITransport`` makes it (an exception of
    the app is a 500), without its per-call probe for trio (a failed import each time)."""
    url = request.url
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": request.method,
        "headers": [(k.lower(), v) for k, v in request.headers.raw],
        "scheme": url.scheme,
        "path": url.path,
        "raw_path": url.raw_path.split(b"?")[0],
        "query_string": url.query,
        "server": (url.host, url.port),
        "client": ("127.0.0.1", 123),
        "root_path": "",
    }
    sent = False
    status: int | None = None
    headers: list[tuple[bytes, bytes]] = []
    body: list[bytes] = []
    complete = asyncio.Event()

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await complete.wait()
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": content, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status, headers
        if message["type"] == "http.response.start":
            status, headers = message["status"], list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            if message.get("body") and request.method != "HEAD":
                body.append(message["body"])
            if not message.get("more_body", False):
                complete.set()

    try:
        await app(scope, receive, send)
    except Exception:  # noqa: BLE001 - as httpx's transport without raise_app_exceptions
        complete.set()
        if status is None:
            status = 500
    return status or 500, headers, b"".join(body)


def in_process_client(app: Any, timeout: float) -> httpx.Client:
    """An httpx client whose requests go to ``app`` in this process (any base URL works)."""
    return httpx.Client(
        transport=InProcessTransport(app, timeout), base_url="http://kasane.internal"
    )


__all__ = ["InProcessTransport", "in_process_client"]
