"""Browser tests: a real `kasane serve --demo` on a free port, driven by Debian's Chromium.

Run with ``.venv/bin/python -m pytest -m browser tests/browser``. Needs ``/usr/bin/chromium``
(``apt-get install chromium``); Playwright's own browser download is never used.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
AXE = Path(__file__).parent / "vendor" / "axe.min.js"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(data_dir: Path, extra_env: dict[str, str] | None = None) -> Iterator[str]:
    """`kasane serve --demo` on a free port over ``data_dir``; yields its base URL."""
    port = _free_port()
    env = {**os.environ, "KASANE_DATA_DIR": str(data_dir), **(extra_env or {})}
    for name in ("KASANE_IDENTITY_URL", "KASANE_AGENDA_URL", "KASANE_MINUTES_URL", "KASANE_DEMO"):
        env.pop(name, None)
    log = data_dir / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "kasane", "serve", "--demo", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise AssertionError(log.read_text())
            try:
                if httpx.get(f"{base}/identity/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`kasane serve --demo` with a temporary data directory; yields its base URL."""
    with serving(tmp_path_factory.mktemp("browser-data")) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Headless Debian Chromium through Playwright."""
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip("chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield launched
        launched.close()


def shot(page: object, name: str) -> None:
    """Keep a full-page screenshot as a test artifact."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


def axe_violations(page: object) -> list[dict]:
    """Serious and critical axe-core findings on the current page."""
    page.add_script_tag(path=str(AXE))  # type: ignore[attr-defined]
    result = page.evaluate("axe.run()")  # type: ignore[attr-defined]
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
