"""Agenda building (issue 15): the whole order at once, removal, the duplicate-case check."""

from __future__ import annotations

from tests.agenda import scenario as sc
from tests.helpers import assert_problem


def _agenda(coordinator, people, cases: int = 3):
    m1 = people.members["demo-member-1"]
    meeting = coordinator.ok(
        coordinator.post("/meetings", sc.meeting_body("shien", [{"member_id": m1}])), 201
    )
    mid, ids = meeting["id"], []
    for n in range(cases):
        case = coordinator.ok(
            coordinator.post("/cases", sc.case_body(people, title=f"並べ替え試験{n}")), 201
        )
        item = sc.item_body(case["id"], "shien", minutes=10)
        ids.append(coordinator.ok(coordinator.post(f"/meetings/{mid}/items", item), 201)["id"])
    return mid, ids


def _order(coordinator, mid):
    return [i["id"] for i in coordinator.ok(coordinator.get(f"/meetings/{mid}/items"))]


def test_put_order_sets_the_whole_order(coordinator, people):
    mid, ids = _agenda(coordinator, people)
    wanted = [ids[2], ids[0], ids[1]]
    out = coordinator.ok(coordinator.put(f"/meetings/{mid}/items/order", {"item_ids": wanted}))
    assert [(i["id"], i["order"]) for i in out] == [(w, n) for n, w in enumerate(wanted, 1)]
    assert _order(coordinator, mid) == wanted


def test_stale_partial_duplicate_and_unknown_orders_change_nothing(coordinator, people):
    mid, ids = _agenda(coordinator, people)
    url = f"/meetings/{mid}/items/order"
    partial = assert_problem(coordinator.put(url, {"item_ids": ids[:2]}), 409, "stale_order")
    assert "読み込み直して" in partial["detail"]
    assert_problem(coordinator.put(url, {"item_ids": [*ids, "nope"]}), 409, "stale_order")
    assert_problem(coordinator.put(url, {"item_ids": [ids[0], ids[1], "nope"]}), 409)
    twice = assert_problem(coordinator.put(url, {"item_ids": [ids[0], *ids]}), 422)
    assert twice["errors"][0]["field"] == "item_ids"
    assert_problem(coordinator.put(url, {"item_ids": []}), 422)
    assert_problem(coordinator.put(url, {"item_ids": "x" * 2000}), 422)
    assert_problem(coordinator.put(url, {"item_ids": ["x" * 2000]}), 422)
    assert_problem(coordinator.put(url, {"order": ids}), 422)
    assert_problem(coordinator.put("/meetings/nope/items/order", {"item_ids": ids}), 404)
    # An item removed by someone else since the page was read: the old full list is stale.
    assert coordinator.delete(f"/meetings/{mid}/items/{ids[1]}").status_code == 204
    assert_problem(coordinator.put(url, {"item_ids": list(reversed(ids))}), 409, "stale_order")
    assert _order(coordinator, mid) == [ids[0], ids[2]]


def test_members_may_not_reorder(coordinator, people, api):
    mid, ids = _agenda(coordinator, people, cases=2)
    member = api("demo-member-1")
    assert_problem(member.put(f"/meetings/{mid}/items/order", {"item_ids": ids[::-1]}), 403)
    assert_problem(member.delete(f"/meetings/{mid}/items/{ids[0]}"), 403)
    assert _order(coordinator, mid) == ids


def test_removing_twice_and_unknown_items(coordinator, people):
    mid, ids = _agenda(coordinator, people)
    assert coordinator.delete(f"/meetings/{mid}/items/{ids[0]}").status_code == 204
    assert_problem(coordinator.delete(f"/meetings/{mid}/items/{ids[0]}"), 404)
    assert_problem(coordinator.delete(f"/meetings/{mid}/items/nope"), 404)
    assert_problem(coordinator.delete(f"/meetings/nope/items/{ids[1]}"), 404)
    other, _ = _agenda(coordinator, people, cases=1)
    assert_problem(coordinator.delete(f"/meetings/{other}/items/{ids[1]}"), 404)
    assert [i["order"] for i in coordinator.ok(coordinator.get(f"/meetings/{mid}/items"))] == [
        1,
        2,
    ]


def test_cancelled_meeting_keeps_its_agenda(coordinator, people):
    mid, ids = _agenda(coordinator, people, cases=2)
    coordinator.ok(coordinator.post(f"/meetings/{mid}/cancel", {"reason": "会場の都合"}))
    url = f"/meetings/{mid}/items/order"
    assert_problem(coordinator.put(url, {"item_ids": ids[::-1]}), 409)
    assert_problem(coordinator.delete(f"/meetings/{mid}/items/{ids[0]}"), 409)
    assert _order(coordinator, mid) == ids


def test_a_case_already_on_the_agenda_asks_first(coordinator, people):
    mid, ids = _agenda(coordinator, people, cases=1)
    case_id = coordinator.ok(coordinator.get(f"/meetings/{mid}/items"))[0]["case_id"]
    body = sc.item_body(case_id, "shien")
    problem = assert_problem(coordinator.post(f"/meetings/{mid}/items", body), 409)
    assert problem["code"] == "duplicate_case" and "すでにこの会議の議題" in problem["detail"]
    assert _order(coordinator, mid) == ids
    assert_problem(
        coordinator.post(f"/meetings/{mid}/items", {**body, "allow_duplicate": "yes please"}), 422
    )
    again = coordinator.ok(
        coordinator.post(f"/meetings/{mid}/items", {**body, "allow_duplicate": True}), 201
    )
    assert _order(coordinator, mid) == [*ids, again["id"]]
