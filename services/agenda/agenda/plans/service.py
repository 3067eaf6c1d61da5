"""Support plan rules: each change is a new version; content sealed for coordinators."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select

from agenda.audit import record
from agenda.cases import status
from agenda.cases.models import Case
from agenda.cases.service import check_organizations
from agenda.errors import content_locked
from agenda.keys.service import (
    CONTENT,
    KINDS,
    KeyContext,
    ensure_coordinator_access,
    holders,
    open_records,
    seal,
)
from agenda.plans.models import SupportPlan
from agenda.plans.schemas import PLAN_STATUS_LABELS, PlanCreate, PlanOut
from kasane_shared.db import new_id
from kasane_shared.errors import not_found

# What a new version takes over from the previous one when left out (``closing`` is not).
CARRIED = ("goals", "wishes", "policy", "roles")


def versions(ctx: KeyContext, case: Case) -> list[SupportPlan]:
    """A case's plan versions, oldest first."""
    return list(
        ctx.session.scalars(
            select(SupportPlan).where(SupportPlan.case_id == case.id).order_by(SupportPlan.version)
        )
    )


def get_plan(ctx: KeyContext, case: Case, plan_id: str) -> SupportPlan:
    """One version of this case's plan, or a 404."""
    plan = ctx.session.get(SupportPlan, plan_id)
    if plan is None or plan.case_id != case.id:
        raise not_found("支援プラン", "Support plan")
    return plan


def open_plans(ctx: KeyContext, plans: list[SupportPlan]) -> dict:
    """Plan content as the coordinator's keys open it (granted on first open)."""
    ensure_coordinator_access(ctx, plans)
    return open_records(ctx, plans, (CONTENT,), KINDS)


def create_plan(ctx: KeyContext, case: Case, data: PlanCreate) -> SupportPlan:
    """Add a plan version; what is left out is carried over from the previous version."""
    given = data.model_dump(exclude_unset=True)
    previous = versions(ctx, case)[-1:] or []
    carried: dict = {"goals": "", "wishes": "", "policy": "", "roles": []}
    if previous and not set(CARRIED) <= set(given):
        opened = open_plans(ctx, previous).get((previous[0].id, CONTENT))
        if opened is None:
            raise content_locked()
        carried = {
            "goals": opened["goals"],
            "wishes": opened.get("wishes", ""),  # versions before 本人の意向 hold none
            "policy": opened["policy"],
            "roles": json.loads(opened["roles"]),
        }
    roles = (
        [r.model_dump(mode="json") for r in data.roles]
        if data.roles is not None
        else carried["roles"]
    )
    check_organizations(ctx, list({r["organization_id"] for r in roles}), "roles")
    plan = SupportPlan(
        id=new_id(),
        case_id=case.id,
        version=(previous[0].version + 1) if previous else 1,
        status=data.status,
        monitoring_on=data.monitoring_on,
        role_dues=sorted({r["due"] for r in roles if r.get("due")}),
        created_by=ctx.caller.id,
    )
    ctx.session.add(plan)
    ctx.session.flush()
    # The due list reads these plain copies on the case (see planner.service.due_list).
    case.current_plan_id, case.plan_status = plan.id, plan.status
    case.monitoring_on = plan.monitoring_on
    case.next_review_on = min((date.fromisoformat(d) for d in plan.role_dues), default=None)
    content = {
        "goals": data.goals if data.goals is not None else carried["goals"],
        "wishes": data.wishes if data.wishes is not None else carried["wishes"],
        "policy": data.policy if data.policy is not None else carried["policy"],
        "roles": json.dumps(roles, ensure_ascii=False),
        "closing": data.closing or "",
    }
    keep = (
        [h for h in holders(ctx.session, previous[0], CONTENT) if h[2] != "attendee"]
        if previous
        else []
    )
    seal(
        ctx,
        plan,
        {CONTENT: content},
        {CONTENT: keep + [(ctx.caller.id, k, "author") for k in KINDS]},
    )
    status.follow_plan(ctx, case, plan.status, PLAN_STATUS_LABELS[plan.status])
    record(
        ctx.session,
        "plan.create",
        ctx.caller.id,
        "plan",
        plan.id,
        case_id=case.id,
        version=plan.version,
        status=plan.status,
    )
    return plan


def plan_out(plan: SupportPlan, opened: dict) -> PlanOut:
    """The coordinator's shape of a plan version."""
    content = opened.get((plan.id, CONTENT))
    out = PlanOut(
        id=plan.id,
        case_id=plan.case_id,
        version=plan.version,
        status=plan.status,
        status_label=PLAN_STATUS_LABELS[plan.status],  # type: ignore[arg-type]
        monitoring_on=plan.monitoring_on,
        role_dues=plan.role_dues or [],
        readable=content is not None,
        created_by=plan.created_by,
        created_at=plan.created_at,
    )
    if content is not None:
        out.goals, out.policy, out.roles = (
            content["goals"],
            content["policy"],
            json.loads(content["roles"]),
        )
        out.wishes, out.closing = content.get("wishes", ""), content.get("closing", "")
    return out
