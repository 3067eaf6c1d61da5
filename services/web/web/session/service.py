"""Sign-in and sign-out against identity, and where each refusal's message belongs."""

from __future__ import annotations

from web.core.api import Api, Login
from web.core.errors import ApiError, FormErrors

FIELDS = {"login": "login", "password": "password", "totp": "totp"}


def sign_in(
    api: Api,
    login: str,
    password: str,
    totp: str | None,
    *,
    device: str | None = None,
    address: str | None = None,
) -> Login:
    """Sign in at identity (raises ApiError with the refusal)."""
    return api.login(login, password, totp or None, device=device, address=address)


def login_errors(error: ApiError, totp_shown: bool) -> tuple[FormErrors, bool]:
    """Messages next to the fields, and whether the code field must be shown."""
    if error.code == "totp_required":
        return FormErrors(fields={"totp": [error.detail]}), True
    if error.code == "invalid_credentials":
        # Identity gives one answer for every wrong part (no enumeration); say it at the password.
        return FormErrors(fields={"password": [error.detail]}), totp_shown
    return FormErrors.from_api(error, FIELDS), totp_shown


def sign_out(api: Api) -> None:
    """End the session at identity; a session already gone is fine."""
    try:
        api.logout()
    except ApiError:
        pass
