"""Sign-in, sign-out and the language switch."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from kasane_shared.auth.deps import ACCESS_COOKIE
from web.core.api import DEVICE_COOKIE, SESSION_COOKIE
from web.core.errors import ApiError, FormErrors
from web.core.page import LANG_COOKIE, Form, PageDep, redirect, render, safe_next
from web.session import service

router = APIRouter()
REASONS = ("expired", "signed_out", "draft_kept")


def _login_page(
    page: PageDep,
    *,
    errors: FormErrors | None = None,
    login: str = "",
    totp: bool = False,
    next_path: str = "/",
    reason: str | None = None,
    status: int = 200,
) -> Response:
    notice = page.t(f"login.reason_{reason}") if reason in REASONS else None
    return render(
        page,
        "session/login.html",
        status=status,
        errors=errors,
        me=None,
        login=login,
        show_totp=totp,
        next_path=next_path,
        notice=notice,
        page_title=page.t("login.title"),
    )


@router.get("/login")
def login_form(page: PageDep, reason: str | None = None, next: str | None = None) -> Response:  # noqa: A002 - the query's name
    """The sign-in form (with why the person is here, after a time-out)."""
    return _login_page(page, next_path=safe_next(next), reason=reason)


@router.post("/login")
def login(page: PageDep, form: Form) -> Response:
    """Sign in at identity; the session cookie and the access token go to the browser."""
    login_name, password = str(form.get("login") or "").strip(), str(form.get("password") or "")
    totp, next_path = str(form.get("totp") or "").strip(), safe_next(form.get("next"))
    errors = FormErrors()
    if not login_name:
        errors.add("login", page.t("login.login_missing"))
    if not password:
        errors.add("password", page.t("login.password_missing"))
    if errors:
        return _login_page(
            page,
            errors=errors,
            login=login_name,
            totp=bool(form.get("totp_shown")),
            next_path=next_path,
            status=422,
        )
    try:
        client = page.request.client
        result = service.sign_in(
            page.api,
            login_name,
            password,
            totp,
            device=page.request.cookies.get(DEVICE_COOKIE),
            address=client.host if client is not None else None,
        )
    except ApiError as error:
        field_errors, show_totp = service.login_errors(error, bool(form.get("totp_shown")))
        return _login_page(
            page,
            errors=field_errors,
            login=login_name,
            totp=show_totp,
            next_path=next_path,
            status=error.status if error.status < 500 else 503,
        )
    hours = page.request.app.state.settings.session_absolute_hours
    page.cookies.append((SESSION_COOKIE, result.session_cookie, hours * 3600))
    page.cookies.append((ACCESS_COOKIE, result.access_token, result.expires_in))
    if result.device_cookie:
        days = page.request.app.state.settings.login_device_days
        page.cookies.append((DEVICE_COOKIE, result.device_cookie, days * 86400))
    return redirect(page, next_path)


@router.post("/logout")
def logout(page: PageDep, form: Form) -> Response:
    """End the session at identity and forget the cookies."""
    service.sign_out(page.api)
    page.api.refreshed = None
    page.cookies.extend([(SESSION_COOKIE, "", None), (ACCESS_COOKIE, "", None)])
    return redirect(page, "/login?reason=signed_out")


@router.post("/lang")
def switch_language(page: PageDep, form: Form) -> Response:
    """Remember the chosen language (Japanese unless English is asked for)."""
    lang = "en" if form.get("lang") == "en" else "ja"
    page.cookies.append((LANG_COOKIE, lang, 365 * 24 * 3600))
    return redirect(page, safe_next(form.get("next")))
