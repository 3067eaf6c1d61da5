"""The body limit answers 413 for any body over it, with or without Content-Length."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel

from kasane_shared.app import create_service_app
from kasane_shared.settings import Settings
from tests.helpers import assert_problem

LIMIT = 4096


class Note(BaseModel):
    text: str


@pytest.fixture
def client() -> Iterator[TestClient]:
    settings = Settings(max_body_bytes=LIMIT)
    app = create_service_app("test", title="t", description="t", settings=settings)

    @app.post("/notes")
    def post_note(note: Note) -> dict[str, int]:
        return {"length": len(note.text)}

    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def _chunks(total: int, size: int = 1024) -> Iterator[bytes]:
    yield b'{"text": "'
    for _ in range(total // size):
        yield b"a" * size
    yield b'"}'


def test_chunked_body_over_the_limit_is_413(client):
    response = client.post(
        "/notes", content=_chunks(10 * LIMIT), headers={"Content-Type": "application/json"}
    )
    assert "content-length" not in {k.lower() for k in response.request.headers}
    assert_problem(response, 413, "too_large")


def test_declared_length_over_the_limit_is_413(client):
    body = b'{"text": "' + b"a" * LIMIT + b'"}'
    assert_problem(
        client.post("/notes", content=body, headers={"Content-Type": "application/json"}),
        413,
        "too_large",
    )


def test_chunked_body_under_the_limit_is_served(client):
    response = client.post(
        "/notes", content=_chunks(2048), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"length": 2048}
