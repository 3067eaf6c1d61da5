"""The due list: monitoring, plan review, cases without a plan; horizon, exclusions, order."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from agenda.scheduling import DueItem, PlanState, SchedulingError, due_cases

TODAY = date(2027, 4, 1)
DAY = timedelta(days=1)


def state(
    case_id="c1",
    *,
    plan_id="p1",
    status="creation",
    monitoring_on=None,
    next_review_on=None,
    case_status="active",
) -> PlanState:
    return PlanState(case_id, plan_id, status, monitoring_on, next_review_on, case_status)


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        (
            {"monitoring_on": TODAY + 3 * DAY},
            DueItem("c1", "monitoring", TODAY + 3 * DAY, False, "plan_change"),
        ),
        (
            {"next_review_on": TODAY + 5 * DAY},
            DueItem("c1", "plan_review", TODAY + 5 * DAY, False, "plan_change"),
        ),
        ({"plan_id": None, "status": None}, DueItem("c1", "no_plan", None, False, "plan_creation")),
        # the earlier date decides; monitoring wins a tie
        (
            {"monitoring_on": TODAY + 9 * DAY, "next_review_on": TODAY + 2 * DAY},
            DueItem("c1", "plan_review", TODAY + 2 * DAY, False, "plan_change"),
        ),
        (
            {"monitoring_on": TODAY + 2 * DAY, "next_review_on": TODAY + 2 * DAY},
            DueItem("c1", "monitoring", TODAY + 2 * DAY, False, "plan_change"),
        ),
        # overdue: before today; today itself is not overdue
        (
            {"monitoring_on": TODAY - DAY},
            DueItem("c1", "monitoring", TODAY - DAY, True, "plan_change"),
        ),
        ({"monitoring_on": TODAY}, DueItem("c1", "monitoring", TODAY, False, "plan_change")),
        # a potential case with a plan is due like any other
        (
            {"monitoring_on": TODAY, "case_status": "potential"},
            DueItem("c1", "monitoring", TODAY, False, "plan_change"),
        ),
        # the agenda plans' status codes are understood too
        (
            {"status": "plan_change", "monitoring_on": TODAY},
            DueItem("c1", "monitoring", TODAY, False, "plan_change"),
        ),
    ],
)
def test_each_reason(kwargs, expected):
    assert due_cases([state(**kwargs)], today=TODAY) == [expected]


@pytest.mark.parametrize(
    ("offset", "due"),
    [(13, True), (14, True), (15, False)],
)
@pytest.mark.parametrize("field", ["monitoring_on", "next_review_on"])
def test_horizon_boundary_is_inclusive(field, offset, due):
    found = due_cases([state(**{field: TODAY + offset * DAY})], today=TODAY, horizon_days=14)
    assert bool(found) is due


def test_horizon_zero_means_today_only():
    assert due_cases([state(monitoring_on=TODAY + DAY)], today=TODAY, horizon_days=0) == []
    assert len(due_cases([state(monitoring_on=TODAY)], today=TODAY, horizon_days=0)) == 1


@pytest.mark.parametrize(
    "kwargs",
    [
        {"case_status": "closed", "monitoring_on": TODAY - DAY},
        {"case_status": "suspended", "next_review_on": TODAY},
        {"case_status": "closed", "plan_id": None, "status": None},
        {"case_status": "potential", "plan_id": None, "status": None},
        {"monitoring_on": None, "next_review_on": None},
    ],
)
def test_not_due(kwargs):
    assert due_cases([state(**kwargs)], today=TODAY) == []


def test_already_scheduled_cases_are_left_out():
    states = [
        state("c1", monitoring_on=TODAY),
        state("c2", plan_id=None, status=None),
        state("c3", monitoring_on=TODAY),
    ]
    found = due_cases(states, today=TODAY, already_scheduled={"c1", "c2"})
    assert [i.case_id for i in found] == ["c3"]


def test_order_overdue_first_then_by_date_reason_and_case():
    states = [
        state("late", next_review_on=TODAY + 10 * DAY),
        state("b-today", monitoring_on=TODAY),
        state("no-plan", plan_id=None, status=None),
        state("a-today", monitoring_on=TODAY),
        state("overdue-most", monitoring_on=TODAY - 30 * DAY),
        state("overdue", next_review_on=TODAY - DAY),
        state("review-today", next_review_on=TODAY),
    ]
    found = due_cases(states, today=TODAY)
    assert [i.case_id for i in found] == [
        "overdue-most",
        "overdue",
        "a-today",
        "b-today",
        "review-today",
        "no-plan",
        "late",
    ]
    assert [i.overdue for i in found] == [True, True, False, False, False, False, False]


def test_several_states_for_one_case_give_one_item():
    states = [
        state("c1", monitoring_on=TODAY + 5 * DAY),
        state("c1", plan_id="p2", next_review_on=TODAY - DAY),
    ]
    assert due_cases(states, today=TODAY) == [
        DueItem("c1", "plan_review", TODAY - DAY, True, "plan_change")
    ]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"case_status": "open"},
        {"status": "draft"},
        {"plan_id": None, "status": "creation"},
        {"monitoring_on": "2027-04-01"},
    ],
)
def test_bad_states_are_refused(kwargs):
    with pytest.raises(SchedulingError):
        state(**kwargs)


@pytest.mark.parametrize("kwargs", [{"horizon_days": -1}, {"today": "2027-04-01"}])
def test_bad_requests_are_refused(kwargs):
    with pytest.raises(SchedulingError):
        due_cases([], **{"today": TODAY, **kwargs})
