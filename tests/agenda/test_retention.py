"""Retention rules in agenda: which closed cases are due, and what a destroyed case answers."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from agenda.cases.models import Case
from agenda.keys.models import Wrap
from agenda.retention.service import add_years, due_cases, period_start, shred_case
from tests.agenda import scenario as sc
from tests.helpers import assert_problem


def _closed_case(coordinator, people, on: str) -> str:
    case = coordinator.ok(coordinator.post("/cases", sc.case_body(people)), 201)
    coordinator.ok(
        coordinator.post(
            f"/cases/{case['id']}/status", {"status": "closed", "on": on, "reason": "目標達成"}
        ),
        201,
    )
    return case["id"]


def test_periods_count_from_the_closing_day_or_the_next_fiscal_year():
    assert add_years(date(2020, 2, 29), 5) == date(2025, 2, 28)
    assert period_start(date(2019, 4, 10), "closed_on") == date(2019, 4, 10)
    assert period_start(date(2019, 4, 10), "next_fiscal_year") == date(2020, 4, 1)
    assert period_start(date(2020, 3, 31), "next_fiscal_year") == date(2020, 4, 1)


def test_only_closed_cases_past_their_period_are_due(suite, people, coordinator):
    old = _closed_case(coordinator, people, "2019-04-10")
    recent = _closed_case(coordinator, people, "2026-04-10")
    active = coordinator.ok(coordinator.post("/cases", sc.case_body(people)), 201)["id"]
    with suite.dbs["agenda"].session() as session:
        due = {d.case_id: d for d in due_cases(session, date(2026, 12, 1), 5, "closed_on")}
        assert old in due and recent not in due and active not in due
        assert due[old].closed_on == date(2019, 4, 10) and due[old].due_on == date(2024, 4, 10)
        assert old not in {d.case_id for d in due_cases(session, date(2024, 4, 9), 5, "closed_on")}
        # Counted from 1 April 2020 (翌年度起算): due on 1 April 2025.
        later = {d.case_id: d for d in due_cases(session, date(2026, 12, 1), 5, "next_fiscal_year")}
        assert later[old].due_on == date(2025, 4, 1)


def test_a_destroyed_case_answers_410_with_the_reason_and_leaves_no_wrap(
    suite, people, coordinator
):
    case_id = _closed_case(coordinator, people, "2019-04-10")
    with suite.dbs["agenda"].session() as session:
        (due,) = [
            d for d in due_cases(session, date(2026, 12, 1), 5, "closed_on") if d.case_id == case_id
        ]
        counts = shred_case(session, due, 5)
        assert counts["wraps"] > 0
    with suite.dbs["agenda"].session() as session:
        assert session.get(Case, case_id) is None
        assert not session.scalars(select(Wrap).where(Wrap.record_id == case_id)).all()
    body = assert_problem(coordinator.get(f"/cases/{case_id}"), 410, "retention_shredded")
    assert "保存期間（終結後5年）" in body["detail"]
    english = suite.client.get(
        f"/agenda/cases/{case_id}", headers={**coordinator.headers, "Accept-Language": "en"}
    )
    assert "retention period (5 years after closing)" in english.json()["detail"]
    assert_problem(coordinator.get(f"/cases/{'0' * 32}"), 404)
