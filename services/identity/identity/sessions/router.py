"""HTTP interface of sign-in, the caller's own account, and the published keys."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response, status

from identity.deps import CurrentMember, IssuerDep, KekDep, SettingsDep
from identity.members import service as members
from identity.members.schemas import MemberOut
from identity.sessions import service, throttle
from identity.sessions.schemas import LoginRequest, SessionStatus, TokenResponse
from kasane_shared.openapi_docs import problems
from kasane_shared.auth.deps import CurrentClaims, bearer_token
from kasane_shared.auth.tokens import InvalidToken
from kasane_shared.db import SessionDep
from kasane_shared.errors import KasaneError

router = APIRouter(tags=["session"])
SESSION_COOKIE = "kasane_session"


def _no_session() -> KasaneError:
    return KasaneError(
        401,
        "session_ended",
        "ログインしていないか、ログインの有効期限が切れました。",
        "No open session. Please sign in.",
    )


def _issue(issuer: Any, member: Any, session_id: str) -> TokenResponse:
    # Until an initial password is replaced, the token carries no role: it opens nothing.
    roles = [] if member.must_change_password else member.roles
    token, ttl = issuer.issue(
        member.id, organization_id=member.organization_id, roles=roles, session_id=session_id
    )
    return TokenResponse(access_token=token, expires_in=ttl)


@router.post("/session", response_model=TokenResponse, responses=problems(401, 409, 429))
def login(
    data: LoginRequest,
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    kek: KekDep,
    issuer: IssuerDep,
) -> TokenResponse:
    """Sign in with login, password (and TOTP where enabled): an access token and session cookie.

    The browser also gets a device token (``kasane_device``): failures from a browser the
    account knows pause only that browser, so a stranger cannot lock the owner out.
    """
    verifier = request.app.state.token_verifier
    devices = request.cookies.get(throttle.DEVICE_COOKIE)
    attempt = service.Attempt(
        throttle.address_of(request),
        lambda member_id: throttle.known_device(verifier, devices, member_id),
    )
    member = service.authenticate(
        session, settings, kek, data.login, data.password, data.totp, attempt
    )
    login_session, cookie_token = service.open_session(session, settings, member)
    response.set_cookie(
        throttle.DEVICE_COOKIE,
        throttle.remember_device(issuer, verifier, settings, devices, member.id),
        max_age=settings.login_device_days * 86400,
        httponly=True,
        secure=settings.cookie_secure,
        samesite="lax",
        path="/",
    )
    response.set_cookie(
        SESSION_COOKIE,
        cookie_token,
        max_age=settings.session_absolute_hours * 3600,
        httponly=True,
        secure=settings.cookie_secure,
        samesite="lax",
        path="/",
    )
    return _issue(issuer, member, login_session.id)


@router.post("/session/refresh", response_model=TokenResponse, responses=problems(401, 409))
def refresh(
    request: Request, session: SessionDep, settings: SettingsDep, issuer: IssuerDep
) -> TokenResponse:
    """A fresh access token for the open session named by the session cookie."""
    login_session = service.session_by_cookie(
        session, settings, request.cookies.get(SESSION_COOKIE)
    )
    if login_session is None:
        raise _no_session()
    member = members.get_member(session, login_session.member_id)
    if not member.active:
        raise _no_session()
    return _issue(issuer, member, login_session.id)


@router.delete("/session", status_code=status.HTTP_204_NO_CONTENT, responses=problems(401))
def logout(
    request: Request, response: Response, session: SessionDep, settings: SettingsDep
) -> Response:
    """End the session (the bearer token's, else the cookie's); its tokens stop working."""
    login_session = None
    token = bearer_token(request)
    if token:
        try:
            claims = request.app.state.token_verifier.verify(token)
            login_session = service.live_session(session, settings, claims.session_id)
        except InvalidToken:
            login_session = None  # an expired token: the cookie may still name the session
    if login_session is None:
        login_session = service.session_by_cookie(
            session, settings, request.cookies.get(SESSION_COOKIE)
        )
    if login_session is None:
        raise _no_session()
    service.end_session(session, login_session, login_session.member_id)
    response = Response(status_code=status.HTTP_204_NO_CONTENT)
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=settings.cookie_secure
    )
    return response


@router.get("/session", response_model=SessionStatus)
def session_status(claims: CurrentClaims, member: CurrentMember) -> SessionStatus:
    """Is the session behind this token still open: the other services ask before every call."""
    return SessionStatus(
        session_id=claims.session_id or "",
        member_id=member.id,
        organization_id=member.organization_id,
        roles=[] if member.must_change_password else list(member.roles),
    )


@router.get("/me", response_model=MemberOut)
def me(member: CurrentMember) -> MemberOut:
    """The signed-in member."""
    return members.to_out(member)


@router.get("/.well-known/jwks.json")
def jwks(request: Request) -> dict[str, Any]:
    """The public keys that verify Kasane access tokens."""
    return request.app.state.signing_keys()
