"""Every operation's error answers in the OpenAPI document, as ``application/problem+json``.

FastAPI documents only the success answer and a JSON 422; Kasane answers every error as
problem details. Each operation gets the errors the shared frame can give it (from what the
route takes and whether it needs a token) plus those its router declares with ``problems()``.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.security import HTTPBearer

from kasane_shared.errors import PROBLEM_JSON, Problem

PROBLEM_REF = "#/components/schemas/Problem"
# Documents the bearer token on every operation that needs one (the dependencies read the
# header themselves; this one only tells FastAPI, and never refuses on its own).
BEARER_SCHEME = HTTPBearer(
    scheme_name="bearer", description="アクセストークン (access token)", auto_error=False
)

DESCRIPTIONS: dict[int, str] = {
    400: "リクエストが読めません (the request cannot be read: malformed JSON, a bad cursor)",
    401: "ログインが必要か、トークンが無効です (no token, or it is invalid or its session ended)",
    403: "権限がありません (the caller may not do this)",
    404: "見つかりません (no such record, or the caller cannot see it)",
    409: "状態が許しません (the record's state does not allow it, or it failed to open)",
    410: "すでに消去されています (erased under the retention rules)",
    413: "送信データが大きすぎます (the body is over the size limit)",
    422: "入力内容に誤りがあります (the input is not valid; errors name each field)",
    429: "試行が多すぎます (too many attempts; wait as Retry-After says)",
    503: "混み合っているか、他のサービスに接続できません (busy, or a service it needs is down)",
}


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """Route-specific error statuses for ``responses=``; documented as problem details."""
    return {status: {"description": DESCRIPTIONS[status]} for status in statuses}


def generic_statuses(operation: dict[str, Any]) -> set[int]:
    """The errors the shared frame can answer on this operation."""
    # Any request may carry a body over the limit; any may meet a full admission line or
    # a database (or a service it needs) that does not answer.
    statuses = {413, 503}
    if "requestBody" in operation:
        statuses |= {400, 422}  # unreadable JSON; a body that does not validate
    if operation.get("parameters"):
        statuses.add(422)
    if any(p.get("name") == "cursor" for p in operation.get("parameters", [])):
        statuses.add(400)  # a page cursor this list did not hand out (kasane_shared.paging)
    if any(p.get("in") == "path" for p in operation.get("parameters", [])):
        statuses.add(404)
    if operation.get("security"):
        # A token whose trust row or session record fails its check is refused with 409.
        statuses |= {401, 403, 409}
    return statuses


def _is_fastapi_default(response: dict[str, Any]) -> bool:
    """No content of its own, or FastAPI's JSON 422 (which Kasane never answers)."""
    content = response.get("content")
    return not content or "HTTPValidationError" in str(content)


def _problem(status: int, description: str | None = None) -> dict[str, Any]:
    return {
        "description": description or DESCRIPTIONS.get(status, "エラー (error)"),
        "content": {PROBLEM_JSON: {"schema": {"$ref": PROBLEM_REF}}},
    }


def document_problems(schema: dict[str, Any]) -> dict[str, Any]:
    """Add problem responses to a generated OpenAPI document (in place; returns it)."""
    schemas = schema.setdefault("components", {}).setdefault("schemas", {})
    model = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(model.pop("$defs", {}))
    schemas["Problem"] = model
    for item in schema.get("paths", {}).values():
        for operation in item.values():
            responses = operation.setdefault("responses", {})
            statuses = generic_statuses(operation) | {int(s) for s in responses if s.isdigit()}
            for status in sorted(s for s in statuses if s >= 400):
                declared = responses.get(str(status), {})
                if declared and not _is_fastapi_default(declared):
                    continue  # the route answers this one in its own format (e.g. RFC 6749)
                description = declared.get("description")
                if description in (None, "Validation Error"):
                    description = None
                responses[str(status)] = _problem(status, description)
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    return schema


def install_problem_docs(app: FastAPI) -> None:
    """Make ``app.openapi()`` document every operation's problem responses."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document_problems(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
