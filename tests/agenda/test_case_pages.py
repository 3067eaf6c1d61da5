"""The case list pages: limit bounds, the Link header, stable order, tampered cursors."""

from __future__ import annotations

from kasane.seeding import seed_cases, synthetic_case
from kasane_shared.paging import encode_cursor
from tests.agenda import scenario as sc
from tests.helpers import PASSWORD, assert_problem


def _seed(suite, count, status="active"):
    report = seed_cases(
        suite.suite,
        "demo-coordinator",
        PASSWORD,
        count,
        make=lambda n: synthetic_case(n, status),
        batch=4,
    )
    assert report.cases == count


def _walk(coordinator, limit):
    pages, url = [], f"/agenda/cases?limit={limit}"
    while url:
        response = coordinator.client.get(url, headers=coordinator.headers)
        assert response.status_code == 200, response.text
        pages.append(response.json())
        url = response.links.get("next", {}).get("url")
    return pages


def test_pages_walk_every_case_once_newest_first(suite, coordinator, people):
    _seed(suite, 7)
    pages = _walk(coordinator, 3)
    assert [len(p) for p in pages] == [3, 3, 1]
    rows = [c for p in pages for c in p]
    assert len({c["id"] for c in rows}) == 7
    assert all(c["readable"] and c["title"].startswith("架空の事例") for c in rows)
    stamps = [(c["created_at"], c["id"]) for c in rows]
    assert stamps == sorted(stamps, reverse=True)
    assert rows[0]["title"] == "架空の事例 00006"


def test_link_header_only_while_more_remain(suite, coordinator, people):
    _seed(suite, 3)
    full = coordinator.get("/cases", params={"limit": 3})
    assert full.status_code == 200 and "link" not in full.headers
    partial = coordinator.get("/cases", params={"limit": 2})
    link = partial.headers["link"]
    assert link.endswith('>; rel="next"') and "cursor=" in link and "limit=2" in link


def test_order_is_stable_under_inserts(suite, coordinator, people):
    _seed(suite, 5)
    first = coordinator.get("/cases", params={"limit": 2})
    seen = [c["id"] for c in first.json()]
    for _ in range(2):  # new cases arrive while the reader pages on
        coordinator.ok(coordinator.post("/cases", sc.case_body(people)), 201)
    rest = []
    url = first.links["next"]["url"]
    while url:
        response = coordinator.client.get(url, headers=coordinator.headers)
        rest += [c["id"] for c in response.json()]
        url = response.links.get("next", {}).get("url")
    assert len(rest) == 3 and not set(rest) & set(seen)
    fresh = coordinator.ok(coordinator.get("/cases", params={"limit": 2}))
    assert [c["title"] for c in fresh] == [sc.TITLE, sc.TITLE]


def test_limit_bounds(suite, coordinator, people):
    _seed(suite, 52, status="closed")
    assert len(coordinator.ok(coordinator.get("/cases"))) == 50
    assert "link" in coordinator.get("/cases").headers
    assert len(coordinator.ok(coordinator.get("/cases", params={"limit": 200}))) == 52
    for bad in (0, -1, 201, "many"):
        problem = assert_problem(coordinator.get("/cases", params={"limit": bad}), 422)
        assert problem["errors"][0]["field"] == "limit"


def test_tampered_cursors_are_refused(suite, coordinator, people):
    _seed(suite, 3)
    link = coordinator.get("/cases", params={"limit": 1}).links["next"]["url"]
    cursor = link.split("cursor=")[1].split("&")[0]
    body, check = cursor.split(".")
    flipped = ("A" if body[5] != "A" else "B").join((body[:5], body[6:]))
    other_list = encode_cursor("minutes/meetings", sc_time(), "0" * 32)
    for bad in (
        f"{flipped}.{check}",
        f"{body}.{check[:-2]}",
        body,
        "not-a-cursor",
        "%%%",
        other_list,
    ):
        problem = assert_problem(coordinator.get("/cases", params={"cursor": bad}), 400)
        assert problem["code"] == "invalid_cursor" and "cursor" in problem["detail"]
    assert coordinator.get("/cases", params={"cursor": cursor}).status_code == 200


def test_a_page_shows_each_case_active_consent(suite, coordinator, people):
    _seed(suite, 2)
    with_consent, without = coordinator.ok(coordinator.get("/cases"))
    coordinator.ok(
        coordinator.post(
            f"/cases/{with_consent['id']}/consents",
            {"obtained_on": "2026-04-01", "organization_ids": [people.organizations["council"]]},
        ),
        201,
    )
    listed = {c["id"]: c for c in coordinator.ok(coordinator.get("/cases"))}
    assert listed[with_consent["id"]]["active_consent"]["organization_ids"] == [
        people.organizations["council"]
    ]
    assert listed[without["id"]]["active_consent"] is None


def sc_time():
    from datetime import UTC, datetime

    return datetime(2026, 4, 1, tzinfo=UTC)
