"""HTTP interface of drafts and of the idle time-out's countdown (used by the web pages)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from identity.deps import CurrentMember, KekDep, SettingsDep
from identity.drafts import service
from identity.drafts.schemas import DraftIn, DraftKept, DraftOut, DraftRef, IdleStatus
from identity.integrity.rows import verified
from identity.members.models import Member
from identity.sessions import service as sessions
from kasane_shared.db import SessionDep
from kasane_shared.errors import KasaneError
from kasane_shared.openapi_docs import problems

router = APIRouter(tags=["drafts"])
SESSION_COOKIE = "kasane_session"


def _no_session() -> KasaneError:
    return KasaneError(
        401,
        "session_ended",
        "ログインしていないか、ログインの有効期限が切れました。",
        "No open session. Please sign in.",
    )


@router.post(
    "/drafts",
    response_model=DraftKept,
    status_code=status.HTTP_201_CREATED,
    responses=problems(401, 409, 422),
)
def keep_draft(
    data: DraftIn, request: Request, session: SessionDep, settings: SettingsDep
) -> DraftKept:
    """Keep a form's fields, sealed to the member of the session cookie.

    Named by the session cookie (not a token), so a session that has just timed out can
    still hand over what was typed; one that was signed out or ended cannot. Never touches
    the idle timer: keeping a draft is not activity.
    """
    login_session = sessions.session_for_draft(
        session, settings, request.cookies.get(SESSION_COOKIE)
    )
    if login_session is None:
        raise _no_session()
    member = verified(session, session.get(Member, login_session.member_id))
    if member is None or not member.active:
        raise _no_session()
    draft = service.keep(session, settings, member, data.form, data.fields)
    return DraftKept(form=draft.form, kept_at=draft.kept_at, expires_at=draft.expires_at)


@router.post("/drafts/open", response_model=DraftOut, responses=problems(401, 404, 409))
def open_draft(data: DraftRef, session: SessionDep, kek: KekDep, member: CurrentMember) -> DraftOut:
    """My own draft of a form (live session only); 404 when there is none or it expired."""
    opened = service.open_draft(session, kek, member, data.form)
    if opened is None:
        # An expired draft was just deleted: keep that deletion though the answer is a 404.
        raise KasaneError(
            404, "not_found", "下書きが見つかりません。", "Draft not found.", keep_changes=True
        )
    draft, fields = opened
    return DraftOut(
        form=draft.form, fields=fields, kept_at=draft.kept_at, expires_at=draft.expires_at
    )


@router.post("/drafts/discard", status_code=status.HTTP_204_NO_CONTENT, responses=problems(401))
def discard_draft(data: DraftRef, session: SessionDep, member: CurrentMember) -> Response:
    """Delete my draft of a form (it was saved or thrown away); none is fine."""
    service.discard(session, member, data.form)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/session/idle", response_model=IdleStatus, responses=problems(401))
def idle_status(request: Request, session: SessionDep, settings: SettingsDep) -> IdleStatus:
    """Seconds until the cookie's session times out; asking is not activity."""
    left = sessions.idle_seconds_left(session, settings, request.cookies.get(SESSION_COOKIE))
    if left is None:
        raise _no_session()
    return IdleStatus(seconds_left=left, warning_seconds=settings.session_warning_seconds)
