"""``kasane retention plan|apply``: closed cases past the city's period, destroyed everywhere.

Agenda knows which cases are closed and since when; for each case due, agenda destroys the
case and its records and minutes destroys what was said about it. Then every database file
is rewritten (SQLite VACUUM, PostgreSQL VACUUM FULL) so no freed page keeps their bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from kasane.operations.keyed import keyed_database
from kasane_shared.db import Database
from kasane_shared.key_provider import make_key_provider
from kasane_shared.settings import Settings
from kasane_shared.shredding import compact


@dataclass
class Applied:
    """What one run destroyed."""

    cases: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def plan(settings: Settings, as_of: date) -> list:
    """The closed cases whose period ended on ``as_of`` (nothing is changed)."""
    from agenda.retention.service import due_cases

    db = Database.from_url(settings.database_url("agenda"))
    try:
        with db.session() as session:
            return due_cases(
                session, as_of, settings.retention_case_years, settings.retention_count_from
            )
    finally:
        db.dispose()


def apply(settings: Settings, as_of: date) -> Applied:
    """Destroy every case due on ``as_of``; minutes first, so a failure leaves the case to retry."""
    from agenda.retention import service as agenda_retention
    from minutes.retention import service as minutes_retention

    years = settings.retention_case_years
    kek = make_key_provider(settings)
    agenda_db = keyed_database(settings, "agenda", kek)
    minutes_db = keyed_database(settings, "minutes", kek)
    applied = Applied()
    try:
        for due in plan(settings, as_of):
            with minutes_db.session() as session:
                found = minutes_retention.shred_case_items(
                    session, due.case_id, agenda_retention.RULE, years
                )
            with agenda_db.session() as session:
                found |= agenda_retention.shred_case(session, due, years)
            applied.cases.append(due.case_id)
            for kind, count in found.items():
                applied.counts[kind] = applied.counts.get(kind, 0) + count
        if applied.cases:
            compact(minutes_db.bind, minutes_retention.TABLES)  # type: ignore[arg-type]
            compact(agenda_db.bind, agenda_retention.TABLES)  # type: ignore[arg-type]
    finally:
        agenda_db.dispose()
        minutes_db.dispose()
        close = getattr(kek, "close", None)
        if close is not None:
            close()  # a PKCS#11 session ends here, not at interpreter exit
    return applied
