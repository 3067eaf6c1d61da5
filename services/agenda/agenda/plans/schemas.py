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


# Role rows per plan version: as many as a plan needs (the pages add rows one at a time).
MAX_ROLES = 100


class RoleIn(StrictIn):
    """One agency's duty in the plan (役割分担)."""

    organization_id: Id
    duty: str = Field(min_length=1, max_length=1000)
    due: date | None = None


class PlanCreate(StrictIn):
    """A new plan version; goals, wishes, policy and roles left out carry over from the last one.

    ``wishes`` is 本人の意向 (what the person wants, in their words); ``closing`` is what a
    termination records (goals reached, the supporters around the person, follow-up) and
    belongs to its own version only.
    """

    status: PlanStatus
    goals: str | None = Field(default=None, max_length=4000)
    wishes: str | None = Field(default=None, max_length=4000)
    policy: str | None = Field(default=None, max_length=4000)
    roles: list[RoleIn] | None = Field(default=None, max_length=MAX_ROLES)
    closing: str | None = Field(default=None, max_length=4000)
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
    wishes: str | None = None
    policy: str | None = None
    roles: list[dict] | None = None
    closing: str | None = None
    created_by: str
    created_at: datetime
