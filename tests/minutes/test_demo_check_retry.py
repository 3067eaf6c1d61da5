"""The demo seeding waits out a busy server (503 with Retry-After) instead of failing."""

from __future__ import annotations

import httpx
import pytest

from minutes.demo import check_minutes

BASE = "/minutes/meetings/m1/minutes"


class _Server:
    """Answers the check with the statuses given, then with a check holding no suspects."""

    def __init__(self, *statuses: int) -> None:
        self.statuses = list(statuses)
        self.calls = 0

    def get(self, url: str, headers: dict[str, str]) -> httpx.Response:
        self.calls += 1
        assert url == f"{BASE}/check"
        if self.statuses:
            return httpx.Response(self.statuses.pop(0), headers={"Retry-After": "0"})
        return httpx.Response(200, json={"items": []})


def test_a_busy_check_is_asked_again():
    server = _Server(503, 503)
    check_minutes(server, {}, BASE)
    assert server.calls == 3


def test_other_failures_still_stop_the_seeding():
    with pytest.raises(RuntimeError, match="403"):
        check_minutes(_Server(403), {}, BASE)


def test_a_server_that_stays_busy_stops_the_seeding():
    server = _Server(*[503] * 5)
    with pytest.raises(RuntimeError, match="503"):
        check_minutes(server, {}, BASE)
    assert server.calls == 5
