"""HTTP interface of support plans (coordinators; the minutes service applies approved plans)."""

from __future__ import annotations

from fastapi import APIRouter, status

from agenda.audit import record
from agenda.cases.service import get_case
from agenda.context import CoordinatorCtx
from agenda.plans import service
from agenda.plans.schemas import PlanCreate, PlanOut

router = APIRouter(prefix="/cases", tags=["plans"])


@router.post("/{case_id}/plans", response_model=PlanOut, status_code=status.HTTP_201_CREATED)
def create_plan(case_id: str, data: PlanCreate, ctx: CoordinatorCtx) -> PlanOut:
    """Add a plan version at one of the four timings (策定・変更・終結・中断)."""
    plan = service.create_plan(ctx, get_case(ctx.session, case_id), data)
    return service.plan_out(plan, service.open_plans(ctx, [plan]))


@router.get("/{case_id}/plans", response_model=list[PlanOut])
def list_plans(case_id: str, ctx: CoordinatorCtx) -> list[PlanOut]:
    """Every version of a case's plan, content opened for the coordinator."""
    plans = service.versions(ctx, get_case(ctx.session, case_id))
    opened = service.open_plans(ctx, plans)
    record(ctx.session, "plan.list", ctx.caller.id, "case", case_id, versions=len(plans))
    return [service.plan_out(p, opened) for p in plans]


@router.get("/{case_id}/plans/{plan_id}", response_model=PlanOut)
def get_plan(case_id: str, plan_id: str, ctx: CoordinatorCtx) -> PlanOut:
    """One version of a case's plan (the printable plan reads it)."""
    plan = service.get_plan(ctx, get_case(ctx.session, case_id), plan_id)
    opened = service.open_plans(ctx, [plan])
    record(ctx.session, "plan.view", ctx.caller.id, "plan", plan.id, case_id=case_id)
    return service.plan_out(plan, opened)
