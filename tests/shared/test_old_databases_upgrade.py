"""An old, populated SQLite database of each service upgrades to head (issue 13's upgrade bug).

A data directory made by an older release holds rows that reference each other; the batch
rewrites of later migrations (copy, DROP TABLE, rename) must keep every row and every
reference, and must not trip the foreign keys on the way.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from kasane_shared.db import make_engine, upgrade_database
from kasane_shared.settings import SERVICES

ROWS = 2  # per table: enough that every table references rows other tables reference too


def _config(service: str, url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", f"{service}:migrations")
    config.set_main_option("sqlalchemy.url", url)
    return config


def _old_revisions(service: str) -> list[str]:
    """Every revision of the service but head, oldest first."""
    script = ScriptDirectory.from_config(_config(service, "sqlite://"))
    revisions = [r.revision for r in script.walk_revisions()]
    return list(reversed(revisions))[:-1]


def _value(table: sa.Table, column: sa.Column[Any], index: int) -> Any:
    kind = column.type
    if isinstance(kind, sa.Boolean):
        return False
    if isinstance(kind, sa.Integer):
        return index + 1
    if isinstance(kind, sa.DateTime):
        return datetime(2026, 4 + index, 1, 9, 0, tzinfo=UTC).replace(tzinfo=None)
    if isinstance(kind, sa.Date):
        return date(2026, 4 + index, 1)
    if isinstance(kind, sa.JSON):
        return []
    if isinstance(kind, sa.LargeBinary):
        return b"\x00sealed"
    text = f"{table.name}.{column.name}.{index}"
    length = getattr(kind, "length", None)
    return text[-length:] if length else text


def _populate(url: str) -> dict[str, int]:
    """Rows in every table, each foreign key pointing at a row of the table it references."""
    engine = make_engine(url)
    metadata = sa.MetaData()
    metadata.reflect(engine)
    made: dict[str, list[dict[str, Any]]] = {}
    with engine.begin() as conn:
        for table in metadata.sorted_tables:
            if table.name == "alembic_version":
                continue
            rows = []
            for index in range(ROWS):
                row: dict[str, Any] = {}
                for column in table.columns:
                    if column.primary_key and isinstance(column.type, sa.Integer):
                        continue  # rowid
                    foreign = next(iter(column.foreign_keys), None)
                    if foreign is not None:
                        parent = made[foreign.column.table.name][index]
                        row[column.name] = parent[foreign.column.name]
                    else:
                        row[column.name] = _value(table, column, index)
                rows.append(row)
            conn.execute(table.insert(), rows)
            made[table.name] = rows
    engine.dispose()
    return {name: len(rows) for name, rows in made.items()}


def _counts(path: Path, tables: dict[str, int]) -> dict[str, int]:
    with sqlite3.connect(path) as raw:
        return {t: raw.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


CASES = [(service, rev) for service in SERVICES for rev in _old_revisions(service)]


@pytest.mark.parametrize(("service", "revision"), CASES, ids=[f"{s}-{r}" for s, r in CASES])
def test_populated_old_database_upgrades_to_head(
    tmp_path: Path, service: str, revision: str
) -> None:
    """Every row of a database made at an older revision survives the upgrade to head."""
    path = tmp_path / f"{service}.db"
    url = f"sqlite:///{path}"
    command.upgrade(_config(service, url), revision)
    tables = _populate(url)
    assert tables, "nothing was populated"

    upgrade_database(f"{service}:migrations", url)

    with sqlite3.connect(path) as raw:
        head = raw.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        assert raw.execute("PRAGMA foreign_key_check").fetchall() == []
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    script = ScriptDirectory.from_config(_config(service, url))
    assert head == script.get_current_head()
    assert _counts(path, tables) == tables


def test_upgrade_refuses_to_commit_dangling_references(tmp_path: Path) -> None:
    """Foreign keys are off only during the rewrite: a broken reference still stops it."""
    path = tmp_path / "identity.db"
    url = f"sqlite:///{path}"
    command.upgrade(_config("identity", url), "0003")
    _populate(url)
    with sqlite3.connect(path) as raw:  # foreign keys are off on a bare connection
        raw.execute("UPDATE login_sessions SET member_id = 'gone'")

    with pytest.raises(RuntimeError, match="foreign key"):
        upgrade_database("identity:migrations", url)
    with sqlite3.connect(path) as raw:
        assert raw.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0003"
