"""End-to-end tests: a real `kasane serve` process, and the markers of the multi-process ones."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager

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


@contextmanager
def running_suite(data_dir, *, demo: bool = True, **env_extra: str):
    """`kasane serve [--demo]` on ``data_dir`` in its own process; yields its base URL."""
    port = free_port()
    env = {**os.environ, "KASANE_DATA_DIR": str(data_dir), **env_extra}
    env.pop("KASANE_IDENTITY_URL", None)
    log = data_dir / "serve.log"
    with log.open("a") as out:
        process = subprocess.Popen(
            [*KASANE, "serve", *(["--demo"] if demo else []), "--port", str(port)],
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
        else:
            # A server that never answered fails here, with its log, not later as a refused
            # connection in whatever the test did first.
            tail = "\n".join(log.read_text().splitlines()[-20:])
            raise AssertionError(f"kasane serve did not answer /healthz within 120 s:\n{tail}")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture
def served(tmp_path):
    """`kasane serve --demo` in its own process on a free port."""
    with running_suite(tmp_path) as base:
        yield base, tmp_path
