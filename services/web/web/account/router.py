"""My account: change the password, set up or remove two-step sign-in, end other sign-ins."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from web.account import service
from web.core.errors import ApiError, FormErrors
from web.core.page import Form, Page, SignedIn, redirect, render

router = APIRouter(prefix="/account")


def _overview(
    page: Page, *, errors: FormErrors | None = None, status: int = 200, which: str = ""
) -> Response:
    return render(
        page,
        "account/account.html",
        status=status,
        errors=errors,
        nav="account",
        page_title=page.t("account.title"),
        sessions=service.sessions(page.api),
        which=which,
    )


@router.get("")
def account(page: SignedIn) -> Response:
    """My account: password, two-step sign-in, where I am signed in."""
    return _overview(page)


def _password_page(page: Page, errors: FormErrors | None = None, status: int = 200) -> Response:
    return render(
        page,
        "account/password.html",
        status=status,
        errors=errors,
        nav="account",
        page_title=page.t("account.password_title"),
        forced=bool(page.me.get("must_change_password")),
    )


@router.get("/password")
def password_form(page: SignedIn) -> Response:
    """The change-password form (the only page open while an initial password is in use)."""
    return _password_page(page)


@router.post("/password")
def change_password(page: SignedIn, form: Form) -> Response:
    """Change my password; my other sign-ins end and this one carries on."""
    totp_on = bool(page.me.get("totp_enabled"))
    errors = service.password_errors(form, page.t, totp_on=totp_on)
    if errors:
        return _password_page(page, errors, 422)
    body = service.proof_body(form) | {"new_password": service.text(form, "new_password")}
    try:
        page.api.put("/identity/me/password", body)
    except ApiError as error:
        if error.status >= 500 or error.status == 401:
            raise
        return _password_page(page, service.api_errors(error, service.PASSWORD_FIELDS), 422)
    page.api.refresh()  # a token with the roles an initial password withheld
    return redirect(page, "/account", flash="password_changed")


def _proof_failed(page: Page, error: ApiError, which: str) -> Response:
    if error.status >= 500 or error.status == 401:
        raise error
    errors = service.api_errors(error, {k: f"{which}.{v}" for k, v in service.PROOF_FIELDS.items()})
    return _overview(page, errors=errors, status=422, which=which)


def _proof_missing(page: Page, form: Any, which: str) -> FormErrors:
    errors = service.proof_errors(form, page.t, totp_on=bool(page.me.get("totp_enabled")))
    return FormErrors(
        fields={f"{which}.{name}": messages for name, messages in errors.fields.items()}
    )


def _setup_page(
    page: Page, uri: str, secret: str, errors: FormErrors | None = None, status: int = 200
) -> Response:
    return render(
        page,
        "account/totp_setup.html",
        status=status,
        errors=errors,
        nav="account",
        page_title=page.t("account.totp_setup_title"),
        qr=service.qr_svg(uri, page.t("account.qr_label")),
        uri=uri,
        secret=secret,
        secret_grouped=service.group_secret(secret),
    )


@router.post("/totp/start")
def start_totp(page: SignedIn, form: Form) -> Response:
    """Start two-step sign-in: the QR code for the authenticator app."""
    errors = _proof_missing(page, form, "start")
    if errors:
        return _overview(page, errors=errors, status=422, which="start")
    try:
        begun = page.api.post("/identity/me/totp", service.proof_body(form))
    except ApiError as error:
        return _proof_failed(page, error, "start")
    return _setup_page(page, begun["otpauth_uri"], begun["secret"])


@router.post("/totp/confirm")
def confirm_totp(page: SignedIn, form: Form) -> Response:
    """Turn two-step sign-in on with a code from the app; show the recovery codes once."""
    code = service.text(form, "code").strip()
    uri, secret = service.text(form, "uri"), service.text(form, "secret")
    if not (len(code) == 6 and code.isdigit()):
        errors = FormErrors(fields={"code": [page.t("account.err_code_digits")]})
        return _setup_page(page, uri, secret, errors, 422)
    try:
        result = page.api.post("/identity/me/totp/confirm", {"code": code})
    except ApiError as error:
        if error.status >= 500 or error.status == 401:
            raise
        return _setup_page(page, uri, secret, service.api_errors(error, {"code": "code"}), 422)
    return _codes_page(page, result["recovery_codes"], "totp_enabled")


def _codes_page(page: Page, codes: list[str], notice: str) -> Response:
    return render(
        page,
        "account/recovery_codes.html",
        nav="account",
        page_title=page.t("account.codes_title"),
        codes=codes,
        notice=page.t(f"account.{notice}"),
    )


@router.post("/totp/recovery-codes")
def renew_codes(page: SignedIn, form: Form) -> Response:
    """New recovery codes (the old ones stop working)."""
    errors = _proof_missing(page, form, "renew")
    if errors:
        return _overview(page, errors=errors, status=422, which="renew")
    try:
        result = page.api.post("/identity/me/totp/recovery-codes", service.proof_body(form))
    except ApiError as error:
        return _proof_failed(page, error, "renew")
    return _codes_page(page, result["recovery_codes"], "codes_renewed")


@router.post("/totp/disable")
def disable_totp(page: SignedIn, form: Form) -> Response:
    """Turn two-step sign-in off; my other sign-ins end."""
    errors = _proof_missing(page, form, "disable")
    if errors:
        return _overview(page, errors=errors, status=422, which="disable")
    try:
        page.api.post("/identity/me/totp/disable", service.proof_body(form))
    except ApiError as error:
        return _proof_failed(page, error, "disable")
    return redirect(page, "/account", flash="totp_disabled")


@router.post("/sessions/{session_id}/end")
def end_session(page: SignedIn, session_id: str, form: Form) -> Response:
    """End one of my other sign-ins (a shared PC, a lost phone)."""
    page.api.delete(f"/identity/me/sessions/{session_id}")
    return redirect(page, "/account", flash="session_ended")
