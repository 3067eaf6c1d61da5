"""Home: a dashboard for each role the person holds."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from web.app import index_json
from web.core import directory
from web.core.page import PageDep, redirect, render, signed_in
from web.home import service

router = APIRouter()


@router.get("/")
def home(request: Request, page: PageDep) -> Response:
    """The dashboard, or the sign-in page for someone not signed in."""
    accept = request.headers.get("accept", "")
    if "application/json" in accept and "text/html" not in accept:
        return index_json()
    if not page.api.access and not page.api.session_cookie:
        return redirect(page, "/login")
    signed_in(page)
    me = page.me
    values: dict[str, Any] = {"now": datetime.now(UTC)}
    if "member" in me["roles"] or "coordinator" in me["roles"]:
        values |= service.member_dashboard(page.api, me)
        values |= service.todo(page.api, me)
    if "coordinator" in me["roles"]:
        values |= service.coordinator_dashboard(page.api)
        values["todo"]["due"] = service.monitoring_due(values["due"])
    return render(
        page,
        "home/home.html",
        nav="home",
        page_title=page.t("home.title"),
        kinds=directory.KINDS,
        **values,
    )
