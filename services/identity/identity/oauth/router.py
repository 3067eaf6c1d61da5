"""HTTP interface of the token endpoint: ``POST /oauth/token`` (client credentials)."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated
from urllib.parse import parse_qsl

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from identity.deps import IssuerDep, SettingsDep
from identity.oauth.service import FormRequest, TokenServer
from identity.oauth.schemas import TokenOut
from kasane_shared.db import SessionDep
from kasane_shared.errors import request_lang

router = APIRouter(prefix="/oauth", tags=["oauth"])
FORM = "application/x-www-form-urlencoded"
OAUTH_ERROR = {
    "schema": {
        "type": "object",
        "properties": {"error": {"type": "string"}, "error_description": {"type": "string"}},
        "required": ["error"],
    }
}


async def token_form(request: Request) -> dict[str, str] | None:
    """The urlencoded body, or None when it is not a well-formed form (RFC 6749 §3.2)."""
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != FORM:
        return None
    try:
        pairs = parse_qsl(
            (await request.body()).decode(), keep_blank_values=True, strict_parsing=False
        )
    except UnicodeDecodeError:
        return None
    names = [name for name, _ in pairs]
    if len(names) != len(set(names)):
        # Parameters must not be repeated (RFC 6749 §3.2).
        return None
    return dict(pairs)


def _readable_basic(header: str | None) -> bool:
    # Authlib decodes Basic credentials as UTF-8 without a guard; refuse junk before it.
    scheme, _, value = (header or "").partition(" ")
    if scheme.lower() != "basic":
        return True
    try:
        base64.b64decode(value.strip(), validate=True).decode()
    except (binascii.Error, ValueError):
        return False
    return True


def _invalid_request(lang: str) -> JSONResponse:
    description = (
        "リクエストが正しくありません（application/x-www-form-urlencoded で送ってください）。"
        if lang == "ja"
        else "Send the request as application/x-www-form-urlencoded."
    )
    return JSONResponse(
        {"error": "invalid_request", "error_description": description},
        status_code=400,
        headers={"Cache-Control": "no-store", "Pragma": "no-cache"},
    )


@router.post(
    "/token",
    response_model=TokenOut,
    # RFC 6749 §5.2: the grant's own errors are plain JSON, not problem details.
    responses={
        400: {"description": "RFC 6749 error", "content": {"application/json": OAUTH_ERROR}},
        401: {"description": "invalid_client", "content": {"application/json": OAUTH_ERROR}},
    },
)
def token(
    request: Request,
    form: Annotated[dict[str, str] | None, Depends(token_form)],
    session: SessionDep,
    settings: SettingsDep,
    issuer: IssuerDep,
) -> JSONResponse:
    """Client credentials grant: a service's own access token with the scopes it holds."""
    lang = request_lang(request)
    if form is None or not _readable_basic(request.headers.get("authorization")):
        return _invalid_request(lang)
    server = TokenServer(session, issuer, settings.service_token_audience, lang)
    # TLS ends at the gateway; Authlib's transport check is about the public URL, which is https.
    uri = str(request.url.replace(scheme="https"))
    headers = {k.title(): v for k, v in request.headers.items()}
    status, body, out = server.create_token_response(FormRequest(uri, headers, form))
    return JSONResponse(body, status_code=status, headers=out)
