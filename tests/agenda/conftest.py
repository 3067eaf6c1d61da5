"""Agenda tests start from the demo organizations and people, signed in."""

from __future__ import annotations

from typing import Any

import pytest

from kasane.demo import DemoIdentity
from tests.conftest import SuiteUnderTest
from tests.helpers import auth, distribute, seed_people, token_for


@pytest.fixture
def people(suite: SuiteUnderTest) -> DemoIdentity:
    """Demo organizations and members, with a non-demo password."""
    return seed_people(suite.dbs["identity"], suite.suite.identity.state.kek)


class Tokens(dict[str, str]):
    """Access tokens per demo login, signed in on first use (sign-in hashes are slow)."""

    def __init__(self, suite: SuiteUnderTest) -> None:
        super().__init__()
        self.suite = suite

    def __missing__(self, login: str) -> str:
        self[login] = token_for(self.suite.client, login)
        return self[login]


@pytest.fixture
def tokens(suite: SuiteUnderTest, people: DemoIdentity) -> Tokens:
    """An access token per demo login (lazily)."""
    return Tokens(suite)


class Api:
    """Small calls on the agenda API as one person."""

    def __init__(self, suite: SuiteUnderTest, token: str) -> None:
        self.client, self.headers = suite.client, auth(token)

    def post(self, path: str, body: Any = None, **kwargs: Any):
        return self.client.post(f"/agenda{path}", json=body, headers=self.headers, **kwargs)

    def get(self, path: str, **kwargs: Any):
        return self.client.get(f"/agenda{path}", headers=self.headers, **kwargs)

    def put(self, path: str, body: Any, **kwargs: Any):
        return self.client.put(f"/agenda{path}", json=body, headers=self.headers, **kwargs)

    def patch(self, path: str, body: Any, **kwargs: Any):
        return self.client.patch(f"/agenda{path}", json=body, headers=self.headers, **kwargs)

    def delete(self, path: str, **kwargs: Any):
        return self.client.delete(f"/agenda{path}", headers=self.headers, **kwargs)

    def distribute(self, meeting_id: str) -> dict[str, Any]:
        """Check the agenda (keeping every open suspect) and distribute it."""
        return distribute(self.client, self.headers, meeting_id)

    def ok(self, response: Any, status: int = 200) -> Any:
        assert response.status_code == status, response.text
        return response.json() if response.content else None


@pytest.fixture
def coordinator(suite: SuiteUnderTest, tokens: dict[str, str]) -> Api:
    """The demo coordinator on the agenda API."""
    return Api(suite, tokens["demo-coordinator"])


@pytest.fixture
def api(suite: SuiteUnderTest, tokens: dict[str, str]):
    """Api for any login: ``api("demo-member-1")``."""
    return lambda login: Api(suite, tokens[login])
