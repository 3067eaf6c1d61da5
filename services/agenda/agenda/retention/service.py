"""Which closed cases are past their retention period, and destroying them.

A case goes with everything that is about it: its consents, status changes, support plans
and its items on every agenda. Each sealed record loses every wrap of its data keys (the
keys themselves), then its ciphertext; a tombstone keeps the ids, the rule and the dates so
the case answers 410 with the reason, and the audit entry names ids and counts only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from agenda.audit import record
from agenda.cases.models import Case, CaseStatusChange, Consent
from agenda.keys.models import Wrap
from agenda.meetings.models import AgendaItem
from agenda.plans.models import SupportPlan
from agenda.retention.models import ShreddedRecord
from kasane_shared.errors import KasaneError
from kasane_shared.shredding import enable_secure_delete, shred_records

JST = timezone(timedelta(hours=9))
RULE = "case_closed"
TABLES = ("cases", "consents", "case_status_changes", "plans", "agenda_items", "wraps")


@dataclass(frozen=True)
class DueCase:
    """A closed case and the day its retention period ended."""

    case_id: str
    number: str | None
    closed_on: date
    due_on: date


def add_years(day: date, years: int) -> date:
    """The same calendar day ``years`` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def period_start(closed_on: date, count_from: str) -> date:
    """When the period starts: the closing day, or 1 April after it (翌年度起算)."""
    if count_from == "next_fiscal_year":
        fiscal = closed_on.year if closed_on.month >= 4 else closed_on.year - 1
        return date(fiscal + 1, 4, 1)
    return closed_on


def closed_on(session: Session, case: Case) -> date:
    """The day the case was closed: its last move to 終結, else the day it was recorded."""
    moved = session.scalar(
        select(func.max(CaseStatusChange.effective_on)).where(
            CaseStatusChange.case_id == case.id, CaseStatusChange.to_status == "closed"
        )
    )
    return moved or case.created_at.astimezone(JST).date()


def due_cases(session: Session, as_of: date, years: int, count_from: str) -> list[DueCase]:
    """Closed cases whose period has ended on ``as_of``, oldest first."""
    due = []
    for case in session.scalars(select(Case).where(Case.status == "closed").order_by(Case.id)):
        closed = closed_on(session, case)
        ends = add_years(period_start(closed, count_from), years)
        if ends <= as_of:
            due.append(DueCase(case.id, case.number, closed, ends))
    return sorted(due, key=lambda d: (d.due_on, d.case_id))


def shred_case(session: Session, due: DueCase, years: int) -> dict[str, int]:
    """Destroy one case and everything about it in agenda; returns counts by kind."""
    enable_secure_delete(session)
    case = session.get(Case, due.case_id)
    if case is None or case.status != "closed":
        return {}
    items = list(session.scalars(select(AgendaItem).where(AgendaItem.case_id == case.id)))
    plans = list(session.scalars(select(SupportPlan).where(SupportPlan.case_id == case.id)))
    changes = list(
        session.scalars(select(CaseStatusChange).where(CaseStatusChange.case_id == case.id))
    )
    counts = {"agenda_items": len(items), "plans": len(plans), "status_changes": len(changes)}
    for kind, rows in (("agenda_item", items), ("case", [case])):
        for row in rows:
            session.add(
                ShreddedRecord(
                    record_type=kind,
                    record_id=row.id,
                    case_id=case.id,
                    rule=RULE,
                    period_years=years,
                    closed_on=due.closed_on,
                )
            )
    # Consents carry a sealed form reference: their wraps go with them.
    consents = list(session.scalars(select(Consent).where(Consent.case_id == case.id)))
    counts["wraps"] = shred_records(session, Wrap, [*items, *plans, *changes, *consents])
    counts["consents"] = len(consents)
    counts["wraps"] += shred_records(session, Wrap, [case])
    record(
        session,
        "retention.shred",
        None,
        "case",
        due.case_id,
        rule=RULE,
        period_years=years,
        closed_on=due.closed_on.isoformat(),
        **counts,
    )
    return counts


def shredded(session: Session, record_type: str, record_id: str) -> KasaneError | None:
    """The 410 a destroyed record answers with, or None if it was never destroyed."""
    stone = session.get(ShreddedRecord, (record_type, record_id))
    if stone is None:
        return None
    return KasaneError(
        410,
        "retention_shredded",
        f"保存期間（終結後{stone.period_years}年）を過ぎたため、"
        f"{stone.shredded_at.astimezone(JST).date().isoformat()}に廃棄されました。",
        f"Destroyed on {stone.shredded_at.astimezone(JST).date().isoformat()}: its retention "
        f"period ({stone.period_years} years after closing) had ended.",
    )
