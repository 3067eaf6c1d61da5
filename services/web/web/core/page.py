"""The per-request page context: language, the person's API, CSRF token, cookies to set."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from kasane_shared.auth.deps import ACCESS_COOKIE
from web.core import csrf
from web.core.api import SESSION_COOKIE, Api
from web.core.errors import CsrfRefused, FormErrors, PasswordChangeRequired, SessionEnded

LANG_COOKIE = "kasane_lang"
# What someone signed in with an initial password may open: nothing but the way to replace it.
OPEN_WHILE_INITIAL = ("/account/password",)
FLASH_COOKIE = "kasane_flash"


@dataclass
class Page:
    """Everything a handler needs to call the services as the person and answer their browser."""

    request: Request
    lang: str
    api: Api
    csrf_value: str
    csrf_is_new: bool
    flash: str | None
    cookies: list[tuple[str, str, int | None]] = field(default_factory=list)
    _me: dict[str, Any] | None = None

    @property
    def csrf_token(self) -> str:
        """The token every form of this page carries."""
        return csrf.token_for(
            self.request.app.state.csrf_key, self.csrf_value, self.api.session_cookie
        )

    @property
    def me(self) -> dict[str, Any]:
        """The signed-in person (identity checks the session is still open)."""
        if self._me is None:
            if not self.api.access and not self.api.session_cookie:
                raise SessionEnded("signin")
            self._me = self.api.get("/identity/me")
        return self._me

    def has_role(self, role: str) -> bool:
        """Whether the signed-in person holds ``role``."""
        return role in self.me["roles"]

    def t(self, key: str, **values: Any) -> str:
        """A catalog message in the page's language."""
        return self.request.app.state.translate(key, self.lang, **values)


def _page(request: Request) -> Page:
    cookies = request.cookies
    lang = cookies.get(LANG_COOKIE) if cookies.get(LANG_COOKIE) in ("ja", "en") else "ja"
    api = Api(
        request.app.state.services, lang, cookies.get(ACCESS_COOKIE), cookies.get(SESSION_COOKIE)
    )
    browser_value = cookies.get(csrf.CSRF_COOKIE)
    is_new = not browser_value or len(browser_value) > 128
    return Page(
        request,
        lang,
        api,
        csrf.new_browser_value() if is_new else browser_value,
        is_new,
        cookies.get(FLASH_COOKIE),
    )


PageDep = Annotated[Page, Depends(_page)]


def signed_in(page: PageDep) -> Page:
    """A page for signed-in people only (sends others to the sign-in page).

    An initial password (set by an admin) must be replaced first: every other page sends
    the person to the change-password page.
    """
    if page.me.get("must_change_password") and page.request.url.path not in OPEN_WHILE_INITIAL:
        raise PasswordChangeRequired()
    return page


SignedIn = Annotated[Page, Depends(signed_in)]


def role_page(*roles: str) -> Any:
    """A dependency admitting signed-in people holding any of ``roles``."""

    def check(page: SignedIn) -> Page:
        if not any(page.has_role(r) for r in roles):
            from web.core.errors import ApiError

            raise ApiError(403, {"code": "forbidden", "detail": page.t("error.forbidden")})
        return page

    return Depends(check)


async def checked_form(request: Request) -> FormData:
    """The submitted form, refused unless its CSRF token fits this browser and session."""
    form = await request.form()
    submitted = form.get(csrf.FIELD)
    ok = csrf.check(
        request.app.state.csrf_key,
        request.cookies.get(csrf.CSRF_COOKIE),
        request.cookies.get(SESSION_COOKIE),
        submitted if isinstance(submitted, str) else None,
    )
    if not ok:
        raise CsrfRefused()
    # Kept for the time-out handler: a long form that arrives after the time-out is kept.
    request.state.kasane_form = form
    return form


Form = Annotated[FormData, Depends(checked_form)]


def _apply_cookies(page: Page, response: Any) -> Any:
    settings = page.request.app.state.settings
    secure = settings.cookie_secure
    if page.csrf_is_new:
        response.set_cookie(
            csrf.CSRF_COOKIE,
            page.csrf_value,
            httponly=True,
            secure=secure,
            samesite="lax",
            path="/",
        )
    if page.api.refreshed is not None:
        token, ttl = page.api.refreshed
        response.set_cookie(
            ACCESS_COOKIE,
            token,
            max_age=ttl,
            httponly=True,
            secure=secure,
            samesite="lax",
            path="/",
        )
    for name, value, max_age in page.cookies:
        if value:
            response.set_cookie(
                name, value, max_age=max_age, httponly=True, secure=secure, samesite="lax", path="/"
            )
        else:
            response.delete_cookie(name, path="/", httponly=True, secure=secure, samesite="lax")
    return response


def render(
    page: Page,
    template: str,
    /,
    *,
    status: int = 200,
    errors: FormErrors | None = None,
    me: dict[str, Any] | None | bool = True,
    **values: Any,
) -> HTMLResponse:
    """Render a page template with the shared context and the cookies this request must set."""
    person = page.me if me is True else (me or None)
    flash_key = page.flash
    context = {
        "lang": page.lang,
        "t": page.t,
        "me": person,
        "csrf_token": page.csrf_token,
        "form_errors": errors,
        "errors": errors,
        "current_path": _current_path(page.request),
        "flash": _flash(page, flash_key),
        "nav": "",
        "warn_minutes": max(1, page.request.app.state.settings.session_warning_seconds // 60),
        **values,
    }
    html = page.request.app.state.templates.get_template(template).render(context)
    response = HTMLResponse(html, status_code=status)
    if flash_key:
        page.cookies.append((FLASH_COOKIE, "", None))
    return _apply_cookies(page, response)


def _flash(page: Page, key: str | None) -> dict[str, str] | None:
    catalog = page.request.app.state.messages
    if not key or f"flash.{key}" not in catalog:
        return None
    kind = "error" if key.startswith("err_") else "ok"
    return {"kind": kind, "text": page.t(f"flash.{key}")}


def _current_path(request: Request) -> str:
    path = request.url.path
    return path if path.startswith("/") and not path.startswith("//") else "/"


def download(page: Page, upstream: Any) -> Response:
    """A file a service answered (a Word copy), handed to the browser with its own headers."""
    headers = {
        name: upstream.headers[name]
        for name in ("content-disposition", "cache-control")
        if name in upstream.headers
    }
    response = Response(
        upstream.content, media_type=upstream.headers.get("content-type"), headers=headers
    )
    return _apply_cookies(page, response)


def json_answer(page: Page, data: Any, status: int = 200) -> JSONResponse:
    """A small JSON answer to the pages' own script, with the cookies this request sets."""
    return _apply_cookies(page, JSONResponse(data, status_code=status))


def redirect(page: Page, url: str, flash: str | None = None) -> RedirectResponse:
    """POST-redirect-GET, with an optional one-time message (a catalog key, never free text)."""
    response = RedirectResponse(url, status_code=303)
    if flash:
        page.cookies.append((FLASH_COOKIE, flash, 60))
    return _apply_cookies(page, response)


# A same-site path (and query) only: one leading slash, then URL-safe characters. No scheme,
# no "//" host, no backslash, no space or control character (browsers drop tabs and newlines,
# so "/\t/evil.example" would become "//evil.example"), no dot segments.
_NEXT = re.compile(r"/(?![/\\])[A-Za-z0-9\-_~/?=&%.+,]*")
_DOT_SEGMENT = re.compile(r"(^|/)\.{1,2}(/|$|\?)")


def safe_next(value: Any, default: str = "/") -> str:
    """A local path to return to after sign-in (never another site, else ``default``)."""
    if (
        isinstance(value, str)
        and len(value) < 500
        and _NEXT.fullmatch(value)
        and not _DOT_SEGMENT.search(value.split("?", 1)[0])
        and "%2f" not in value.lower()
        and "%5c" not in value.lower()
    ):
        return value
    return default


def login_url(reason: str | None, next_path: str | None = None) -> str:
    """The sign-in page, with why the person is there and where to go after."""
    query = []
    if reason:
        query.append(f"reason={quote(reason)}")
    if next_path and next_path != "/":
        query.append(f"next={quote(next_path)}")
    return "/login" + ("?" + "&".join(query) if query else "")
