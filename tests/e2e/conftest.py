"""End-to-end tests: markers of the multi-process ones."""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    """Register ``split``: the split-mode deployment test (PostgreSQL and nginx on loopback)."""
    config.addinivalue_line("markers", "split: split mode (separate uvicorn processes, PostgreSQL, nginx gateway)")
