"""SQLite: reads never take the write lock; a write waits for it instead of failing."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from kasane_shared import sqlite_tx
from kasane_shared.db import Database, make_engine, write_lock
from kasane_shared.errors import KasaneError


@pytest.fixture
def two_dbs(tmp_path: Path) -> tuple[Database, Database]:
    """Two engines (two processes, in effect) on one SQLite file with a table."""
    url = f"sqlite:///{tmp_path / 'x.db'}"
    first = Database(make_engine(url, busy_timeout_ms=3000))
    second = Database(make_engine(url, busy_timeout_ms=3000))
    with first.session() as session:
        session.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"))
    yield first, second
    first.dispose()
    second.dispose()


def test_a_read_does_not_block_a_writer(two_dbs: tuple[Database, Database]) -> None:
    reader, writer = two_dbs
    with reader.session() as reading:
        assert reading.execute(text("SELECT count(*) FROM t")).scalar() == 0
        assert not sqlite_tx.is_write_mode(reading.connection())
        started = time.perf_counter()
        with writer.session() as writing:
            writing.execute(text("INSERT INTO t (v) VALUES ('a')"))
            assert sqlite_tx.is_write_mode(writing.connection())
        assert time.perf_counter() - started < 1
        # The reader's later statements still work, inside its own transaction.
        reading.execute(text("SELECT count(*) FROM t")).scalar()


def test_a_write_waits_for_the_lock_instead_of_failing(two_dbs: tuple[Database, Database]) -> None:
    first, second = two_dbs
    released = threading.Event()

    def hold_lock() -> None:
        with first.session() as session:
            session.execute(text("INSERT INTO t (v) VALUES ('first')"))
            released.wait(5)

    holder = threading.Thread(target=hold_lock)
    holder.start()
    time.sleep(0.2)
    threading.Timer(0.5, released.set).start()
    with second.session() as session:
        session.execute(text("SELECT 1"))
        session.execute(text("INSERT INTO t (v) VALUES ('second')"))
    holder.join()
    with second.session() as session:
        assert session.execute(text("SELECT count(*) FROM t")).scalar() == 2


def _insert(session: Session) -> None:
    session.execute(text("INSERT INTO t DEFAULT VALUES"))


@pytest.mark.parametrize(
    "take_lock",
    [_insert, write_lock],  # a write statement, or the explicit lock the audit chain takes
    ids=["by-a-write", "by-write-lock"],
)
def test_a_lock_held_past_the_busy_timeout_is_a_retryable_503(
    tmp_path: Path, take_lock: Callable[[Session], None]
) -> None:
    url = f"sqlite:///{tmp_path / 'y.db'}"
    holder, waiter = Database(make_engine(url)), Database(make_engine(url, busy_timeout_ms=200))
    with holder.session() as session:
        session.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY)"))
    with holder.session() as held:
        held.execute(text("INSERT INTO t DEFAULT VALUES"))
        with pytest.raises(KasaneError) as caught, waiter.session() as session:
            session.execute(text("SELECT count(*) FROM t"))
            take_lock(session)
    assert caught.value.status == 503
    assert caught.value.headers and caught.value.headers["Retry-After"] == "1"
    with waiter.session() as session:
        assert session.execute(text("SELECT count(*) FROM t")).scalar() == 1
    holder.dispose()
    waiter.dispose()


def test_write_lock_before_a_dependent_read(two_dbs: tuple[Database, Database]) -> None:
    first, _ = two_dbs
    with first.session() as session:
        session.execute(text("SELECT 1"))
        write_lock(session)
        assert sqlite_tx.is_write_mode(session.connection())
