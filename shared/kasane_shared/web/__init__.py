"""The common look of Kasane's pages: the base template, static assets and the message catalog."""

from __future__ import annotations

from pathlib import Path

from kasane_shared.web.messages import MESSAGES, translate

HERE = Path(__file__).parent
TEMPLATES_DIR = HERE / "templates"
STATIC_DIR = HERE / "static"

__all__ = ["MESSAGES", "STATIC_DIR", "TEMPLATES_DIR", "translate"]
