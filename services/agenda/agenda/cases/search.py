"""Finding cases: filters on plain columns in SQL, the title search after the caller's keys open.

Status, lead organization, case number and monitoring date are plain, so they filter in the
query (and compose with paging over it). Titles are sealed: a search over them runs on what
the caller's own keys open, never on anything else.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import Session

from agenda.cases.models import Case
from agenda.cases.schemas import CaseOut
from agenda.keys.service import CONTENT, KINDS, KeyContext, ensure_coordinator_access, open_each
from agenda.plans.models import SupportPlan


@dataclass(frozen=True)
class CaseFilter:
    """What the coordinator asked for (all optional)."""

    status: tuple[str, ...] = ()
    organization_id: str | None = None
    issue: str | None = None
    monitoring_due_before: date | None = None
    q: str | None = None
    sort: str = "created"


def normalize(text: str) -> str:
    """Width, case and spaces do not matter in a search (「Ｒ８」 finds 「R8」)."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


def latest_monitoring(session: Session, case_ids: list[str]) -> dict[str, date | None]:
    """The monitoring date of each case's newest plan version."""
    if not case_ids:
        return {}
    newest = (
        select(SupportPlan.case_id, func.max(SupportPlan.version).label("version"))
        .where(SupportPlan.case_id.in_(case_ids))
        .group_by(SupportPlan.case_id)
        .subquery()
    )
    rows = session.execute(
        select(SupportPlan.case_id, SupportPlan.monitoring_on).join(
            newest,
            and_(SupportPlan.case_id == newest.c.case_id, SupportPlan.version == newest.c.version),
        )
    )
    return {case_id: monitoring_on for case_id, monitoring_on in rows}


def case_query(wanted: CaseFilter) -> Select[tuple[Case]]:
    """The cases matching the plain filters, newest first (paging may add its own bounds)."""
    query = select(Case)
    if wanted.status:
        query = query.where(Case.status.in_(wanted.status))
    if wanted.organization_id:
        query = query.where(Case.lead_organization_id == wanted.organization_id)
    if wanted.monitoring_due_before:
        newest = (
            select(SupportPlan.case_id, func.max(SupportPlan.version).label("version"))
            .group_by(SupportPlan.case_id)
            .subquery()
        )
        due = (
            select(SupportPlan.case_id)
            .join(
                newest,
                and_(
                    SupportPlan.case_id == newest.c.case_id,
                    SupportPlan.version == newest.c.version,
                ),
            )
            .where(SupportPlan.monitoring_on <= wanted.monitoring_due_before)
        )
        query = query.where(Case.id.in_(due))
    return query.order_by(Case.created_at.desc(), Case.id)


def _matches(out: CaseOut, q: str) -> bool:
    needle = normalize(q)
    return any(needle in normalize(text or "") for text in (out.number, out.title))


def _sort_key(sort: str) -> Callable[[CaseOut], Any] | None:
    far = date.max
    return {
        "updated": lambda c: -c.updated_at.timestamp(),
        "number": lambda c: (c.number or "~"),
        "monitoring": lambda c: (c.monitoring_on or far, c.number or ""),
        "title": lambda c: (c.title is None, normalize(c.title or "")),
    }.get(sort)


def find_cases(
    ctx: KeyContext, wanted: CaseFilter, case_out: Callable[..., CaseOut]
) -> list[CaseOut]:
    """The coordinator's case list: filtered, searched over opened titles and numbers, sorted."""
    cases = list(ctx.session.scalars(case_query(wanted)))
    if wanted.issue:
        cases = [c for c in cases if wanted.issue in (c.issue_codes or [])]
    ensure_coordinator_access(ctx, cases)
    opened, failed = open_each(ctx, cases, (CONTENT,), KINDS)
    monitoring = latest_monitoring(ctx.session, [c.id for c in cases])
    outs = [
        case_out(ctx, c, opened.get((c.id, CONTENT)), None, unreadable=c.id in failed)
        for c in cases
    ]
    for out in outs:
        out.monitoring_on = monitoring.get(out.id)
    if wanted.q:
        outs = [o for o in outs if _matches(o, wanted.q)]
    key = _sort_key(wanted.sort)
    return sorted(outs, key=key) if key else outs
