"""Error pages in Japanese (English on request), each with a way back: never a raw body."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from web.core.page import _page, render, safe_next

log = logging.getLogger("kasane.web")
# The list page of each part of the site, where a person can pick up again.
SECTIONS = {
    "meetings": "/meetings",
    "cases": "/cases",
    "pledges": "/pledges",
    "admin": "/admin",
    "audit": "/audit",
    "account": "/account",
}


def way_back(request: Request, status: int) -> tuple[str, str] | None:
    """Where to go back to: the page the person came from (this site only), else its section."""
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc and referer.netloc == request.url.netloc:
        back = safe_next(referer.path + (f"?{referer.query}" if referer.query else ""), "")
        if back and back != request.url.path:
            return back, "error.back_previous"
    section = request.url.path.strip("/").split("/", 1)[0]
    if section in SECTIONS and status != 403 and SECTIONS[section] != request.url.path:
        return SECTIONS[section], f"error.back_{section}"
    return None


def error_page(request: Request, status: int, key: str, detail: str | None = None) -> Response:
    """The error in words, with the way back and home."""
    page = _page(request)
    back = way_back(request, status)
    return render(
        page,
        "error.html",
        status=status,
        me=None,
        page_title=page.t(f"error.{key}_title"),
        message=detail or page.t(f"error.{key}"),
        back_url=back[0] if back else "",
        back_label=page.t(back[1]) if back else "",
    )


def unexpected_page(request: Request) -> Response:
    """A 500 that still reads as a page; the plainest one if even rendering fails."""
    try:
        return error_page(request, 500, "internal")
    except Exception:  # noqa: BLE001 - the last resort must not raise
        return HTMLResponse(
            '<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>エラー</title>'
            "</head><body><h1>エラーが発生しました</h1><p>時間をおいてから、もう一度お試しください。</p>"
            '<p><a href="/">ホームへ戻る</a></p></body></html>',
            status_code=500,
        )
