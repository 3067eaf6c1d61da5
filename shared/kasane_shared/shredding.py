"""Crypto-shredding of sealed records: the data keys' wraps first, then the ciphertext.

A sealed record's data keys exist only wrapped (for members and for the service's escrow
key); destroying every wrap destroys the keys, and the ciphertext left would open for
nobody, key file included. The ciphertext rows are deleted next, in the same transaction,
and ``compact`` then rewrites the database file so no freed page still holds their bytes.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from kasane_shared.errors import KasaneError


def shred_records(session: Session, wrap_model: Any, records: Sequence[Any]) -> int:
    """Destroy every wrap of ``records`` and then the records; returns the wraps destroyed."""
    destroyed = 0
    by_table: dict[str, list[str]] = {}
    for record in records:
        by_table.setdefault(record.__tablename__, []).append(record.id)
    for table, ids in by_table.items():
        for start in range(0, len(ids), 500):
            result = session.execute(
                delete(wrap_model).where(
                    wrap_model.record_table == table,
                    wrap_model.record_id.in_(ids[start : start + 500]),
                )
            )
            destroyed += result.rowcount or 0  # type: ignore[attr-defined]
    for record in records:
        # Escrow wraps live on the record itself; clear them with the ciphertext.
        if hasattr(record, "escrow_wraps"):
            record.escrow_wraps, record.sealed_fields = {}, {}
    session.flush()
    for record in records:
        session.delete(record)
    session.flush()
    return destroyed


def enable_secure_delete(session: Session) -> None:
    """SQLite: overwrite deleted content with zeros in this connection (no-op elsewhere)."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("PRAGMA secure_delete=ON"))


def _empty_wal(conn: Any) -> None:
    # The WAL still holds the pages as they were before VACUUM; a reader that is mid-query
    # keeps a TRUNCATE checkpoint from finishing, so wait for it a little.
    for _ in range(40):
        busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy is None or busy[0] == 0:
            return
        time.sleep(0.25)
    raise KasaneError(
        503,
        "wal_busy",
        "WALを空にできませんでした。もう一度 `kasane retention apply` を実行してください。",
        "The WAL could not be emptied; run `kasane retention apply` again.",
    )


def compact(engine: Engine, tables: Sequence[str]) -> None:
    """Rewrite the database so freed pages keep no bytes of what was deleted.

    SQLite: VACUUM rebuilds the file and a TRUNCATE checkpoint empties the WAL.
    PostgreSQL: VACUUM FULL rewrites each table into new files (the server's WAL and any
    base backup keep old pages until they age out, as README says).
    """
    # On the driver's own connection: VACUUM runs outside any transaction, and the engine's
    # SQLite hook would open one (BEGIN IMMEDIATE) around anything sent through SQLAlchemy.
    raw = engine.raw_connection()
    try:
        driver: Any = raw.driver_connection
        if engine.dialect.name == "sqlite":
            driver.execute("PRAGMA secure_delete=ON")
            driver.execute("VACUUM")
            _empty_wal(driver)
        else:
            raw.rollback()
            driver.autocommit = True
            try:
                for table in tables:
                    driver.execute(f'VACUUM FULL "{table}"')
            finally:
                driver.autocommit = False
    finally:
        raw.close()
