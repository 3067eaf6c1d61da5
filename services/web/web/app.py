"""The web app: server-rendered pages over the three services (mounted at "/" in suite mode)."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from kasane_shared.app import BodyLimitMiddleware
from kasane_shared.auth.deps import ACCESS_COOKIE
from kasane_shared.observability.middleware import ObservabilityMiddleware
from kasane_shared.overload import install_admission
from kasane_shared.settings import Settings
from kasane_shared.web import MESSAGES, STATIC_DIR, translate
from web.core import csrf
from web.core.api import SESSION_COOKIE, Api, Services, block_cookies
from web.core.errors import ApiError, CsrfRefused, PasswordChangeRequired, SessionEnded
from web.core.error_pages import error_page, unexpected_page
from web.core.headers import WebHeadersMiddleware
from web.core.page import login_url
from web.drafts.service import keep as keep_draft
from web.drafts.service import page_of
from web.core.templates import build_environment

log = logging.getLogger("kasane.web")


def _sibling(url: str, service: str) -> str:
    """``http://h:p/identity`` → ``http://h:p/<service>`` (suite and gateway share the paths)."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    prefix = path[: -len("/identity")] if path.endswith("/identity") else path
    return urlunsplit((parts.scheme, parts.netloc, f"{prefix}/{service}", "", ""))


def service_urls(settings: Settings) -> tuple[str, str, str]:
    """Identity, agenda and minutes base URLs; unset ones sit next to identity's."""
    explicit = settings.model_fields_set
    agenda = (
        settings.agenda_url
        if "agenda_url" in explicit
        else _sibling(settings.identity_url, "agenda")
    )
    minutes = (
        settings.minutes_url
        if "minutes_url" in explicit
        else _sibling(settings.identity_url, "minutes")
    )
    return settings.identity_url, agenda, minutes


def create_app(
    settings: Settings, *, http: Any = None, base_urls: tuple[str, str, str] | None = None
) -> FastAPI:
    """Build the web app; ``http`` is any httpx-style client (tests pass a TestClient)."""
    app = FastAPI(title="Kasane web", docs_url=None, redoc_url=None, openapi_url=None)
    # Short timeouts: a slow service shows "unavailable" instead of holding the page.
    client = block_cookies(http or httpx.Client(timeout=settings.outbound_timeout_seconds * 2))
    identity, agenda, minutes = base_urls or service_urls(settings)
    app.state.settings = settings
    app.state.services = Services(client, identity, agenda, minutes)
    app.state.csrf_key = csrf.load_key(settings.data_dir)
    app.state.messages = MESSAGES
    app.state.translate = translate
    app.state.templates = build_environment(translate)
    app.add_middleware(WebHeadersMiddleware)
    install_admission(app, settings)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    # One log line per page request (the pages expose no /metrics of their own).
    app.add_middleware(ObservabilityMiddleware, service="web", metrics=None)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    _include_routers(app)
    _install_handlers(app)
    return app


def _include_routers(app: FastAPI) -> None:
    from web.account.router import router as account
    from web.admin.router import router as admin
    from web.audit.router import router as audit
    from web.cases.router import router as cases
    from web.cases.consent_router import router as consents
    from web.cases.plan_router import router as plans
    from web.cases.work_router import router as case_work
    from web.drafts.router import router as drafts
    from web.home.router import router as home
    from web.meetings.building_router import router as agenda_building
    from web.meetings.change_router import router as meeting_changes
    from web.meetings.distribution_router import router as distribution
    from web.meetings.print_router import router as agenda_print
    from web.meetings.router import router as meetings
    from web.minutes.review_router import router as minutes_review
    from web.minutes.router import router as minutes
    from web.pledges.router import router as pledges
    from web.session.router import router as session

    routers = (session, drafts, home, account, pledges, meeting_changes, distribution)
    routers = (*routers, agenda_building, agenda_print, meetings)
    for router in (
        *routers,
        case_work,
        consents,
        plans,
        cases,
        minutes,
        minutes_review,
        admin,
        audit,
    ):
        app.include_router(router)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        """Liveness of the web app."""
        return {"status": "ok", "service": "web"}


def _install_handlers(app: FastAPI) -> None:
    @app.exception_handler(SessionEnded)
    async def _ended(request: Request, exc: SessionEnded) -> Response:
        reason: str | None = exc.reason if exc.reason != "signin" else None
        back = request.url.path if request.method == "GET" else None
        if request.method == "POST" and page_of(request.url.path):
            # A long form sent after the time-out: its text is kept as a draft, and sign-in
            # leads back to the form instead of ホーム.
            if await run_in_threadpool(_keep_posted, request, await _posted_form(request)):
                reason, back = "draft_kept", page_of(request.url.path)
        target = login_url(reason, back)
        response = RedirectResponse(target, status_code=303)
        secure = request.app.state.settings.cookie_secure
        for name in (ACCESS_COOKIE, SESSION_COOKIE):
            response.delete_cookie(name, path="/", httponly=True, secure=secure, samesite="lax")
        return response

    @app.exception_handler(PasswordChangeRequired)
    async def _initial_password(request: Request, exc: PasswordChangeRequired) -> Response:
        return RedirectResponse("/account/password", status_code=303)

    @app.exception_handler(CsrfRefused)
    async def _csrf(request: Request, exc: CsrfRefused) -> Response:
        return error_page(request, 403, "csrf")

    @app.exception_handler(ApiError)
    async def _api(request: Request, exc: ApiError) -> Response:
        key = {403: "forbidden", 404: "not_found", 409: "conflict", 503: "unavailable"}.get(
            exc.status, "bad_request"
        )
        status = exc.status if 400 <= exc.status < 600 else 502
        return error_page(request, status, key, exc.detail or None)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        key = {404: "not_found", 405: "bad_request", 403: "forbidden"}.get(
            exc.status_code, "bad_request"
        )
        return error_page(request, exc.status_code, key)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        return error_page(request, 400, "bad_request")

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        # The type only: exception text may quote case content.
        route = getattr(request.scope.get("route"), "path", "?")
        log.error("unexpected %s on %s %s", type(exc).__name__, request.method, route)
        return unexpected_page(request)


async def _posted_form(request: Request) -> Any:
    """The submitted form: as the CSRF check read it, else read now (it was not read yet)."""
    form = getattr(request.state, "kasane_form", None)
    if form is not None:
        return form
    try:
        return await request.form()
    except Exception:  # noqa: BLE001 - a body already consumed or malformed: nothing to keep
        return None


def _keep_posted(request: Request, form: Any) -> bool:
    """Keep a timed-out POST's fields as a draft; only a form carrying this browser's token."""
    if form is None:
        return False
    token = form.get(csrf.FIELD)
    cookies = request.cookies
    if not csrf.check(
        request.app.state.csrf_key,
        cookies.get(csrf.CSRF_COOKIE),
        cookies.get(SESSION_COOKIE),
        token if isinstance(token, str) else None,
    ):
        return False
    api = Api(request.app.state.services, "ja", None, cookies.get(SESSION_COOKIE))
    try:
        return keep_draft(api, request.url.path, form)
    except (ApiError, SessionEnded):
        return False


def index_json() -> JSONResponse:
    """The service index for API clients asking "/" for JSON."""
    return JSONResponse(
        {
            "name": "Kasane（重ね）",
            "services": {
                "identity": "/identity/docs",
                "agenda": "/agenda/docs",
                "minutes": "/minutes/docs",
            },
        }
    )
