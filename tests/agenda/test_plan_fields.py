"""支援プラン fields (issue 15): 目標, 本人の意向, any number of 役割分担 rows, 終結; sealed."""

from __future__ import annotations

from sqlalchemy import select

from agenda.plans.models import SupportPlan
from tests.agenda import scenario as sc
from tests.helpers import assert_problem

WISHES = "本人は自宅で暮らし続けたいと話している（意向の試験文）"
CLOSING = "外出の目標を達成し、民生委員の見守りへ引き継ぐ（終結の試験文）"


def _roles(people, n: int) -> list[dict]:
    orgs = list(people.organizations.values())
    return [
        {"organization_id": orgs[k % len(orgs)], "duty": f"役割{k + 1}", "due": f"2027-0{k + 1}-10"}
        for k in range(n)
    ]


def test_goals_wishes_four_roles_and_closing(coordinator, people, suite):
    case = coordinator.ok(coordinator.post("/cases", sc.case_body(people)), 201)
    plans = f"/cases/{case['id']}/plans"
    first = coordinator.ok(
        coordinator.post(
            plans,
            {
                "status": "plan_creation",
                "goals": "週1回の外出",
                "wishes": WISHES,
                "policy": "社協が訪問",
                "roles": _roles(people, 4),
            },
        ),
        201,
    )
    assert first["wishes"] == WISHES and len(first["roles"]) == 4 and first["closing"] == ""
    assert coordinator.ok(coordinator.get(f"/cases/{case['id']}"))["status"] == "active"
    # What is left out carries over, except 終結, which belongs to its own version.
    change = coordinator.ok(coordinator.post(plans, {"status": "plan_change", "closing": "x"}), 201)
    assert change["wishes"] == WISHES and change["roles"] == first["roles"]
    coordinator.ok(coordinator.post(plans, {"status": "termination", "closing": CLOSING}), 201)
    latest = coordinator.ok(coordinator.get(f"{plans}/{change['id']}"))
    assert latest["closing"] == "x"
    versions = coordinator.ok(coordinator.get(plans))
    assert [v["closing"] for v in versions] == ["", "x", CLOSING]
    assert coordinator.ok(coordinator.get(f"/cases/{case['id']}"))["status"] == "closed"
    # The new fields are sealed at rest like the rest of the plan.
    with suite.dbs["agenda"].session() as session:
        stored = " ".join(str(p.sealed_fields) for p in session.scalars(select(SupportPlan)))
    assert WISHES not in stored and CLOSING not in stored and "役割4" not in stored


def test_many_roles_and_long_fields(coordinator, people):
    case = coordinator.ok(coordinator.post("/cases", sc.case_body(people)), 201)
    plans = f"/cases/{case['id']}/plans"
    long = "意" * 2000
    made = coordinator.ok(
        coordinator.post(
            plans,
            {
                "status": "plan_creation",
                "goals": long,
                "wishes": long,
                "closing": long,
                "roles": [{**r, "duty": "務" * 1000} for r in _roles(people, 9) * 11],
            },
        ),
        201,
    )
    assert made["wishes"] == long and len(made["roles"]) == 99


def test_bad_plan_input_changes_nothing(coordinator, people):
    case = coordinator.ok(coordinator.post("/cases", sc.case_body(people)), 201)
    plans = f"/cases/{case['id']}/plans"
    for body in (
        {"status": "plan_creation", "wishes": "意" * 4001},
        {"status": "plan_creation", "closing": "終" * 4001},
        {"status": "plan_creation", "goals": "目" * 4001},
        {"status": "plan_creation", "wishes": 12},
        {"status": "plan_creation", "roles": _roles(people, 1) * 101},
        {"status": "plan_creation", "roles": [{**_roles(people, 1)[0], "duty": "務" * 2000}]},
        {"status": "plan_creation", "roles": [{**_roles(people, 1)[0], "organization_id": "x"}]},
        {"status": "closing"},
        {"status": "plan_creation", "hopes": "x"},
    ):
        problem = assert_problem(coordinator.post(plans, body), 422)
        assert problem["errors"], body
    assert coordinator.ok(coordinator.get(plans)) == []
    assert_problem(coordinator.post("/cases/nope/plans", {"status": "plan_creation"}), 404)
    assert_problem(coordinator.get(f"{plans}/nope"), 404)
    other = coordinator.ok(coordinator.post("/cases", sc.case_body(people)), 201)
    plan = coordinator.ok(coordinator.post(plans, {"status": "plan_creation"}), 201)
    assert_problem(coordinator.get(f"/cases/{other['id']}/plans/{plan['id']}"), 404)


def test_members_read_no_plan(coordinator, people, api):
    case = coordinator.ok(coordinator.post("/cases", sc.case_body(people)), 201)
    plan = coordinator.ok(
        coordinator.post(f"/cases/{case['id']}/plans", {"status": "plan_creation"}), 201
    )
    member = api("demo-member-1")
    assert_problem(member.get(f"/cases/{case['id']}/plans/{plan['id']}"), 403)
