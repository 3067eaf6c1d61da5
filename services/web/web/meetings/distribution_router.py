"""配布前確認 and 配布: the coordinator checks every text of an agenda, then hands it out."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from web.core.errors import ApiError, FormErrors
from web.core.page import Form, Page, SignedIn, redirect, render, role_page
from web.meetings import check

router = APIRouter(prefix="/meetings/{meeting_id}")
Coordinator = role_page("coordinator")


def distribution_page(
    page: Page, meeting_id: str, *, errors: FormErrors | None = None, status: int = 200
) -> Response:
    """Every text on the agenda with its masks and suspects, and the 「配布する」 button."""
    meeting = page.api.get(f"/agenda/meetings/{meeting_id}")
    found = page.api.get(f"/agenda/meetings/{meeting_id}/distribution")
    return render(
        page,
        "meetings/distribution.html",
        status=status,
        errors=errors,
        nav="meetings",
        page_title=page.t("check.title"),
        meeting=meeting,
        check=check.labelled(found, page.t),
    )


@router.get("/distribution", dependencies=[Coordinator])
def distribution(page: SignedIn, meeting_id: str) -> Response:
    """配布前確認: item by item and field by field, what will be masked and what is doubtful."""
    return distribution_page(page, meeting_id)


@router.post("/distribution/decide", dependencies=[Coordinator])
def decide(page: SignedIn, meeting_id: str, form: Form) -> Response:
    """「伏せる」 or 「税情報ではない」 on one suspect (the agenda service audits it)."""
    chosen = check.decision(form)
    if chosen is None or chosen["record"] not in ("case", "item"):
        errors = FormErrors(general=[page.t("check.err_decision")])
        return distribution_page(page, meeting_id, errors=errors, status=422)
    path = (
        f"/agenda/cases/{chosen['record_id']}/tax-marks"
        if chosen["record"] == "case"
        else f"/agenda/meetings/{meeting_id}/items/{chosen['record_id']}/tax-marks"
    )
    body = {k: chosen[k] for k in ("field", "action", "start", "end")}
    try:
        page.api.post(path, body)
    except ApiError as error:
        if error.status >= 500 or error.status in (403, 404):
            raise
        errors = FormErrors(general=[error.detail])
        return distribution_page(page, meeting_id, errors=errors, status=422)
    flash = "suspect_masked" if chosen["action"] == "mark" else "suspect_kept"
    return redirect(page, f"/meetings/{meeting_id}/distribution", flash=flash)


@router.post("/distribute", dependencies=[Coordinator])
def distribute(page: SignedIn, meeting_id: str, form: Form) -> Response:
    """「配布する」: refused with the service's message while a suspect is open."""
    try:
        page.api.post(f"/agenda/meetings/{meeting_id}/distribute")
    except ApiError as error:
        if error.status != 409:
            raise
        errors = FormErrors(general=[error.detail])
        return distribution_page(page, meeting_id, errors=errors, status=409)
    return redirect(page, f"/meetings/{meeting_id}/distribution", flash="agenda_distributed")
