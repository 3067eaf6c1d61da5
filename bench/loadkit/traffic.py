"""Closed-loop clients on 127.0.0.1: each sends its next request when the last is answered.

A client signs in, then draws its requests from a mix (sign-ins, the member's agenda view,
case list pages, minutes reads) until the time is up. Every request has a 10 s limit;
one not answered by then counts as unanswered, a refused or broken connection as dropped.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import httpx

from bench.loadkit.server import COORDINATOR, MEMBERS, PASSWORD, Dataset

ANSWER_WITHIN = 10.0
# After its first sign-in a person signs in again now and then (a new device, a time-out).
MEMBER_MIX = (("view", 0.7), ("minutes", 0.25), ("sign_in", 0.05))
COORDINATOR_MIX = (("case_page", 0.6), ("view", 0.2), ("minutes", 0.15), ("sign_in", 0.05))


@dataclass
class Outcome:
    """What the clients saw: status counts, latencies per kind, failures."""

    seconds: float
    statuses: Counter[str] = field(default_factory=Counter)
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    dropped: int = 0
    unanswered: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    refused_without_retry_after: int = 0

    @property
    def requests(self) -> int:
        """Requests sent (answered or not)."""
        return sum(self.statuses.values())

    def summary(self) -> dict[str, Any]:
        """Throughput, percentiles per kind and overall, status counts."""
        every = [x for values in self.latencies.values() for x in values]
        five_xx = sum(n for s, n in self.statuses.items() if s.isdigit() and s >= "500")
        refused = self.statuses.get("503", 0) + self.statuses.get("429", 0)
        return {
            "requests": self.requests,
            "answered_per_s": round(len(every) / self.seconds, 1),
            "all": _percentiles(every),
            "by_kind": {k: _percentiles(v) for k, v in sorted(self.latencies.items())},
            "statuses": dict(sorted(self.statuses.items())),
            "5xx": five_xx,
            "5xx_other_than_503": five_xx - self.statuses.get("503", 0),
            "refused_429_503_share": round(refused / self.requests, 4) if self.requests else 0,
            "dropped": self.dropped,
            "dropped_by_error": dict(self.errors),
            "unanswered": self.unanswered,
            "refused_without_retry_after": self.refused_without_retry_after,
            "slowest_s": round(max(every, default=0), 3),
        }


def _percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {"n": 0}
    ordered = sorted(values)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 1)

    return {
        "n": len(values),
        "p50_ms": at(0.5),
        "p95_ms": at(0.95),
        "p99_ms": at(0.99),
        "mean_ms": round(statistics.fmean(values) * 1000, 1),
    }


class Client:
    """One simulated person: a login, a token, and a mix of requests."""

    def __init__(self, http: httpx.AsyncClient, data: Dataset, login: str, seed: int) -> None:
        self.http, self.data, self.login = http, data, login
        self.mix = COORDINATOR_MIX if login == COORDINATOR else MEMBER_MIX
        self.random = random.Random(seed)
        self.token: str | None = None
        self.next_page: str | None = None

    def _pick(self) -> str:
        roll, total = self.random.random(), 0.0
        for kind, weight in self.mix:
            total += weight
            if roll < total:
                return kind
        return self.mix[-1][0]

    async def step(self, outcome: Outcome) -> None:
        """Send one request of the mix and record what came back."""
        kind = "sign_in" if self.token is None else self._pick()
        started = time.perf_counter()
        try:
            # The whole exchange within the limit (httpx's own timeouts are per read).
            response = await asyncio.wait_for(self._send(kind), ANSWER_WITHIN)
        except (httpx.TimeoutException, TimeoutError):
            outcome.unanswered += 1
            outcome.statuses["unanswered"] += 1
            return
        except httpx.TransportError as error:
            outcome.dropped += 1
            outcome.statuses["dropped"] += 1
            outcome.errors[type(error).__name__] += 1
            await asyncio.sleep(0.05)
            return
        outcome.latencies[kind].append(time.perf_counter() - started)
        outcome.statuses[str(response.status_code)] += 1
        if response.status_code == 429 or response.status_code == 503:
            if "retry-after" not in response.headers:
                outcome.refused_without_retry_after += 1
            await asyncio.sleep(float(response.headers.get("retry-after", "1")))
        elif kind == "sign_in" and response.status_code == 200:
            self.token = response.json()["access_token"]
        elif kind == "case_page" and response.status_code == 200:
            self.next_page = response.links.get("next", {}).get("url")

    async def warm_up(self, give_up_at: float) -> None:
        """Sign in before the measured time (retrying after a refusal); not counted."""
        while self.token is None and time.monotonic() < give_up_at:
            try:
                response = await self._send("sign_in")
            except httpx.HTTPError:
                await asyncio.sleep(0.5)
                continue
            if response.status_code == 200:
                self.token = response.json()["access_token"]
            else:
                await asyncio.sleep(float(response.headers.get("retry-after", "1")))

    async def _send(self, kind: str) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.token}"}
        meeting = self.data.meeting_id
        if kind == "sign_in":
            body = {"login": self.login, "password": PASSWORD}
            return await self.http.post("/identity/session", json=body)
        if kind == "view":
            return await self.http.get(f"/agenda/meetings/{meeting}/agenda", headers=headers)
        if kind == "minutes":
            return await self.http.get(f"/minutes/meetings/{meeting}/minutes", headers=headers)
        page, self.next_page = self.next_page or "/agenda/cases?limit=50", None
        return await self.http.get(page, headers=headers)


async def _run(base: str, data: Dataset, clients: int, seconds: float, ramp: float) -> Outcome:
    limits = httpx.Limits(max_connections=clients + 8, max_keepalive_connections=clients + 8)
    timeout = httpx.Timeout(ANSWER_WITHIN, connect=ANSWER_WITHIN)
    async with httpx.AsyncClient(base_url=base, timeout=timeout, limits=limits) as http:
        logins = [COORDINATOR if i % 8 == 0 else MEMBERS[i % len(MEMBERS)] for i in range(clients)]
        people = [Client(http, data, login, seed=i) for i, login in enumerate(logins)]
        await asyncio.gather(*(p.warm_up(time.monotonic() + 120) for p in people))
        outcome = Outcome(seconds)
        deadline = time.monotonic() + seconds

        async def loop(n: int, person: Client) -> None:
            # People arrive over the first ``ramp`` seconds, not all in one millisecond.
            await asyncio.sleep(ramp * n / clients)
            while time.monotonic() < deadline:
                await person.step(outcome)

        await asyncio.gather(*(loop(n, p) for n, p in enumerate(people)))
        outcome.seconds = seconds
        return outcome


def run_load(base: str, data: Dataset, clients: int, seconds: float, ramp: float = 2.0) -> Outcome:
    """``clients`` closed-loop clients for ``seconds`` (arriving over ``ramp`` s) at ``base``."""
    return asyncio.run(_run(base, data, clients, seconds, ramp))


def time_requests(base: str, token: str, path: str, n: int = 15) -> dict[str, float]:
    """p50/p95 of ``n`` sequential GETs of ``path`` (one client, after two warm-ups)."""
    samples = []
    with httpx.Client(base_url=base, timeout=ANSWER_WITHIN) as http:
        headers = {"Authorization": f"Bearer {token}"}
        for i in range(n + 2):
            started = time.perf_counter()
            response = http.get(path, headers=headers)
            for _ in range(10):  # still draining an earlier load phase: wait as told
                if response.status_code not in (429, 503):
                    break
                time.sleep(float(response.headers.get("retry-after", "1")))
                started = time.perf_counter()
                response = http.get(path, headers=headers)
            if response.status_code != 200:
                raise RuntimeError(f"{path}: {response.status_code} {response.text[:200]}")
            if i >= 2:
                samples.append(time.perf_counter() - started)
    return _percentiles(samples)


def sign_in(base: str, login: str) -> str:
    """An access token for ``login``."""
    response = httpx.post(
        f"{base}/identity/session",
        json={"login": login, "password": PASSWORD},
        timeout=ANSWER_WITHIN,
    )
    response.raise_for_status()
    return str(response.json()["access_token"])
