"""Raw rows of every agenda table, read with SQL (for "nothing changed" and "no plaintext")."""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect, text


def dump(suite: Any, *, include_audit: bool = True) -> dict[str, list[tuple]]:
    """Every row of every agenda table, as stored."""
    db = suite.dbs["agenda"]
    with db.session() as session:
        tables = [
            t for t in inspect(session.connection()).get_table_names() if t != "alembic_version"
        ]
        if not include_audit:
            tables = [t for t in tables if t != "audit_log"]
        return {
            t: [tuple(r) for r in session.execute(text(f'SELECT * FROM "{t}" ORDER BY 1'))]
            for t in sorted(tables)
        }
