"""Overload is answered, not queued forever: admission, retries and the client that left.

Each service admits ``max_concurrent_requests`` requests at once (``AdmissionMiddleware``).
Others wait in line, without a thread or a connection, up to ``request_queue_seconds``;
then, or when the line is full, they get a 503 with ``Retry-After``. A request whose wait
the gate can already tell would exceed that (its place in line times the pace at which
places have been freeing up) is refused at once, not after waiting in vain. A request whose
client disconnects while waiting is dropped; one already running stops at its next
outbound call (``ensure_client_present``). A response marked retryable (the database was
busy or two writers collided, and everything was rolled back) is run again, twice at most,
with the request body replayed.

Capacity is sized together: the process's thread pool holds the sum of every admitted
request of every service in it plus a margin, so a request that calls another service in
the same process always finds a thread for it, and each database pool holds at least as
many connections as its service admits (``kasane_shared.db.engine_options``).
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import random
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

import anyio
import anyio.to_thread
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kasane_shared.errors import KasaneError, problem_body
from kasane_shared.i18n import negotiate

RETRY_HEADER = b"x-kasane-retry"
ATTEMPTS = 3
THREAD_MARGIN = 8
_threads_needed: dict[int, int] = {}
_threads_lock = threading.Lock()


class ClientWatch:
    """Whether the client of the current request (or of the request that called it) is gone."""

    def __init__(self, parent: ClientWatch | None = None) -> None:
        self.parent = parent
        self._gone = threading.Event()
        self._callbacks: list[Callable[[], None]] = []

    def gone(self) -> bool:
        """True once this request's client (or an outer caller's) disconnected."""
        return self._gone.is_set() or (self.parent is not None and self.parent.gone())

    def mark_gone(self) -> None:
        """Record the disconnect and wake whatever waits on it (called on the event loop)."""
        self._gone.set()
        for callback in self._callbacks:
            callback()

    def on_gone(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` (on the event loop) when the client disconnects."""
        self._callbacks.append(callback)


_watch: contextvars.ContextVar[ClientWatch | None] = contextvars.ContextVar(
    "kasane_client_watch", default=None
)


def client_gone() -> KasaneError:
    """The client closed the connection: the work stops here (nobody reads the answer)."""
    return KasaneError(
        499, "client_closed", "接続が切れました。", "The client closed the connection."
    )


def ensure_client_present() -> None:
    """Raise ``client_gone`` when the current request's client has disconnected."""
    watch = _watch.get()
    if watch is not None and watch.gone():
        raise client_gone()


def overloaded(retry_after: int = 1) -> KasaneError:
    """A fast refusal when the service is at capacity (503, Retry-After)."""
    return KasaneError(
        503,
        "overloaded",
        "混み合っています。少し待ってからもう一度お試しください。",
        "The service is busy. Please try again shortly.",
        headers={"Retry-After": str(retry_after)},
    )


class _Waiter:
    __slots__ = ("event", "granted", "loop")

    def __init__(self) -> None:
        # The waiter's own loop: a gate is shared by every loop that serves the app.
        self.loop = asyncio.get_running_loop()
        self.event = asyncio.Event()
        self.granted = False


class Gate:
    """A first-come, first-served counting gate usable from any event loop or thread."""

    def __init__(
        self, limit: int, queue_limit: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit, self.queue_limit, self._clock = limit, queue_limit, clock
        self._lock = threading.Lock()
        self._busy = 0
        self._waiters: deque[_Waiter] = deque()
        # Seconds between two places freed while others waited (a moving average), and when
        # the last such place was freed; both 0 once the line has emptied.
        self._pace = 0.0
        self._last_freed = 0.0

    def expected_wait(self) -> float:
        """Seconds a request arriving now would wait in line (0 while nobody waits)."""
        return (len(self._waiters) + 1) * self._pace if self._waiters else 0.0

    @property
    def busy(self) -> int:
        """How many holders are inside now."""
        return self._busy

    async def enter(self, timeout: float, watch: ClientWatch | None = None) -> bool:
        """Wait up to ``timeout`` for a place; False when refused, timed out or the client left."""
        with self._lock:
            if self._busy < self.limit and not self._waiters:
                self._busy += 1
                return True
            if len(self._waiters) >= self.queue_limit or self.expected_wait() > timeout:
                return False
            waiter = _Waiter()
            self._waiters.append(waiter)
        try:
            with anyio.move_on_after(timeout) as scope:
                if watch is not None:
                    watch.on_gone(scope.cancel)
                await waiter.event.wait()
        except BaseException:
            # Cancelled from outside (a caller's timeout): never leave a place behind.
            self._abandon(waiter)
            raise
        with self._lock:
            if waiter.granted:
                if watch is None or not watch.gone():
                    return True
            else:
                self._waiters.remove(waiter)
                return False
        self.leave()  # granted at the very moment the client left: pass the place on
        return False

    def _abandon(self, waiter: _Waiter) -> None:
        with self._lock:
            if not waiter.granted:
                self._waiters.remove(waiter)
                return
        self.leave()  # it was handed a place it will never use: pass it on

    def leave(self) -> None:
        """Give the place to the first waiter, or free it."""
        with self._lock:
            if self._waiters:
                self._note_freed_while_waited()
                waiter = self._waiters.popleft()
                waiter.granted = True
                waiter.loop.call_soon_threadsafe(waiter.event.set)
                return
            # The line is empty: what it measured belongs to a rush that is over.
            self._pace = self._last_freed = 0.0
            self._busy -= 1

    def _note_freed_while_waited(self) -> None:
        # Only intervals while the gate is full measure how fast it serves: an idle gap
        # would make the pace look slower than it is and refuse requests it could serve.
        now = self._clock()
        if self._last_freed:
            interval = now - self._last_freed
            self._pace = interval if not self._pace else 0.8 * self._pace + 0.2 * interval
        self._last_freed = now


def _register_threads(owner: object, needed: int) -> None:
    with _threads_lock:
        _threads_needed[id(owner)] = needed


def ensure_thread_capacity() -> None:
    """Size this event loop's thread pool to every admitted request in the process + margin."""
    limiter = anyio.to_thread.current_default_thread_limiter()
    wanted = sum(_threads_needed.values()) + THREAD_MARGIN
    if limiter.total_tokens < wanted:
        limiter.total_tokens = wanted


async def _read_body(receive: Receive) -> list[Message]:
    messages = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request" or not message.get("more_body", False):
            return messages


async def refuse(scope: Scope, send: Send, error: KasaneError) -> None:
    """Send ``error`` as problem details (used before the app has seen the request)."""
    headers = dict(scope.get("headers") or [])
    lang = negotiate(headers.get(b"accept-language", b"").decode("latin-1"))
    body = json.dumps(problem_body(error, lang), ensure_ascii=False).encode()
    extra = [(k.lower().encode(), v.encode()) for k, v in (error.headers or {}).items()]
    await send(
        {
            "type": "http.response.start",
            "status": error.status,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(body)).encode()),
                (b"cache-control", b"no-store"),
                *extra,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class AdmissionMiddleware:
    """Bounded concurrency per service, a bounded wait in line, retries, disconnects."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        limit: int,
        queue_seconds: float,
        queue_limit: int,
        exempt: tuple[str, ...] = ("/healthz",),
    ) -> None:
        self.app, self.queue_seconds, self.exempt = app, queue_seconds, exempt
        self.gate = Gate(limit, queue_limit)
        _register_threads(self, limit)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].endswith(self.exempt):
            await self.app(scope, receive, send)
            return
        ensure_thread_capacity()
        body = await _read_body(receive)
        if body and body[-1]["type"] == "http.disconnect":
            return
        watch = ClientWatch(_watch.get())
        try:
            async with anyio.create_task_group() as group:
                group.start_soon(_watch_disconnect, receive, watch)
                try:
                    await self._admitted(scope, body, send, watch)
                finally:
                    group.cancel_scope.cancel()
        except BaseExceptionGroup as errors:
            # The watcher never fails: pass the app's own exception on as it was raised.
            if len(errors.exceptions) == 1:
                raise errors.exceptions[0] from None
            raise

    async def _admitted(
        self, scope: Scope, body: list[Message], send: Send, watch: ClientWatch
    ) -> None:
        if not await self.gate.enter(self.queue_seconds, watch):
            if not watch.gone():
                await refuse(scope, send, overloaded(1 + random.randint(0, 1)))
            return
        token = _watch.set(watch)
        try:
            for attempt in range(1, ATTEMPTS + 1):
                if not await self._attempt(scope, body, send, watch, last=attempt == ATTEMPTS):
                    return
                await anyio.sleep(random.uniform(0.01, 0.05) * attempt)
        finally:
            _watch.reset(token)
            self.gate.leave()

    async def _attempt(
        self, scope: Scope, body: list[Message], send: Send, watch: ClientWatch, *, last: bool
    ) -> bool:
        """Run the app once; True when its answer asks for a retry (and was not sent)."""
        replay = deque(body)
        swallowed = False

        async def replay_receive() -> Message:
            if replay:
                return replay.popleft()
            with anyio.move_on_after(3600) as waiting:
                watch.on_gone(waiting.cancel)
                if not watch.gone():
                    await anyio.sleep_forever()
            return {"type": "http.disconnect"}

        async def checked_send(message: Message) -> None:
            nonlocal swallowed
            if message["type"] == "http.response.start":
                headers = message.get("headers", [])
                retry = any(k.lower() == RETRY_HEADER for k, _ in headers)
                if retry and not last and not watch.gone():
                    swallowed = True
                    return
                message["headers"] = [(k, v) for k, v in headers if k.lower() != RETRY_HEADER]
            elif swallowed:
                return
            await send(message)

        await self.app(scope, replay_receive, checked_send)
        return swallowed


class LaneMiddleware:
    """An extra, narrower gate in front of some routes (identity's sign-in: Argon2id).

    A request waits here, holding no thread and no place in the service's own admission,
    until one of ``limit`` places frees up; so sign-ins queue among themselves and never
    crowd out the unwraps of agenda views behind them.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        routes: tuple[tuple[str, str], ...],
        limit: int,
        queue_seconds: float,
        queue_limit: int,
    ) -> None:
        self.app, self.routes, self.queue_seconds = app, routes, queue_seconds
        self.gate = Gate(limit, queue_limit)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        route = (scope.get("method", ""), scope.get("path", ""))
        if scope["type"] != "http" or not any(
            route[0] == method and route[1].endswith(path) for method, path in self.routes
        ):
            await self.app(scope, receive, send)
            return
        if not await self.gate.enter(self.queue_seconds):
            await refuse(scope, send, overloaded(1 + random.randint(0, 2)))
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self.gate.leave()


async def _watch_disconnect(receive: Receive, watch: ClientWatch) -> None:
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            watch.mark_gone()
            return


def install_admission(app: Any, settings: Any) -> None:
    """Put a service (or the web app) behind admission sized from the settings."""
    app.add_middleware(
        AdmissionMiddleware,
        limit=settings.max_concurrent_requests,
        queue_seconds=settings.request_queue_seconds,
        queue_limit=settings.request_queue_limit,
    )


__all__ = [
    "AdmissionMiddleware",
    "LaneMiddleware",
    "ClientWatch",
    "Gate",
    "client_gone",
    "ensure_client_present",
    "ensure_thread_capacity",
    "install_admission",
    "overloaded",
    "refuse",
]
