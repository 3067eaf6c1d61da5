"""Calls to identity, agenda and minutes over HTTP as the signed-in person, like any client.

The page never reads a service's database and never decrypts: it shows what the services
return for the person's own access token. An expired token is refreshed once through the
identity session cookie; when that fails too, the sign-in has ended.
"""

from __future__ import annotations

from dataclasses import dataclass
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import Any

import httpx

from kasane_shared.observability.context import propagation_headers
from web.core.errors import ApiError, SessionEnded

SESSION_COOKIE = "kasane_session"
DEVICE_COOKIE = "kasane_device"


def block_cookies(client: Any) -> Any:
    """Give a client a jar that stores nothing: a shared client must never pass a session on."""
    # The client's own Cookies class (httpx, or the test client's fork) wraps the jar.
    client.cookies = type(client.cookies)(CookieJar(policy=DefaultCookiePolicy(allowed_domains=[])))
    return client


@dataclass(frozen=True)
class Services:
    """Where the services answer and the HTTP client that reaches them."""

    http: Any
    identity: str
    agenda: str
    minutes: str

    def url(self, path: str) -> str:
        """``/agenda/meetings`` → the agenda service's base URL + ``/meetings``."""
        service, _, rest = path.lstrip("/").partition("/")
        base = {"identity": self.identity, "agenda": self.agenda, "minutes": self.minutes}[service]
        return f"{base.rstrip('/')}/{rest}"


@dataclass
class Login:
    """What a successful sign-in hands back to the browser."""

    access_token: str
    expires_in: int
    session_cookie: str
    device_cookie: str | None = None


def _unavailable() -> ApiError:
    return ApiError(
        503,
        {
            "code": "unavailable",
            "detail": "サービスに接続できません。しばらくしてからお試しください。",
        },
    )


class Api:
    """The services as one person sees them (their access token, session cookie and language)."""

    def __init__(
        self, services: Services, lang: str, access: str | None, session_cookie: str | None
    ) -> None:
        self.services, self.lang = services, lang
        self.access, self.session_cookie = access, session_cookie
        self.refreshed: tuple[str, int] | None = None

    def _send(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        cookie: str | None = None,
        extra_headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        headers = {
            "Accept-Language": self.lang,
            "Accept": "application/json",
            **propagation_headers(),
            **(extra_headers or {}),
        }
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if cookie:
            headers["Cookie"] = f"{SESSION_COOKIE}={cookie}"
        try:
            return self.services.http.request(
                method, self.services.url(path), headers=headers, **kwargs
            )
        except (httpx.HTTPError, OSError) as error:
            raise _unavailable() from error

    def call(self, method: str, path: str, *, raw: bool = False, **kwargs: Any) -> Any:
        """Call a service; refresh the token once on 401; raise ApiError on a refusal."""
        if not self.access:
            self.refresh()
        response = self._send(method, path, token=self.access, **kwargs)
        if response.status_code == 401 and self.session_cookie and self.refreshed is None:
            self.refresh()
            response = self._send(method, path, token=self.access, **kwargs)
        if response.status_code == 401:
            raise SessionEnded("expired")
        return self._result(response, raw)

    @staticmethod
    def _result(response: httpx.Response, raw: bool) -> Any:
        if response.status_code >= 400:
            try:
                problem = response.json()
            except ValueError:
                problem = {}
            raise ApiError(response.status_code, problem if isinstance(problem, dict) else {})
        if raw:
            return response
        return response.json() if response.content else None

    def by_cookie(self, method: str, path: str, **kwargs: Any) -> Any:
        """Call identity with the session cookie alone: no token, no refresh (not activity)."""
        if not self.session_cookie:
            raise SessionEnded("signin")
        response = self._send(method, path, cookie=self.session_cookie, **kwargs)
        if response.status_code == 401:
            raise SessionEnded("expired")
        return self._result(response, raw=False)

    def get(self, path: str, **kwargs: Any) -> Any:
        """GET as this person."""
        return self.call("GET", path, **kwargs)

    def get_all(
        self,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        limit: int = 200,
        max_pages: int = 50,
    ) -> list[Any]:
        """Every row of a paged list (``Link: rel="next"``), ``limit`` rows per call."""
        rows: list[Any] = []
        query: Any = {**(params or {}), "limit": limit}
        for _ in range(max_pages):
            response = self.call("GET", path, raw=True, params=query)
            rows.extend(response.json())
            following = response.links.get("next", {}).get("url")
            if not following:
                break
            # The next page's URL carries the same query with its cursor; keep our path.
            query = httpx.URL(following).params
        return rows

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        """POST JSON as this person."""
        return self.call("POST", path, json=body if body is not None else {}, **kwargs)

    def put(self, path: str, body: Any, **kwargs: Any) -> Any:
        """PUT JSON as this person."""
        return self.call("PUT", path, json=body, **kwargs)

    def patch(self, path: str, body: Any, **kwargs: Any) -> Any:
        """PATCH JSON as this person."""
        return self.call("PATCH", path, json=body, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Any:
        """DELETE as this person."""
        return self.call("DELETE", path, **kwargs)

    def refresh(self) -> None:
        """A fresh access token from the identity session cookie, or the sign-in has ended."""
        if not self.session_cookie:
            raise SessionEnded("signin")
        response = self._send("POST", "/identity/session/refresh", cookie=self.session_cookie)
        if response.status_code != 200:
            raise SessionEnded("expired")
        body = response.json()
        self.access = body["access_token"]
        self.refreshed = (body["access_token"], int(body["expires_in"]))

    def login(
        self,
        login: str,
        password: str,
        totp: str | None,
        *,
        device: str | None = None,
        address: str | None = None,
    ) -> Login:
        """Sign in at identity; the session and device cookies it set go to the browser.

        The browser's device token and address go along, so identity pauses that browser (or
        that address) after failures, not everyone signing in through these pages.
        """
        body: dict[str, Any] = {"login": login, "password": password}
        if totp:
            body["totp"] = totp
        extra = {"X-Forwarded-For": address} if address else {}
        if device:
            extra["Cookie"] = f"{DEVICE_COOKIE}={device}"
        response = self._send("POST", "/identity/session", json=body, extra_headers=extra)
        result = self._result(response, raw=False)
        cookie = response.cookies.get(SESSION_COOKIE)
        if not cookie:
            raise _unavailable()
        return Login(
            result["access_token"],
            int(result["expires_in"]),
            cookie,
            response.cookies.get(DEVICE_COOKIE),
        )

    def logout(self) -> None:
        """End the session at identity (its tokens stop opening anything at once)."""
        if self.session_cookie or self.access:
            self._send("DELETE", "/identity/session", token=self.access, cookie=self.session_cookie)
