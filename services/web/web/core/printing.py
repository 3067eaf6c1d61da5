"""What every print view carries: the print date (Japan time), the handling notice, a way back."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from kasane_shared.wareki import format_date
from web.core.page import Page

JST = ZoneInfo("Asia/Tokyo")


def print_context(page: Page, back_url: str, notice_key: str) -> dict[str, Any]:
    """The values ``print_base.html`` shows above every printed page's content."""
    today = datetime.now(JST).date()
    return {
        "printed_on": format_date(today) if page.lang == "ja" else today.isoformat(),
        "notice": page.t(notice_key),
        "back_url": back_url,
    }
