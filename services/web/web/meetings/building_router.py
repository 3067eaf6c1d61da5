"""Agenda building on the coordinator's meeting page: move, reorder, remove with a confirmation.

Every action works as a plain form post (「上へ」「下へ」, a confirmation page); the optional
script (``kasane.js``) posts the same order here and asks for JSON instead of a redirect.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response

from web.core.errors import ApiError
from web.core.page import Form, SignedIn, redirect, render, role_page

router = APIRouter(prefix="/meetings")
Coordinator = role_page("coordinator")
MAX_ITEMS = 500


def _ids(values: list[Any]) -> list[str]:
    return [v for v in values if isinstance(v, str) and v][: MAX_ITEMS + 1]


def _moved(order: list[str], item_id: str, direction: str) -> list[str] | None:
    """The order with the item one place up or down; None when it cannot move so."""
    if item_id not in order or direction not in ("up", "down"):
        return None
    at = order.index(item_id)
    to = at - 1 if direction == "up" else at + 1
    if not 0 <= to < len(order):
        return None
    order = list(order)
    order[at], order[to] = order[to], order[at]
    return order


def _wants_json(page: SignedIn) -> bool:
    return "application/json" in page.request.headers.get("accept", "")


@router.post("/{meeting_id}/items/{item_id}/move", dependencies=[Coordinator])
def move_item(page: SignedIn, meeting_id: str, item_id: str, form: Form) -> Response:
    """「上へ」「下へ」: swap with the neighbour in the order the page showed."""
    shown = _ids(str(form.get("order") or "").split(","))
    order = _moved(shown, item_id, str(form.get("direction") or ""))
    back = f"/meetings/{meeting_id}/manage#item-{item_id}"
    if order is None:
        return redirect(page, back, flash="err_order_stale")
    try:
        page.api.put(f"/agenda/meetings/{meeting_id}/items/order", {"item_ids": order})
    except ApiError as error:
        if error.status in (409, 422):
            return redirect(page, back, flash="err_order_stale")
        raise
    return redirect(page, back, flash="item_moved")


@router.post("/{meeting_id}/order", dependencies=[Coordinator])
def set_order(page: SignedIn, meeting_id: str, form: Form) -> Response:
    """The whole order (drag and drop, keyboard); JSON for the script, else back to the page."""
    order = _ids(form.getlist("item_ids"))
    try:
        page.api.put(f"/agenda/meetings/{meeting_id}/items/order", {"item_ids": order})
    except ApiError as error:
        if error.status not in (409, 422):
            raise
        if _wants_json(page):
            return JSONResponse({"ok": False, "message": error.detail}, status_code=409)
        return redirect(page, f"/meetings/{meeting_id}/manage", flash="err_order_stale")
    if _wants_json(page):
        return JSONResponse({"ok": True, "message": page.t("flash.item_moved")})
    return redirect(page, f"/meetings/{meeting_id}/manage", flash="item_moved")


@router.get("/{meeting_id}/items/{item_id}/delete", dependencies=[Coordinator])
def confirm_delete(page: SignedIn, meeting_id: str, item_id: str) -> Response:
    """Ask before an item leaves the agenda (what it removes, and that invitees lose it)."""
    meeting = page.api.get(f"/agenda/meetings/{meeting_id}")
    items = page.api.get(f"/agenda/meetings/{meeting_id}/items")
    item = next((i for i in items if i["id"] == item_id), None)
    if item is None:
        return redirect(page, f"/meetings/{meeting_id}/manage", flash="err_item_gone")
    case = page.api.get(f"/agenda/cases/{item['case_id']}")
    return render(
        page,
        "meetings/item_delete.html",
        nav="meetings",
        page_title=page.t("item.delete_title"),
        meeting=meeting,
        item=item,
        case=case,
    )
