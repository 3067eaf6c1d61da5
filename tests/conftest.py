"""Test databases built by the migrations, one transaction per test, rolled back after.

SQLite by default; ``KASANE_TEST_BACKEND=postgres`` with ``KASANE_TEST_DATABASE_URL``
(a server URL such as ``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``) runs the
same tests on PostgreSQL, in databases made for this run and dropped after it.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.engine import Engine

from kasane_shared import sqlite_tx
from kasane_shared.crypto.kek import FileKeyProvider
from kasane_shared.db import Database, make_engine, upgrade_database
from kasane_shared.settings import SERVICES, Settings

BACKEND = os.environ.get("KASANE_TEST_BACKEND", "sqlite")


def _server_url() -> str:
    url = os.environ.get("KASANE_TEST_DATABASE_URL")
    if not url:
        raise pytest.UsageError("KASANE_TEST_BACKEND=postgres needs KASANE_TEST_DATABASE_URL")
    return url


# Tests under tests/e2e start servers on whichever database the pass names, so they belong to
# both passes (each decides for itself, by KASANE_TEST_BACKEND, what it runs where).
_E2E = Path(__file__).parent / "e2e"


def _reaches_a_database(item: pytest.Item) -> bool:
    fixtures = getattr(item, "fixturenames", ())
    return "database_urls" in fixtures or _E2E in Path(item.path).parents


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """In the PostgreSQL pass, run only the tests that reach a database.

    The rest (the redactor, crypto, rendering) do the same work on either pass; running them
    twice only doubled CI's time.
    """
    if BACKEND != "postgres":
        return
    kept: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    for item in items:
        (kept if _reaches_a_database(item) else dropped).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(scope="session")
def database_urls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """One migrated database per service for the whole run."""
    if BACKEND != "postgres":
        folder = tmp_path_factory.mktemp("db")
        urls = {s: f"sqlite:///{folder / (s + '.db')}" for s in SERVICES}
        for service, url in urls.items():
            upgrade_database(f"{service}:migrations", url)
        yield urls
        return
    server = make_url(_server_url())
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    run = uuid.uuid4().hex[:8]
    names = {s: f"kasane_test_{run}_{s}" for s in SERVICES}
    with admin.connect() as conn:
        for name in names.values():
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    urls = {
        s: server.set(database=n).render_as_string(hide_password=False) for s, n in names.items()
    }
    try:
        for service, url in urls.items():
            upgrade_database(f"{service}:migrations", url)
        yield urls
    finally:
        with admin.connect() as conn:
            for name in names.values():
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def engines(database_urls: dict[str, str]) -> Iterator[dict[str, Engine]]:
    """An engine per service database."""
    made = {s: make_engine(url) for s, url in database_urls.items()}
    yield made
    for engine in made.values():
        engine.dispose()


@pytest.fixture
def dbs(engines: dict[str, Engine]) -> Iterator[dict[str, Database]]:
    """Each service's database inside a transaction that is rolled back after the test."""
    opened = {}
    for service, engine in engines.items():
        connection = engine.connect()
        transaction = connection.begin()
        # SQLite: hold the write lock from the start, so no first write inside the test
        # ever ends this outer transaction to take it (see kasane_shared.sqlite_tx).
        if connection.dialect.name == "sqlite":
            sqlite_tx.upgrade(connection)
        opened[service] = (connection, transaction, Database(connection, join_savepoints=True))
    yield {s: db for s, (_, _, db) in opened.items()}
    for connection, transaction, _ in opened.values():
        transaction.rollback()
        connection.close()


@pytest.fixture(scope="session")
def key_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory holding this run's KEK file."""
    return tmp_path_factory.mktemp("keys")


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The data directory of this run (the key file is kept apart from it, as in production)."""
    return tmp_path_factory.mktemp("data")


@pytest.fixture
def settings(data_dir: Path, key_dir: Path, tmp_path: Path) -> Settings:
    """Settings of a production-like deployment (not demo mode)."""
    # Anchors every commit (the deterministic end of "anchor often"), to a file of this test.
    return Settings(
        data_dir=data_dir,
        key_file=key_dir / "kek.json",
        demo=False,
        audit_anchor_file=tmp_path / "audit-anchors.jsonl",
        audit_anchor_seconds=0,
    )


@pytest.fixture(scope="session")
def kek(key_dir: Path) -> FileKeyProvider:
    """The run's KEK provider (a key file, mode 0600)."""
    return FileKeyProvider(key_dir / "kek.json", create=True)


@dataclass
class SuiteUnderTest:
    """The suite app, its parts and a client on it."""

    client: TestClient
    suite: object
    dbs: dict[str, Database]
    settings: Settings


@pytest.fixture
def suite(
    dbs: dict[str, Database], settings: Settings, kek: FileKeyProvider
) -> Iterator[SuiteUnderTest]:
    """The whole suite in one process on the test databases."""
    import agenda.app
    import identity.app
    import minutes.app
    from kasane.suite import create_suite, route_service_calls

    identity_app = identity.app.create_app(settings, db=dbs["identity"], kek=kek)
    jwks = identity_app.state.signing_keys
    agenda_app = agenda.app.create_app(settings, jwks=jwks, db=dbs["agenda"])
    minutes_app = minutes.app.create_app(settings, jwks=jwks, db=dbs["minutes"])
    built = create_suite(
        settings, identity_app=identity_app, agenda_app=agenda_app, minutes_app=minutes_app
    )
    with TestClient(built.app, raise_server_exceptions=False) as client:
        # Services call each other over HTTP; here that HTTP goes through the test client.
        # A separate client keeps the services' calls from sharing the user's cookies.
        with TestClient(built.app, raise_server_exceptions=False) as service_http:
            route_service_calls(built, service_http)
            yield SuiteUnderTest(client, built, dbs, settings)
