"""HTTP interface of minutes: the caller's view, drafting, review, approval, Word copy."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Response, status

from kasane_shared.auth.deps import CoordinatorCaller, CurrentCaller
from kasane_shared.db import SessionDep
from kasane_shared.disclosure import KIND_LABELS, Disclosure
from kasane_shared.wareki import era_year, to_jst
from minutes.deps import AgendaDep, IdentityDep, SettingsDep
from minutes.meeting_minutes import (
    approval,
    check_service,
    comments,
    drafting,
    export_service,
    reading,
    review,
    service,
)
from minutes.meeting_minutes.schemas import (
    CommentIn,
    CommentOut,
    ConfirmationOut,
    CorrectionIn,
    MinutesIn,
    MinutesOut,
    TaxMark,
)

router = APIRouter(prefix="/meetings/{meeting_id}/minutes", tags=["minutes"])


@router.get("", response_model=MinutesOut)
def read_minutes(
    meeting_id: str,
    session: SessionDep,
    caller: CurrentCaller,
    identity: IdentityDep,
    agenda: AgendaDep,
    version: Annotated[int | None, Query(ge=1, le=10000)] = None,
) -> Response:
    """The minutes as the caller may read them (a coordinator gets a skeleton before a draft)."""
    view = reading.caller_view(session, identity, agenda, caller, meeting_id, version=version)
    # Built and checked as MinutesOut already: written as FastAPI would write it, without
    # validating it again in another worker thread first.
    body = review.add_review_state(session, caller, view).model_dump_json(by_alias=True)
    return Response(body, media_type="application/json")


@router.put("", response_model=MinutesOut)
def write_draft(
    meeting_id: str,
    data: MinutesIn,
    session: SessionDep,
    caller: CoordinatorCaller,
    identity: IdentityDep,
    agenda: AgendaDep,
) -> MinutesOut:
    """Save the draft: attendance and items; tax spans found on save go into the tax class."""
    return drafting.save_draft(session, identity, agenda, caller, meeting_id, data)


@router.post("/submit", response_model=MinutesOut)
def submit(
    meeting_id: str,
    session: SessionDep,
    caller: CoordinatorCaller,
    identity: IdentityDep,
    agenda: AgendaDep,
) -> MinutesOut:
    """Send the draft for review by the attendees."""
    approval.submit_for_review(session, caller, meeting_id)
    return reading.caller_view(session, identity, agenda, caller, meeting_id, audit=False)


@router.post("/approve", response_model=MinutesOut)
def approve(
    meeting_id: str,
    session: SessionDep,
    caller: CoordinatorCaller,
    identity: IdentityDep,
    agenda: AgendaDep,
    settings: SettingsDep,
) -> MinutesOut:
    """Approve the minutes in review: they become immutable, with content hash and approver.

    Refused (409 ``unresolved_suspects``) while a suspect of the check is open.
    """
    review.require_separate_approver(
        session, settings.minutes_separate_approver, caller, meeting_id
    )
    check_service.require_checked(session, identity, caller, meeting_id)
    return approval.approve(session, identity, agenda, caller, meeting_id)


@router.post("/corrections", response_model=MinutesOut, status_code=status.HTTP_201_CREATED)
def start_correction(
    meeting_id: str,
    data: CorrectionIn,
    session: SessionDep,
    caller: CoordinatorCaller,
    identity: IdentityDep,
    agenda: AgendaDep,
) -> MinutesOut:
    """Start a corrected version with its reason; the approved one is kept."""
    draft = approval.start_correction(session, identity, agenda, caller, meeting_id)
    if draft.id is not None:
        minutes = service.shown_version(session, meeting_id, draft.version, True)
        if minutes is not None:
            review.seal_reason(session, identity, caller, minutes, data.reason)
    return draft


@router.get("/versions")
def list_versions(
    meeting_id: str,
    session: SessionDep,
    caller: CurrentCaller,
    identity: IdentityDep,
    agenda: AgendaDep,
) -> list[dict[str, object]]:
    """Every version the caller may know of: status, who, when, hash, the correction reason."""
    kind = agenda.agenda_view(caller.token, meeting_id)["meeting"]["kind"]
    Disclosure(identity, caller).require_content(kind)
    rows = service.versions(session, meeting_id, caller.has_role("coordinator"))
    return review.version_rows(session, identity, caller, kind, rows)


@router.post("/confirmations", response_model=ConfirmationOut, status_code=status.HTTP_201_CREATED)
def confirm(
    meeting_id: str,
    session: SessionDep,
    caller: CurrentCaller,
    identity: IdentityDep,
    agenda: AgendaDep,
) -> ConfirmationOut:
    """「確認しました」: an attendee confirms the version in review."""
    return review.confirm(session, identity, agenda, caller, meeting_id)


@router.get("/confirmations", response_model=list[ConfirmationOut])
def list_confirmations(
    meeting_id: str,
    session: SessionDep,
    caller: CoordinatorCaller,
    identity: IdentityDep,
    agenda: AgendaDep,
    version: Annotated[int, Query(ge=1, le=10000)],
) -> list[ConfirmationOut]:
    """Who confirmed a version (coordinators)."""
    kind = agenda.agenda_view(caller.token, meeting_id)["meeting"]["kind"]
    Disclosure(identity, caller).require_content(kind)
    return review.confirmations(session, meeting_id, version)


@router.post("/comments", response_model=CommentOut, status_code=status.HTTP_201_CREATED)
def add_comment(
    meeting_id: str,
    data: CommentIn,
    session: SessionDep,
    caller: CurrentCaller,
    identity: IdentityDep,
    agenda: AgendaDep,
) -> CommentOut:
    """Comment on minutes in review (attendees with a valid pledge)."""
    return comments.add_comment(session, identity, agenda, caller, meeting_id, data)


@router.get("/comments", response_model=list[CommentOut])
def list_comments(
    meeting_id: str,
    session: SessionDep,
    caller: CurrentCaller,
    identity: IdentityDep,
    agenda: AgendaDep,
) -> list[CommentOut]:
    """Review comments the caller may read."""
    return comments.list_comments(session, identity, agenda, caller, meeting_id)


@router.get("/check")
def read_check(
    meeting_id: str,
    session: SessionDep,
    caller: CoordinatorCaller,
    identity: IdentityDep,
) -> dict[str, Any]:
    """The check before approval (承認前確認): every text with its masks and open suspects."""
    return check_service.read_check(session, identity, caller, meeting_id)


@router.post("/tax-marks", response_model=MinutesOut)
def change_tax_mark(
    meeting_id: str,
    data: TaxMark,
    session: SessionDep,
    caller: CoordinatorCaller,
    identity: IdentityDep,
    agenda: AgendaDep,
) -> MinutesOut:
    """Mark a span as tax, unmark one, or keep a suspect as not tax data (audited)."""
    return check_service.decide(session, identity, agenda, caller, meeting_id, data)


def content_disposition(starts_at: datetime, kind: str) -> str:
    """RFC 6266: 「令和8年12月22日_支援会議_会議録.docx」 as filename*, ASCII as the fallback."""
    day = to_jst(starts_at).date()
    era, year = era_year(day)
    label = f"{era}{'元' if year == 1 else year}年{day.month}月{day.day}日"
    name = f"{label}_{KIND_LABELS.get(kind, '会議')}_会議録.docx"
    fallback = f"{day.isoformat()}_minutes.docx"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


export_router = APIRouter(prefix="/meetings/{meeting_id}", tags=["minutes"])
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@export_router.get(
    "/minutes.docx", response_class=Response, responses={200: {"content": {DOCX: {}}}}
)
def download_docx(
    meeting_id: str,
    session: SessionDep,
    caller: CurrentCaller,
    identity: IdentityDep,
    agenda: AgendaDep,
    version: Annotated[int | None, Query(ge=1, le=10000)] = None,
) -> Response:
    """The caller's own Word copy, holding only what the caller may read."""
    content, document = export_service.export_docx(
        session, identity, agenda, caller, meeting_id, version
    )
    return Response(
        content,
        media_type=DOCX,
        headers={
            "Content-Disposition": content_disposition(
                document.starts_at, document.conference_kind
            ),
            "Cache-Control": "no-store",
        },
    )
