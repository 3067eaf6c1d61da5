"""The pages' script: keep a draft while typing, the time-out countdown, 「続ける」; discard."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from web.core.errors import ApiError, SessionEnded
from web.core.page import Form, PageDep, SignedIn, json_answer, redirect, safe_next
from web.drafts import service

router = APIRouter()


@router.post("/drafts/keep")
def keep_draft(page: PageDep, form: Form) -> Response:
    """Keep what is typed in a long form (the script calls this; keeping is not activity)."""
    form_path = str(form.get("draft_form") or "")
    if service.page_of(form_path) is None:
        return json_answer(page, {"kept": False}, status=400)
    try:
        kept = service.keep(page.api, form_path, form)
    except SessionEnded:
        return json_answer(page, {"kept": False}, status=401)
    except ApiError as error:
        return json_answer(
            page, {"kept": False}, status=error.status if error.status < 500 else 503
        )
    return json_answer(page, {"kept": kept})


@router.post("/drafts/discard")
def discard_draft(page: SignedIn, form: Form) -> Response:
    """Throw my kept draft of a form away and show the form as saved."""
    form_path = str(form.get("draft_form") or "")
    shown = service.page_of(form_path)
    if shown is None:
        raise ApiError(400, {"detail": page.t("error.bad_request")})
    service.discard(page.api, form_path)
    return redirect(page, safe_next(shown), flash="draft_discarded")


def _left(page: PageDep) -> dict[str, int]:
    try:
        status = page.api.by_cookie("GET", "/identity/session/idle")
    except SessionEnded:
        return {"left": 0, "warn": 0}
    return {"left": int(status["seconds_left"]), "warn": int(status["warning_seconds"])}


@router.get("/session/left")
def seconds_left(page: PageDep) -> Response:
    """Seconds until the idle time-out and when to warn; asking does not extend the session."""
    return json_answer(page, _left(page))


@router.post("/session/extend")
def extend(page: PageDep, form: Form) -> Response:
    """「続ける」: the session stays open (the idle timer starts again)."""
    try:
        page.api.refresh()
    except SessionEnded:
        return json_answer(page, {"left": 0, "warn": 0}, status=401)
    return json_answer(page, _left(page))
