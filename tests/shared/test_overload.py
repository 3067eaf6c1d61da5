"""Admission: bounded concurrency, a bounded wait, fast 503s, retries, clients that left."""

from __future__ import annotations

import time
from typing import Any

import anyio
import httpx

from kasane_shared.overload import (
    AdmissionMiddleware,
    ClientWatch,
    LaneMiddleware,
    _watch,
    ensure_client_present,
    overloaded,
    refuse,
)
from kasane_shared.errors import KasaneError


class SlowApp:
    """Answers 200 after ``delay`` seconds; counts calls and the most at once."""

    def __init__(self, delay: float = 0.3, retry_first: int = 0) -> None:
        self.delay, self.retry_first = delay, retry_first
        self.calls = self.running = self.most = 0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        self.calls += 1
        self.running += 1
        self.most = max(self.most, self.running)
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        await anyio.sleep(self.delay)
        self.running -= 1
        headers = [(b"content-type", b"text/plain")]
        status = 200
        if self.calls <= self.retry_first:
            status, headers = 503, [*headers, (b"x-kasane-retry", b"1"), (b"retry-after", b"1")]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body or b"ok"})


def _client(app: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")


def _gather(app: Any, n: int, **kwargs: Any) -> list[httpx.Response]:
    results: list[httpx.Response] = []

    async def main() -> None:
        async with _client(app) as client, anyio.create_task_group() as group:
            for _ in range(n):
                group.start_soon(lambda: _one(client, results, **kwargs))

    anyio.run(main)
    return results


async def _one(client: httpx.AsyncClient, out: list[httpx.Response], **kwargs: Any) -> None:
    out.append(await client.post("/x", content=b"payload", **kwargs))


def test_at_most_limit_run_at_once_and_the_rest_wait_their_turn() -> None:
    app = SlowApp(0.2)
    wrapped = AdmissionMiddleware(app, limit=2, queue_seconds=5, queue_limit=10)
    responses = _gather(wrapped, 6)
    assert [r.status_code for r in responses] == [200] * 6
    assert app.most == 2 and all(r.content == b"payload" for r in responses)


def test_beyond_the_line_a_fast_503_with_retry_after() -> None:
    app = SlowApp(1.0)
    wrapped = AdmissionMiddleware(app, limit=1, queue_seconds=5, queue_limit=1)
    started = time.perf_counter()
    responses = _gather(wrapped, 4, headers={"Accept-Language": "ja"})
    refused = [r for r in responses if r.status_code == 503]
    assert len(refused) == 2 and app.calls == 2
    assert all(int(r.headers["retry-after"]) >= 1 for r in refused)
    assert refused[0].json()["code"] == "overloaded" and "混み合って" in refused[0].json()["detail"]
    assert time.perf_counter() - started < 3


def test_a_wait_longer_than_the_queue_time_is_refused() -> None:
    app = SlowApp(1.0)
    wrapped = AdmissionMiddleware(app, limit=1, queue_seconds=0.2, queue_limit=10)
    statuses = sorted(r.status_code for r in _gather(wrapped, 3))
    assert statuses == [200, 503, 503]


def test_a_retryable_answer_is_run_again_and_the_marker_never_leaves() -> None:
    app = SlowApp(0.01, retry_first=2)
    wrapped = AdmissionMiddleware(app, limit=2, queue_seconds=1, queue_limit=2)
    (response,) = _gather(wrapped, 1)
    assert response.status_code == 200 and response.content == b"payload"
    assert app.calls == 3 and "x-kasane-retry" not in response.headers


def test_the_last_retry_answers_503_without_the_marker() -> None:
    app = SlowApp(0.01, retry_first=5)
    (response,) = _gather(AdmissionMiddleware(app, limit=1, queue_seconds=1, queue_limit=1), 1)
    assert response.status_code == 503 and "x-kasane-retry" not in response.headers
    assert app.calls == 3


def test_a_client_that_leaves_the_line_is_dropped() -> None:
    app = SlowApp(0.5)
    wrapped = AdmissionMiddleware(app, limit=1, queue_seconds=5, queue_limit=5)
    sent: list[dict[str, Any]] = []

    async def leaving_request() -> None:
        messages = iter([{"type": "http.request", "body": b"", "more_body": False}])

        async def receive() -> dict[str, Any]:
            try:
                return next(messages)
            except StopIteration:
                await anyio.sleep(0.1)  # the client hangs up while waiting in line
                return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        scope = {"type": "http", "method": "GET", "path": "/x", "headers": []}
        await wrapped(scope, receive, send)

    async def main() -> None:
        async with _client(wrapped) as client, anyio.create_task_group() as group:
            group.start_soon(client.get, "/first")
            await anyio.sleep(0.05)
            group.start_soon(leaving_request)

    started = time.perf_counter()
    anyio.run(main)
    assert app.calls == 1 and sent == []
    assert time.perf_counter() - started < 1.5


def test_lane_bounds_its_routes_only() -> None:
    app = SlowApp(0.2)
    lane = LaneMiddleware(app, routes=(("POST", "/x"),), limit=1, queue_seconds=5, queue_limit=9)
    assert [r.status_code for r in _gather(lane, 3)] == [200] * 3
    assert app.most == 1
    other = SlowApp(0.2)
    open_lane = LaneMiddleware(
        other, routes=(("POST", "/y"),), limit=1, queue_seconds=5, queue_limit=9
    )
    _gather(open_lane, 3)
    assert other.most == 3


def test_work_stops_at_the_next_checkpoint_once_the_client_is_gone() -> None:
    outer = ClientWatch()
    inner = ClientWatch(outer)  # a call to another service made for that request
    token = _watch.set(inner)
    try:
        ensure_client_present()
        outer.mark_gone()
        try:
            ensure_client_present()
        except KasaneError as error:
            assert error.status == 499
        else:
            raise AssertionError("no stop")
    finally:
        _watch.reset(token)


def test_a_slow_or_refusing_service_is_a_503_with_retry_after_in_process() -> None:
    from kasane_shared.inprocess import in_process_client
    from kasane_shared.service_client import ServiceClient

    async def overloaded_app(scope: Any, receive: Any, send: Any) -> None:
        await refuse(scope, send, overloaded(1))

    slow = in_process_client(SlowApp(2.0), timeout=0.3)
    refusing = in_process_client(overloaded_app, timeout=5)
    not_json = in_process_client(SlowApp(0.0), timeout=5)
    try:
        started = time.perf_counter()
        for http in (slow, refusing, not_json):
            try:
                ServiceClient(http, "/svc")._call("GET", "/x", "token")
            except KasaneError as error:
                assert error.status == 503 and error.headers == {"Retry-After": "2"}
            else:
                raise AssertionError("no refusal")
        assert time.perf_counter() - started < 1.5
    finally:
        for http in (slow, refusing, not_json):
            http._transport.close()  # type: ignore[attr-defined]
            http.close()


def test_a_waiter_cancelled_from_outside_leaves_no_place_behind() -> None:
    from kasane_shared.overload import Gate

    gate = Gate(1, 5)

    async def main() -> None:
        assert await gate.enter(1)
        with anyio.move_on_after(0.1):  # a caller's own timeout cancels the wait
            await gate.enter(5)
        gate.leave()
        assert gate.busy == 0
        assert await gate.enter(0.5)  # the place is free again, not handed to the dead waiter
        gate.leave()

    anyio.run(main)
    assert gate.busy == 0


def test_a_request_the_line_cannot_serve_in_time_is_refused_at_once() -> None:
    from kasane_shared.overload import Gate

    now = [100.0]
    gate = Gate(1, 50, clock=lambda: now[0])

    async def main() -> None:
        assert await gate.enter(1)
        async with anyio.create_task_group() as group:
            for _ in range(4):
                group.start_soon(gate.enter, 60)
            await anyio.sleep(0.05)
            for _ in range(2):  # two places freed 2 s apart while others waited
                now[0] += 2.0
                gate.leave()
                await anyio.sleep(0.01)
            assert gate.expected_wait() == 3 * 2.0  # two still waiting, plus the newcomer
            started = time.monotonic()
            assert not await gate.enter(5.0)  # 6 s expected > 5 s: refused without waiting
            assert time.monotonic() - started < 1.0
            group.start_soon(gate.enter, 7.0)  # a longer budget still queues
            await anyio.sleep(0.05)
            assert gate.expected_wait() == 4 * 2.0
            group.cancel_scope.cancel()

    anyio.run(main)


def test_the_pace_of_an_earlier_rush_is_forgotten_once_the_line_empties() -> None:
    from kasane_shared.overload import Gate

    now = [0.0]
    gate = Gate(1, 50, clock=lambda: now[0])

    async def main() -> None:
        assert await gate.enter(1)
        async with anyio.create_task_group() as group:
            for _ in range(3):
                group.start_soon(gate.enter, 60)
            await anyio.sleep(0.05)
            for _ in range(3):
                now[0] += 30.0
                gate.leave()
                await anyio.sleep(0.01)
        gate.leave()  # the last holder leaves an empty line
        assert gate.busy == 0 and gate.expected_wait() == 0
        assert await gate.enter(1)
        group_entered = []

        async def second() -> None:
            group_entered.append(await gate.enter(1.0))

        async with anyio.create_task_group() as group:
            group.start_soon(second)
            await anyio.sleep(0.05)
            gate.leave()
        assert group_entered == [True]  # not refused on the old 30 s pace

    anyio.run(main)
