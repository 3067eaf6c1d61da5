"""Web pages on the suite's test client: the web app calls the services via a client of its own."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from kasane.demo import DemoIdentity
from tests.conftest import SuiteUnderTest
from tests.helpers import PASSWORD, seed_people
from web.core.api import Services, block_cookies


@pytest.fixture
def web(suite: SuiteUnderTest) -> TestClient:
    """The browser's client; the web app reaches the services through a separate client."""
    built = suite.suite
    service_http = block_cookies(TestClient(built.app, raise_server_exceptions=False))
    built.web.state.services = Services(service_http, "/identity", "/agenda", "/minutes")
    return suite.client


@pytest.fixture
def people(suite: SuiteUnderTest) -> DemoIdentity:
    """The demo organizations and members, with the tests' password."""
    return seed_people(suite.dbs["identity"], suite.suite.identity.state.kek)


def csrf_of(html: str) -> str:
    """The CSRF token a page's forms carry."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def sign_in(web: TestClient, login: str, password: str = PASSWORD) -> None:
    """Sign in through the form, as a browser does."""
    page = web.get("/login")
    response = web.post(
        "/login",
        data={"csrf_token": csrf_of(page.text), "login": login, "password": password, "next": "/"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
