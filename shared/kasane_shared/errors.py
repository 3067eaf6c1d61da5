"""One error type for every service, answered as RFC 9457 problem details.

Messages are Japanese first; a reader whose ``Accept-Language`` prefers English gets English.
Nothing from the request body is echoed back, so no confidential text can leak into errors.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from kasane_shared.i18n import Lang, negotiate

log = logging.getLogger("kasane.errors")
PROBLEM_JSON = "application/problem+json"


@dataclass
class FieldError:
    """A message about one input field."""

    field: str
    ja: str
    en: str


@dataclass
class KasaneError(Exception):
    """A refusal the user can understand; becomes a problem-details response.

    ``keep_changes`` lets an audited refusal (a failed login, a refused unwrap) persist its
    audit entry and counters while the request itself still fails.
    """

    status: int
    code: str
    ja: str
    en: str
    errors: list[FieldError] = field(default_factory=list)
    keep_changes: bool = False
    headers: dict[str, str] | None = None

    def __str__(self) -> str:
        return f"{self.status} {self.code}: {self.en}"


class ProblemFieldError(BaseModel):
    """One input field's message inside a 422 problem."""

    field: str = Field(description="項目名 (field, dotted path)")
    message: str = Field(description="その項目の説明 (what is wrong, in the reader's language)")


class Problem(BaseModel):
    """RFC 9457 problem details, as every Kasane error is answered (application/problem+json)."""

    type: str = Field(description="urn:kasane:problem:{code}")
    title: str = Field(description="短い説明 (short text, Japanese first)")
    status: int = Field(description="HTTP ステータス (the HTTP status)")
    detail: str = Field(description="説明 (the explanation, in the reader's language)")
    code: str = Field(description="機械向けのコード (machine-readable code)")
    lang: str = Field(description="ja または en (the language of title and detail)")
    errors: list[ProblemFieldError] | None = Field(
        default=None, description="項目ごとの誤り (per-field errors, 422 only)"
    )


def not_found(what_ja: str, what_en: str) -> KasaneError:
    """A 404 for a record the caller cannot see (or that does not exist: we never say which)."""
    return KasaneError(404, "not_found", f"{what_ja}が見つかりません。", f"{what_en} not found.")


def forbidden(
    ja: str = "この操作の権限がありません。", en: str = "You are not allowed to do this."
) -> KasaneError:
    """A 403 refusal."""
    return KasaneError(403, "forbidden", ja, en)


def conflict(code: str, ja: str, en: str) -> KasaneError:
    """A 409: the request is valid but the state does not allow it."""
    return KasaneError(409, code, ja, en)


def unauthenticated(
    ja: str = "ログインが必要です。", en: str = "Authentication required."
) -> KasaneError:
    """A 401 with the Bearer challenge."""
    return KasaneError(401, "unauthenticated", ja, en, headers={"WWW-Authenticate": "Bearer"})


def problem_body(error: KasaneError, lang: Lang) -> dict[str, Any]:
    """The RFC 9457 body for an error in the reader's language."""
    body: dict[str, Any] = {
        "type": f"urn:kasane:problem:{error.code}",
        "title": error.ja if lang == "ja" else error.en,
        "status": error.status,
        "detail": error.ja if lang == "ja" else error.en,
        "code": error.code,
        "lang": lang,
    }
    if error.errors:
        body["errors"] = [
            {"field": e.field, "message": e.ja if lang == "ja" else e.en} for e in error.errors
        ]
    return body


def request_lang(request: Request) -> Lang:
    """The language the reader prefers for messages."""
    return negotiate(request.headers.get("accept-language"), request.query_params.get("lang"))


def problem_response(request: Request, error: KasaneError) -> JSONResponse:
    """Render an error as ``application/problem+json``."""
    return JSONResponse(
        problem_body(error, request_lang(request)),
        status_code=error.status,
        media_type=PROBLEM_JSON,
        headers=error.headers,
    )


# Pydantic error types → (Japanese, English) templates; ``{ctx}`` keys come from the error.
_VALIDATION_MESSAGES: dict[str, tuple[str, str]] = {
    "missing": ("この項目を入力してください（必須です）。", "This field is required."),
    "extra_forbidden": ("この項目は受け付けていません。", "This field is not allowed."),
    "string_too_long": (
        "{max_length}文字以内で入力してください。",
        "At most {max_length} characters.",
    ),
    "string_too_short": (
        "{min_length}文字以上で入力してください。",
        "At least {min_length} characters.",
    ),
    "too_long": ("{max_length}件以内にしてください。", "At most {max_length} entries."),
    "too_short": ("{min_length}つ以上選んでください。", "Choose at least {min_length}."),
    "string_type": ("文字列で入力してください。", "Must be a string."),
    "int_type": ("整数で入力してください。", "Must be an integer."),
    "int_parsing": ("整数で入力してください。", "Must be an integer."),
    "bool_type": ("真偽値（true/false）で入力してください。", "Must be true or false."),
    "bool_parsing": ("真偽値（true/false）で入力してください。", "Must be true or false."),
    "list_type": ("配列で入力してください。", "Must be a list."),
    "dict_type": ("オブジェクトで入力してください。", "Must be an object."),
    "model_attributes_type": ("オブジェクトで入力してください。", "Must be an object."),
    "model_type": ("オブジェクトで入力してください。", "Must be an object."),
    "literal_error": ("使える値は {expected} です。", "Must be one of {expected}."),
    "enum": ("使える値は {expected} です。", "Must be one of {expected}."),
    "date_from_datetime_parsing": (
        "日付（YYYY-MM-DD）で入力してください。",
        "Must be a date (YYYY-MM-DD).",
    ),
    "date_parsing": ("日付（YYYY-MM-DD）で入力してください。", "Must be a date (YYYY-MM-DD)."),
    "date_type": ("日付（YYYY-MM-DD）で入力してください。", "Must be a date (YYYY-MM-DD)."),
    "datetime_parsing": (
        "日時（ISO 8601、時差付き）で入力してください。",
        "Must be an ISO 8601 date-time.",
    ),
    "datetime_from_date_parsing": (
        "日時（ISO 8601、時差付き）で入力してください。",
        "Must be an ISO 8601 date-time.",
    ),
    "datetime_type": (
        "日時（ISO 8601、時差付き）で入力してください。",
        "Must be an ISO 8601 date-time.",
    ),
    "timezone_aware": (
        "時差（+09:00 など）を付けてください。",
        "Include a UTC offset (e.g. +09:00).",
    ),
    "greater_than_equal": ("{ge}以上にしてください。", "Must be at least {ge}."),
    "less_than_equal": ("{le}以下にしてください。", "Must be at most {le}."),
    "greater_than": ("{gt}より大きくしてください。", "Must be greater than {gt}."),
    "string_pattern_mismatch": ("形式が正しくありません。", "The format is not valid."),
    "uuid_parsing": ("IDの形式が正しくありません。", "Not a valid id."),
    "value_error": ("{error}", "{error}"),
}
_FALLBACK = ("値が正しくありません。", "The value is not valid.")


def _field_name(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "cookie")]
    return ".".join(parts) or "body"


def _field_error(err: dict[str, Any]) -> FieldError:
    ja_t, en_t = _VALIDATION_MESSAGES.get(err.get("type", ""), _FALLBACK)
    ctx = {k: v for k, v in (err.get("ctx") or {}).items()}
    if err.get("type") == "value_error":
        # Our own validators raise ValueError("日本語 / English"); split the pair.
        message = str(ctx.get("error", ""))
        ja, _, en = message.partition(" / ")
        return FieldError(
            _field_name(tuple(err.get("loc", ()))), ja or _FALLBACK[0], en or ja or _FALLBACK[1]
        )
    try:
        ja, en = ja_t.format(**ctx), en_t.format(**ctx)
    except (KeyError, IndexError):
        ja, en = _FALLBACK
    return FieldError(_field_name(tuple(err.get("loc", ()))), ja, en)


def validation_error(errors: list[dict[str, Any]]) -> KasaneError:
    """Map FastAPI/pydantic validation errors to one problem (400 for unreadable JSON, else 422)."""
    if any(e.get("type") == "json_invalid" for e in errors):
        return KasaneError(
            400, "malformed_json", "JSONとして読めません。", "The body is not valid JSON."
        )
    return KasaneError(
        422,
        "invalid_input",
        "入力内容に誤りがあります。",
        "The input is not valid.",
        errors=[_field_error(e) for e in errors],
    )


def unstorable_value() -> KasaneError:
    """A value the database cannot store (a NUL or other control character, out of range)."""
    return KasaneError(
        422,
        "invalid_characters",
        "入力に使えない文字（制御文字など）または範囲外の値が含まれています。",
        "The input holds a character that cannot be stored (a control character) or a value "
        "out of range.",
    )


_HTTP_MESSAGES: dict[int, tuple[str, str, str]] = {
    400: ("bad_request", "リクエストが正しくありません。", "Bad request."),
    401: ("unauthenticated", "ログインが必要です。", "Authentication required."),
    403: ("forbidden", "この操作の権限がありません。", "You are not allowed to do this."),
    404: ("not_found", "ページまたはデータが見つかりません。", "Not found."),
    405: ("method_not_allowed", "この方法では操作できません。", "Method not allowed."),
    406: ("not_acceptable", "この形式では応答できません。", "Not acceptable."),
    413: ("too_large", "送信データが大きすぎます。", "The request body is too large."),
    415: (
        "unsupported_media_type",
        "この形式のデータは受け付けていません。",
        "Unsupported media type.",
    ),
}


async def http_problem(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    """A framework HTTP error (no route, wrong method…) as problem details."""
    code, ja, en = _HTTP_MESSAGES.get(
        exc.status_code, ("error", "エラーが発生しました。", "Error.")
    )
    headers = dict(exc.headers or {})
    return problem_response(
        request, KasaneError(exc.status_code, code, ja, en, headers=headers or None)
    )


def install_error_handlers(app: FastAPI) -> None:
    """Map every error a request can raise to problem details; never a traceback."""

    @app.exception_handler(KasaneError)
    async def _kasane(request: Request, exc: KasaneError) -> JSONResponse:
        return problem_response(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        return problem_response(request, validation_error(list(exc.errors())))

    app.add_exception_handler(StarletteHTTPException, http_problem)  # type: ignore[arg-type]

    @app.exception_handler(DataError)
    async def _data(request: Request, exc: DataError) -> JSONResponse:
        # The database refused a value the schema let through (a NUL character, which
        # PostgreSQL text cannot hold; a number out of its range): bad input, and the
        # session dependency has rolled the request back already.
        return problem_response(request, unstorable_value())

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # Log the type only: exception text may quote case content.
        # Route template, not the raw path: a path or query string may carry a name.
        route = getattr(request.scope.get("route"), "path", "?")
        log.error("unexpected %s on %s %s", type(exc).__name__, request.method, route)
        error = KasaneError(500, "internal", "内部エラーが発生しました。", "Internal error.")
        return problem_response(request, error)
