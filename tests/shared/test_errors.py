"""Language choice and the problem format."""

from __future__ import annotations

import pytest

from kasane_shared.errors import KasaneError, problem_body, validation_error
from kasane_shared.i18n import negotiate


@pytest.mark.parametrize(
    "header,query,lang",
    [
        (None, None, "ja"),
        ("ja", None, "ja"),
        ("en", None, "en"),
        ("en-US,en;q=0.9", None, "en"),
        ("ja,en;q=0.5", None, "ja"),
        ("en;q=0.3,ja;q=0.8", None, "ja"),
        ("fr", None, "ja"),
        ("en;q=abc", None, "ja"),
        ("ja", "en", "en"),
        ("en", "xx", "en"),
    ],
)
def test_negotiate(header, query, lang):
    assert negotiate(header, query) == lang


def test_problem_body_shape():
    error = KasaneError(409, "state", "日本語の説明", "English text")
    ja, en = problem_body(error, "ja"), problem_body(error, "en")
    assert (
        ja["type"] == "urn:kasane:problem:state"
        and ja["detail"] == "日本語の説明"
        and ja["status"] == 409
    )
    assert en["detail"] == "English text"


def test_malformed_json_is_400_and_field_errors_422():
    assert validation_error([{"type": "json_invalid", "loc": ("body", 3)}]).status == 400
    error = validation_error(
        [{"type": "string_too_long", "loc": ("body", "title"), "ctx": {"max_length": 5}}]
    )
    assert (
        error.status == 422
        and error.errors[0].field == "title"
        and error.errors[0].ja == "5文字以内で入力してください。"
    )
