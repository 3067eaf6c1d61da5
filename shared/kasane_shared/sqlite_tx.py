"""SQLite transactions that take the write lock only when they write.

Every transaction begins deferred, as a WAL reader: it never blocks a writer nor waits
for one. At its first write (INSERT, UPDATE, DELETE, DDL) the connection ends that read
snapshot and begins ``IMMEDIATE``, waiting up to the busy timeout for the lock, so the
write lock is held only from the first write to the commit. Reads before the first write
therefore see data as of their own statement, which is PostgreSQL's READ COMMITTED: code
that must read and write atomically (the audit chain head) calls ``write_lock`` first.

Inside a savepoint (tests bind sessions to a connection inside an outer transaction) the
switch is skipped and SQLite upgrades the transaction in place.
"""

from __future__ import annotations

import sqlite3
from functools import partial
from typing import Any

from sqlalchemy import Connection, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

_MODE = "kasane_sqlite_mode"
_SAVEPOINTS = "kasane_sqlite_savepoints"
_READ, _WRITE = "read", "write"
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER")


def _pragmas(busy_timeout_ms: int, dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
    cursor.close()
    # Let SQLAlchemy's begin event emit BEGIN itself (see _begin).
    dbapi_connection.isolation_level = None


def _begin(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN")
    conn.info[_MODE] = _READ
    conn.info[_SAVEPOINTS] = 0


def _end(conn: Connection) -> None:
    conn.info.pop(_MODE, None)
    conn.info[_SAVEPOINTS] = 0


def _savepoint(delta: int, conn: Connection, *_args: Any) -> None:
    conn.info[_SAVEPOINTS] = max(0, conn.info.get(_SAVEPOINTS, 0) + delta)


def _is_write(statement: str) -> bool:
    return statement.lstrip()[:8].upper().startswith(_WRITES)


def _before_execute(conn: Connection, cursor: Any, statement: str, *_args: Any) -> None:
    if conn.info.get(_MODE) == _READ and _is_write(statement):
        upgrade(conn)


def upgrade(conn: Connection) -> None:
    """Turn the connection's read transaction into a write transaction (waits for the lock)."""
    if conn.info.get(_MODE) != _READ or conn.info.get(_SAVEPOINTS, 0) > 0:
        return
    raw = conn.connection.driver_connection
    assert raw is not None
    raw.execute("COMMIT")  # ends the read snapshot only: nothing was written yet
    conn.info[_MODE] = None  # if BEGIN IMMEDIATE times out, no transaction is open
    try:
        raw.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as error:
        # Raised by the driver outside SQLAlchemy: wrap it as SQLAlchemy would, so that a
        # lock wait that ran out is seen as contention (retried, then 503), never a 500.
        raise OperationalError("BEGIN IMMEDIATE", None, error) from error
    conn.info[_MODE] = _WRITE


def install(engine: Engine, busy_timeout_ms: int) -> None:
    """Give a SQLite engine WAL, foreign keys, a busy timeout and lock-on-first-write."""
    event.listen(engine, "connect", partial(_pragmas, busy_timeout_ms))
    event.listen(engine, "begin", _begin)
    event.listen(engine, "commit", _end)
    event.listen(engine, "rollback", _end)
    event.listen(engine, "before_cursor_execute", _before_execute)
    event.listen(engine, "savepoint", partial(_savepoint, 1))
    event.listen(engine, "release_savepoint", partial(_savepoint, -1))
    event.listen(engine, "rollback_savepoint", partial(_savepoint, -1))


def is_write_mode(conn: Connection) -> bool:
    """Whether the connection's transaction already holds the write lock (tests)."""
    return conn.info.get(_MODE) == _WRITE
