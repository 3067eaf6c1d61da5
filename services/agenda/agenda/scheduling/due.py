"""The due list: cases whose monitoring date or plan review has come, or that lack a plan.

One item per case: when both dates fall within the horizon, the earlier one is the reason
(monitoring on a tie). An active case without a plan is due now (``due_on`` None, sorted
as of today). Closed and suspended cases are never due, nor are cases already on an
upcoming agenda.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from .common import SchedulingError, is_int, require_date

DueReason = Literal["monitoring", "plan_review", "no_plan"]
# Plans may arrive in the short form or with the agenda plans' "plan_" prefix.
PLAN_STATUSES = frozenset(
    {
        "creation",
        "change",
        "termination",
        "suspension",
        "plan_creation",
        "plan_change",
    }
)
CASE_STATUSES = frozenset({"potential", "active", "closed", "suspended"})
NEVER_DUE = frozenset({"closed", "suspended"})
# What the meeting should do about each reason, as agenda item purposes (DESIGN.md).
PURPOSE = {"monitoring": "plan_change", "plan_review": "plan_change", "no_plan": "plan_creation"}
_REASON_ORDER = {"monitoring": 0, "plan_review": 1, "no_plan": 2}


@dataclass(frozen=True)
class PlanState:
    """A case and its current plan, as much as the due list needs of them."""

    case_id: str
    plan_id: str | None
    status: str | None
    monitoring_on: date | None
    next_review_on: date | None
    case_status: str

    def __post_init__(self) -> None:
        if self.case_status not in CASE_STATUSES:
            raise SchedulingError(
                "事例の状態が正しくありません。", f"unknown case_status {self.case_status!r}."
            )
        if self.status is not None and self.status not in PLAN_STATUSES:
            raise SchedulingError(
                "プランの状態が正しくありません。", f"unknown plan status {self.status!r}."
            )
        if self.plan_id is None and self.status is not None:
            raise SchedulingError(
                "プランのない事例にプランの状態があります。", "status given without a plan_id."
            )
        for name in ("monitoring_on", "next_review_on"):
            if getattr(self, name) is not None:
                require_date(getattr(self, name), name)


@dataclass(frozen=True)
class DueItem:
    """A case to put on an agenda, why, and the purpose its item should carry."""

    case_id: str
    reason: DueReason
    due_on: date | None
    overdue: bool
    suggested_purpose: str


def _item(state: PlanState, *, today: date, last_day: date) -> DueItem | None:
    """The case's most pressing due item, or None."""
    if state.case_status in NEVER_DUE:
        return None
    if state.plan_id is None:
        if state.case_status != "active":
            return None
        return DueItem(state.case_id, "no_plan", None, False, PURPOSE["no_plan"])
    dated: list[tuple[date, DueReason]] = [
        (on, reason)
        for on, reason in (
            (state.monitoring_on, "monitoring"),
            (state.next_review_on, "plan_review"),
        )
        if on is not None and on <= last_day
    ]
    if not dated:
        return None
    on, reason = min(dated, key=lambda d: (d[0], _REASON_ORDER[d[1]]))
    return DueItem(state.case_id, reason, on, on < today, PURPOSE[reason])


def _sort_key(item: DueItem, today: date) -> tuple[date, int, str]:
    return (item.due_on or today, _REASON_ORDER[item.reason], item.case_id)


def due_cases(
    states: Iterable[PlanState],
    *,
    today: date,
    horizon_days: int = 14,
    already_scheduled: Collection[str] = frozenset(),
) -> list[DueItem]:
    """Cases due by ``today + horizon_days`` (inclusive), oldest due date first."""
    require_date(today, "today")
    if not is_int(horizon_days) or horizon_days < 0:
        raise SchedulingError(
            "対象期間の日数は0以上にしてください。", "horizon_days must not be negative."
        )
    last_day = today + timedelta(days=horizon_days)
    best: dict[str, DueItem] = {}
    for state in states:
        if state.case_id in already_scheduled:
            continue
        item = _item(state, today=today, last_day=last_day)
        # Several states for one case still give one item: the most pressing one.
        if item and (
            state.case_id not in best
            or _sort_key(item, today) < _sort_key(best[state.case_id], today)
        ):
            best[state.case_id] = item
    return sorted(best.values(), key=lambda i: _sort_key(i, today))
