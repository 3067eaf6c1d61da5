"""Moving a case through 潜在 → 支援中 → 終結 / 中断 on a date, with a sealed reason."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from agenda.audit import record
from agenda.cases.models import Case, CaseStatusChange
from agenda.cases.schemas import STATUS_LABELS, StatusChangeOut
from agenda.keys.service import (
    CONTENT,
    KINDS,
    KeyContext,
    ensure_coordinator_access,
    open_records,
    seal,
)
from kasane_shared.db import new_id, utcnow
from kasane_shared.errors import conflict

# Where a case may go from each status (a closed case may be reopened).
TRANSITIONS = {
    "potential": ("active", "closed", "suspended"),
    "active": ("closed", "suspended"),
    "suspended": ("active", "closed"),
    "closed": ("active",),
}
# What a 重層的支援会議's approved plan decision means for the case.
PLAN_DECISIONS = {
    "plan_creation": "active",
    "plan_change": "active",
    "termination": "closed",
    "suspension": "suspended",
}


def move(
    ctx: KeyContext,
    case: Case,
    to_status: str,
    on: date,
    reason: str,
    *,
    source: str = "coordinator",
) -> CaseStatusChange:
    """Move the case if the move is allowed; the reason is sealed for coordinators."""
    if to_status == case.status:
        raise conflict(
            "status_unchanged",
            f"この事例はすでに「{STATUS_LABELS[to_status]}」です。",
            "The case already has this status.",
        )
    if to_status not in TRANSITIONS[case.status]:
        raise conflict(
            "status_transition",
            f"「{STATUS_LABELS[case.status]}」から「{STATUS_LABELS[to_status]}」には移せません。",
            "The case cannot move from its current status to this one.",
        )
    change = CaseStatusChange(
        id=new_id(),
        case_id=case.id,
        from_status=case.status,
        to_status=to_status,
        effective_on=on,
        source=source,
        created_by=ctx.caller.id,
    )
    ctx.session.add(change)
    ctx.session.flush()
    author = [(ctx.caller.id, kind, "author") for kind in KINDS]
    seal(ctx, change, {CONTENT: {"reason": reason}}, {CONTENT: author})
    case.status, case.updated_at = to_status, utcnow()
    record(
        ctx.session,
        "case.status",
        ctx.caller.id,
        "case",
        case.id,
        from_status=change.from_status,
        to_status=to_status,
        source=source,
    )
    return change


def follow_plan(ctx: KeyContext, case: Case, plan_status: str, label: str) -> None:
    """An approved plan decision moves the case as the decision says (if it may move)."""
    target = PLAN_DECISIONS[plan_status]
    if case.status == target or target not in TRANSITIONS[case.status]:
        return
    today = utcnow().date()
    move(ctx, case, target, today, f"重層的支援会議の決定（{label}）", source=plan_status)


def history(ctx: KeyContext, case: Case) -> list[StatusChangeOut]:
    """A case's status moves, oldest first, with the reasons the caller's keys open."""
    changes = list(
        ctx.session.scalars(
            select(CaseStatusChange)
            .where(CaseStatusChange.case_id == case.id)
            .order_by(CaseStatusChange.created_at, CaseStatusChange.id)
        )
    )
    ensure_coordinator_access(ctx, changes)
    opened = open_records(ctx, changes, (CONTENT,), KINDS)
    return [
        StatusChangeOut(
            id=c.id,
            from_status=c.from_status,
            to_status=c.to_status,
            to_label=STATUS_LABELS[c.to_status],
            effective_on=c.effective_on,
            source=c.source,
            created_by=c.created_by,
            created_at=c.created_at,
            reason=(opened.get((c.id, CONTENT)) or {}).get("reason"),
        )
        for c in changes
    ]
