"""Lock-out that strangers cannot turn against users: pauses per browser, account and address."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from alembic import command
from alembic.config import Config
from fastapi.testclient import TestClient
from sqlalchemy import text

from identity.sessions import throttle
from kasane_shared.db import Database, make_engine, utcnow
from tests.helpers import PASSWORD, assert_problem, auth, login, token_for


@pytest.fixture
def browser(suite) -> Iterator:
    """Browsers (each its own cookies) at addresses of the test's choosing."""
    opened: list[TestClient] = []

    def open_browser(address: str = "192.0.2.10") -> TestClient:
        client = TestClient(suite.suite.app, raise_server_exceptions=False, client=(address, 5000))
        opened.append(client.__enter__())
        return client

    yield open_browser
    for client in opened:
        client.__exit__(None, None, None)


def test_a_stranger_cannot_lock_the_owner_out(suite, people, browser):
    owner = browser("192.0.2.10")
    assert login(owner, "demo-member-1").status_code == 200  # the owner's browser is known now
    stranger = browser("198.51.100.7")
    for _ in range(suite.settings.login_max_failures + 2):
        login(stranger, "demo-member-1", "wrong-password")
    # The stranger's browser waits, even with the right password ...
    assert_problem(login(stranger, "demo-member-1", PASSWORD), 429, "locked")
    # ... but the owner signs in from their own browser, and so does a second known one.
    assert login(owner, "demo-member-1").status_code == 200
    # The owner's own typos pause only the owner's browser, never the account as a whole.
    for _ in range(suite.settings.login_max_failures):
        login(owner, "demo-member-1", "wrong-password")
    assert_problem(login(owner, "demo-member-1"), 429, "locked")


def test_one_address_spraying_many_logins_is_throttled(suite, people, browser):
    sprayer = browser("203.0.113.5")
    logins = [f"no-such-login-{n}" for n in range(suite.settings.login_source_max_failures)]
    for name in logins:
        assert_problem(login(sprayer, name, "Password1!"), 401, "invalid_credentials")
    refused = login(sprayer, "demo-member-3")
    assert_problem(refused, 429, "throttled")
    assert int(refused.headers["retry-after"]) > 0
    # Another address is not affected, and the account itself is not paused.
    assert login(browser("192.0.2.44"), "demo-member-3").status_code == 200


def test_admin_sees_and_lifts_a_paused_browser(suite, people, browser):
    owner = browser()
    assert login(owner, "demo-member-2").status_code == 200
    for _ in range(suite.settings.login_max_failures):
        login(owner, "demo-member-2", "wrong-password")
    admin = auth(token_for(suite.client, "demo-admin"))
    locks = suite.client.get("/identity/locks", headers=admin).json()
    assert [lock["member_id"] for lock in locks] == [people.members["demo-member-2"]]
    lifted = suite.client.delete(
        f"/identity/locks/{people.members['demo-member-2']}", headers=admin
    )
    assert lifted.status_code == 204
    assert login(owner, "demo-member-2").status_code == 200


def test_a_pause_from_the_old_lock_carries_over(tmp_path):
    url = f"sqlite:///{tmp_path / 'identity.db'}"
    config = Config()
    config.set_main_option("script_location", "identity:migrations")
    config.set_main_option("sqlalchemy.url", url)
    command.upgrade(config, "0004")
    until = utcnow() + timedelta(minutes=10)
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO organizations (id, name, kind, created_at)"
                " VALUES ('o', 'o', 'other', :t)"
            ),
            {"t": utcnow()},
        )
        connection.execute(
            text(
                "INSERT INTO members (id, login, display_name, organization_id, roles,"
                " password_hash, totp_enabled, active, failed_logins, locked_until, created_at)"
                " VALUES ('m', 'm', 'm', 'o', '[]', 'x', 0, 1, 0, :until, :t)"
            ),
            {"until": until, "t": utcnow()},
        )
    command.upgrade(config, "head")
    with Database(engine).session() as session:
        assert throttle.paused_members(session) == {"m": until}
    engine.dispose()
