"""End-to-end tests: a real `kasane serve` process, and the markers of the multi-process ones."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx
import pytest

KASANE = [sys.executable, "-m", "kasane"]


def free_port() -> int:
    """A loopback port nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pytest_configure(config: pytest.Config) -> None:
    """Register ``split``: the split-mode deployment test (PostgreSQL and nginx on loopback)."""
    config.addinivalue_line(
        "markers", "split: split mode (separate uvicorn processes, PostgreSQL, nginx gateway)"
    )


@pytest.fixture
def served(tmp_path):
    """`kasane serve --demo` in its own process on a free port."""
    port = free_port()
    env = {**os.environ, "KASANE_DATA_DIR": str(tmp_path)}
    env.pop("KASANE_IDENTITY_URL", None)
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [*KASANE, "serve", "--demo", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/identity/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
            if process.poll() is not None:
                raise AssertionError(log.read_text())
        yield base, tmp_path
    finally:
        process.terminate()
        process.wait(timeout=30)
