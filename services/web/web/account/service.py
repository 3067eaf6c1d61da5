"""One's own account through identity: password, TOTP with a QR code drawn here, sessions."""

from __future__ import annotations

from typing import Any

import segno
from markupsafe import Markup
from starlette.datastructures import FormData

from web.core.api import Api
from web.core.errors import ApiError, FormErrors

PASSWORD_FIELDS = {"current_password": "current_password", "new_password": "new_password"}
PROOF_FIELDS = {"current_password": "current_password", "code": "code"}
MIN_PASSWORD = 10


def text(form: FormData, name: str) -> str:
    """A form value as text (passwords are not stripped: spaces may belong to them)."""
    value = form.get(name)
    return value if isinstance(value, str) else ""


def password_errors(form: FormData, t: Any, *, totp_on: bool) -> FormErrors:
    """What the password form lacks, in words that say what to do."""
    errors = FormErrors()
    if not text(form, "current_password"):
        errors.add("current_password", t("account.err_current_missing"))
    new, again = text(form, "new_password"), text(form, "new_password_again")
    if len(new) < MIN_PASSWORD:
        errors.add("new_password", t("account.err_new_short", n=MIN_PASSWORD))
    elif new != again:
        errors.add("new_password_again", t("account.err_new_mismatch"))
    if totp_on and not text(form, "code").strip():
        errors.add("code", t("account.err_code_missing"))
    return errors


def proof_errors(form: FormData, t: Any, *, totp_on: bool) -> FormErrors:
    """The current password (and a code when two-step sign-in is on) must be given."""
    errors = FormErrors()
    if not text(form, "current_password"):
        errors.add("current_password", t("account.err_current_missing"))
    if totp_on and not text(form, "code").strip():
        errors.add("code", t("account.err_code_missing"))
    return errors


def proof_body(form: FormData) -> dict[str, Any]:
    """The current password and code for identity."""
    body: dict[str, Any] = {"current_password": text(form, "current_password")}
    code = text(form, "code").strip()
    if code:
        body["code"] = code
    return body


def api_errors(error: ApiError, fields: dict[str, str]) -> FormErrors:
    """Identity's refusal placed next to the fields it names."""
    return FormErrors.from_api(error, fields)


def qr_svg(uri: str, label: str) -> Markup:
    """The provisioning URI as an inline SVG QR code, drawn here (no outside service sees it).

    The URI comes back with the confirmation form; anything but a short ``otpauth://`` URI
    draws nothing (the secret is still shown for typing by hand).
    """
    if not uri.startswith("otpauth://totp/") or len(uri) > 512:
        return Markup("")
    code = segno.make(uri, error="m")
    svg = code.svg_inline(scale=5, border=4, dark="#000000", light="#ffffff", title=label)
    return Markup(svg)


def group_secret(secret: str) -> str:
    """The secret in groups of four, for typing into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def sessions(api: Api) -> list[dict[str, Any]]:
    """My open sign-ins, this one first."""
    rows = api.get("/identity/me/sessions")
    return sorted(rows, key=lambda s: (not s["current"], s["created_at"]))
