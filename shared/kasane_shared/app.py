"""The common frame of every Kasane service app: errors, limits, health, headers."""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kasane_shared.errors import KasaneError, install_error_handlers, problem_body
from kasane_shared.i18n import negotiate
from kasane_shared.observability import install_observability
from kasane_shared.openapi_docs import install_problem_docs
from kasane_shared.overload import install_admission
from kasane_shared.settings import Settings


class BodyLimitMiddleware:
    """Refuse request bodies above a size with 413 before anything parses them.

    A declared ``Content-Length`` is checked at once. A body without one (chunked) is read
    here up to the limit and replayed to the app: a limit tripped while the app reads would
    reach the framework's body parser as an error and come out as a 400.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None:
            if not declared.isdigit() or int(declared) > self.max_bytes:
                await self._refuse(scope, send)
                return
            await self.app(scope, receive, send)
            return
        buffered = await self._read_limited(receive)
        if buffered is None:
            await self._refuse(scope, send)
            return
        await self.app(scope, _replay(buffered, receive), send)

    async def _read_limited(self, receive: Receive) -> list[Message] | None:
        """The request's body messages, or None once they exceed the limit."""
        messages: list[Message] = []
        received = 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                return messages
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                return None
            if not message.get("more_body", False):
                return messages

    async def _refuse(self, scope: Scope, send: Send) -> None:
        headers = dict(scope.get("headers") or [])
        lang = negotiate(headers.get(b"accept-language", b"").decode("latin-1"))
        error = KasaneError(
            413, "too_large", "送信データが大きすぎます。", "The request body is too large."
        )
        body = json.dumps(problem_body(error, lang), ensure_ascii=False).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/problem+json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def _replay(messages: list[Message], receive: Receive) -> Receive:
    """A receive that hands out the buffered messages first, then the connection's own."""
    pending = list(messages)

    async def replayed() -> Message:
        return pending.pop(0) if pending else await receive()

    return replayed


class SecurityHeadersMiddleware:
    """Headers every response carries; API answers are never cached."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                for key, value in (
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"cache-control", b"no-store"),
                    (b"x-frame-options", b"DENY"),
                ):
                    if key not in present:
                        headers.append((key, value))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


def create_service_app(
    name: str, *, title: str, description: str, settings: Settings, **kwargs: Any
) -> FastAPI:
    """A FastAPI app with Kasane's error handling, limits, admission and ``GET /healthz``."""
    app = FastAPI(title=title, description=description, version="0.1.0", **kwargs)
    install_error_handlers(app)
    install_problem_docs(app)  # the document says what the handlers answer
    app.add_middleware(SecurityHeadersMiddleware)
    install_admission(app, settings)  # inside the body limit: it reads bodies already limited
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    install_observability(app, name)  # outermost: times and logs every answer, 413s included

    @app.get("/healthz", tags=["health"])
    def healthz() -> dict[str, str]:
        """Liveness and readiness: the service answers and its database is reachable."""
        from sqlalchemy import text

        with app.state.db.session() as session:
            session.execute(text("SELECT 1"))
        return {"status": "ok", "service": name}

    return app
