"""Case numbers: one run per fiscal year (年度, from April) of the city, e.g. 「R8-0012」."""

from __future__ import annotations

from datetime import date

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from agenda.cases.models import CaseCounter

REIWA_OFFSET = 2018  # 令和1年 = 2019


def fiscal_year(day: date) -> int:
    """The fiscal year a day belongs to: April to March, named by the year it starts in."""
    return day.year if day.month >= 4 else day.year - 1


def format_number(year: int, serial: int) -> str:
    """「R8-0012」: the Reiwa year of the fiscal year and a serial of at least four digits."""
    return f"R{year - REIWA_OFFSET}-{serial:04d}"


def next_number(session: Session, today: date) -> str:
    """Take the next number of today's fiscal year (one counter row, updated atomically)."""
    year = fiscal_year(today)
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    session.execute(
        insert(CaseCounter)
        .values(fiscal_year=year, last=0)
        .on_conflict_do_nothing(index_elements=["fiscal_year"])
    )
    # UPDATE … RETURNING takes the row lock, so two requests never get the same serial.
    serial = session.execute(
        update(CaseCounter)
        .where(CaseCounter.fiscal_year == year)
        .values(last=CaseCounter.last + 1)
        .returning(CaseCounter.last),
        execution_options={"synchronize_session": False},
    ).scalar_one()
    return format_number(year, serial)
