"""Support plan shapes on the wire."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from agenda.schemas_common import Id, StrictIn

PlanStatus = Literal["plan_creation", "plan_change", "termination", "suspension"]
PLAN_STATUS_LABELS = {
    "plan_creation": "プラン策定",
    "plan_change": "プラン変更",
    "termination": "支援終結",
    "suspension": "支援中断",
}


class RoleIn(StrictIn):
    """One agency's duty in the plan (役割分担)."""

    organization_id: Id
    duty: str = Field(min_length=1, max_length=1000)
    due: date | None = None


class PlanCreate(StrictIn):
    """A new plan version; goals, policy and roles left out carry over from the last version."""

    status: PlanStatus
    goals: str | None = Field(default=None, max_length=4000)
    policy: str | None = Field(default=None, max_length=4000)
    roles: list[RoleIn] | None = Field(default=None, max_length=50)
    monitoring_on: date | None = None


class PlanOut(BaseModel):
    """A plan version as a coordinator's keys open it."""

    id: str
    case_id: str
    version: int
    status: PlanStatus
    status_label: str
    monitoring_on: date | None
    role_dues: list[str]
    readable: bool
    goals: str | None = None
    policy: str | None = None
    roles: list[dict] | None = None
    created_by: str
    created_at: datetime
