"""Read-only looks into a backed-up SQLite file: revision, audit chain, what the KEK opens."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from kasane_shared.audit import verify_chain


@contextmanager
def read_only(path: Path) -> Iterator[Session]:
    """A session on a SQLite file opened read-only (no WAL switch, no files created beside it)."""
    engine = create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    try:
        with Session(engine) as session:
            yield session
    finally:
        engine.dispose()


@dataclass(frozen=True)
class DatabaseFacts:
    """What a service database holds, as a backup records and checks it."""

    revision: str | None
    audit_entries: int
    audit_head: str | None
    chain_ok: bool
    broken_at: int | None = None

    def as_manifest(self) -> dict[str, Any]:
        """The manifest's record of these facts."""
        return {
            "alembic_revision": self.revision,
            "audit_entries": self.audit_entries,
            "audit_head": self.audit_head,
        }


def facts(session: Session, service: str) -> DatabaseFacts:
    """Alembic revision and the audit chain's length, head and soundness."""
    model = import_module(f"{service}.base").AuditEntry
    revision = session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    report = verify_chain(session, model)
    head = session.execute(
        text("SELECT entry_hash FROM audit_log ORDER BY seq DESC LIMIT 1")
    ).scalar()
    return DatabaseFacts(revision, report.entries, head, report.ok, report.broken_at)


def sqlite_facts(path: Path, service: str) -> DatabaseFacts:
    """``facts`` of a SQLite file, read-only; its pages are checked first."""
    with read_only(path) as session:
        check = session.execute(text("PRAGMA integrity_check")).scalar()
        if check != "ok":
            return DatabaseFacts(None, 0, None, False)
        return facts(session, service)
