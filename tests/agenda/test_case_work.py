"""Everyday case work: case numbers, status moves with date and reason, finding cases."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from agenda.cases.models import CaseStatusChange
from agenda.cases.numbering import fiscal_year, format_number
from agenda.scheduling import JST
from tests.agenda import scenario as sc
from tests.helpers import assert_problem

REASON = "本人と面談でき、支援を開始する（架空理由S1）"


def _case(coordinator, people, **extra):
    return coordinator.ok(coordinator.post("/cases", sc.case_body(people, **extra)), 201)


def _year() -> int:
    return fiscal_year(datetime.now(JST).date())


def test_cases_are_numbered_per_fiscal_year(coordinator, people):
    first, second = _case(coordinator, people), _case(coordinator, people, title="二件目")
    assert first["number"] == format_number(_year(), 1)
    assert second["number"] == format_number(_year(), 2)
    assert format_number(2026, 12) == "R8-0012" and fiscal_year(datetime(2027, 3, 31)) == 2026
    listed = coordinator.ok(coordinator.get("/cases"))
    assert [c["number"] for c in listed] == [second["number"], first["number"]]


def test_status_moves_with_date_and_reason(coordinator, people, suite):
    case = _case(coordinator, people)
    path = f"/cases/{case['id']}"
    moved = coordinator.ok(
        coordinator.post(
            f"{path}/status", {"status": "active", "on": "2026-11-02", "reason": f" {REASON} "}
        ),
        201,
    )
    assert (moved["to_label"], moved["effective_on"], moved["reason"]) == (
        "支援中",
        "2026-11-02",
        REASON,
    )
    coordinator.ok(
        coordinator.post(
            f"{path}/status", {"status": "closed", "on": "2026-11-30", "reason": "目標を達成"}
        ),
        201,
    )
    assert coordinator.ok(coordinator.get(path))["status_label"] == "終結"
    history = coordinator.ok(coordinator.get(f"{path}/status-changes"))
    assert [(h["from_status"], h["to_status"], h["reason"]) for h in history] == [
        ("potential", "active", REASON),
        ("active", "closed", "目標を達成"),
    ]
    # Not allowed from 終結 to 中断; the same status is no move; nothing changes.
    body = {"on": "2026-12-01", "reason": "x"}
    assert_problem(
        coordinator.post(f"{path}/status", {**body, "status": "suspended"}),
        409,
        "status_transition",
    )
    assert_problem(
        coordinator.post(f"{path}/status", {**body, "status": "closed"}), 409, "status_unchanged"
    )
    for bad in (
        {**body, "status": "finished"},
        {"status": "active", "on": "2026-12-01"},
        {"status": "active", "on": "2026-12-01", "reason": "  "},
        {"status": "active", "on": "2026-12-01", "reason": "理" * 2000},
        {"status": "active", "on": "2026-13-01", "reason": "x"},
    ):
        assert_problem(coordinator.post(f"{path}/status", bad), 422)
    assert_problem(coordinator.post("/cases/nope/status", {**body, "status": "active"}), 404)
    assert len(coordinator.ok(coordinator.get(f"{path}/status-changes"))) == 2
    # The reason is sealed at rest.
    with suite.dbs["agenda"].session() as session:
        rows = session.scalars(select(CaseStatusChange)).all()
        assert rows and all(REASON not in str(r.sealed_fields) for r in rows)


def test_plan_decisions_move_the_case(coordinator, people):
    case = _case(coordinator, people)
    plans = f"/cases/{case['id']}/plans"
    coordinator.ok(coordinator.post(plans, {"status": "plan_creation", "goals": "外出"}), 201)
    assert coordinator.ok(coordinator.get(f"/cases/{case['id']}"))["status"] == "active"
    coordinator.ok(coordinator.post(plans, {"status": "termination"}), 201)
    assert coordinator.ok(coordinator.get(f"/cases/{case['id']}"))["status"] == "closed"
    history = coordinator.ok(coordinator.get(f"/cases/{case['id']}/status-changes"))
    assert [h["reason"] for h in history] == [
        "重層的支援会議の決定（プラン策定）",
        "重層的支援会議の決定（支援終結）",
    ]
    assert [h["source"] for h in history] == ["plan_creation", "termination"]


def test_find_cases_by_filter_search_and_sort(coordinator, people):
    council, tax = people.organizations["council"], people.organizations["tax"]
    a = _case(coordinator, people, title="山田世帯の見守り", issues=["8050"])
    b = _case(
        coordinator,
        people,
        title="川辺世帯",
        issues=["young_carer"],
        lead_organization_id=tax,
    )
    c = _case(coordinator, people, title="海野世帯", issues=["8050"])
    coordinator.ok(
        coordinator.post(
            f"/cases/{c['id']}/status", {"status": "active", "on": "2026-11-01", "reason": "開始"}
        ),
        201,
    )
    coordinator.ok(
        coordinator.post(
            f"/cases/{a['id']}/plans", {"status": "plan_creation", "monitoring_on": "2027-01-10"}
        ),
        201,
    )

    def ids(**params):
        return [x["id"] for x in coordinator.ok(coordinator.get("/cases", params=params))]

    assert ids(status="potential") == [b["id"]]
    assert set(ids(status=["potential", "active"])) == {a["id"], b["id"], c["id"]}
    assert ids(organization_id=tax) == [b["id"]]
    assert set(ids(organization_id=council)) == {a["id"], c["id"]}
    assert ids(issue="young_carer") == [b["id"]]
    assert ids(monitoring_due_before="2027-01-10") == [a["id"]]
    assert ids(monitoring_due_before="2027-01-09") == []
    assert ids(q="川辺") == [b["id"]]
    # A number typed in full-width or lower case finds the case too.
    wide = b["number"].replace("R", "ｒ").replace("-", "－")
    assert ids(q=wide) == [b["id"]]
    assert ids(sort="number") == [a["id"], b["id"], c["id"]]
    assert ids(sort="title") == [a["id"], b["id"], c["id"]]  # 山 < 川 < 海 (code points)
    assert ids(sort="monitoring")[0] == a["id"]
    assert ids(q="川辺", status="active") == []
    for bad in (
        {"status": "finished"},
        {"issue": "unknown"},
        {"sort": "random"},
        {"monitoring_due_before": "soon"},
        {"q": "x" * 101},
    ):
        assert_problem(coordinator.get("/cases", params=bad), 422)
