"""The demo seeding builds cases, consents, plans and one meeting of each kind, once."""

from __future__ import annotations

from agenda.demo import PENDING_BRIEFING, seed_agenda
from tests.helpers import PASSWORD, assert_problem


def test_seed_agenda(suite, people, coordinator, api):
    ids = seed_agenda(suite.client, people, password=PASSWORD)
    assert {"8050", "hikikomori", "carer", "isolated", "shien_meeting", "jusou_meeting"} <= set(ids)
    assert seed_agenda(suite.client, people, password=PASSWORD) == {}
    cases = coordinator.ok(coordinator.get("/cases"))
    assert len(cases) == 4 and sum(1 for c in cases if c["active_consent"]) == 2
    meetings = coordinator.ok(coordinator.get("/meetings"))
    assert sorted({m["kind"] for m in meetings}) == ["jusou", "shien"]
    view = api("demo-member-1").ok(
        api("demo-member-1").get(f"/meetings/{ids['jusou_meeting']}/agenda")
    )
    assert view["distributed"] is True
    assert [i["tax_masked"] for i in view["items"]] == [False, True]
    assert "［税情報］" in view["items"][1]["notes"]
    none = api("demo-member-4").ok(
        api("demo-member-4").get(f"/meetings/{ids['shien_meeting']}/agenda")
    )
    assert none["items"] == [] and none["notice"]


def test_demo_meetings_are_distributed_but_one(suite, people, coordinator, api):
    ids = seed_agenda(suite.client, people, password=PASSWORD)
    statuses = {
        m["id"]: m["distribution_status"] for m in coordinator.ok(coordinator.get("/meetings"))
    }
    pending = ids["pending_meeting"]
    assert statuses.pop(pending) == "draft"
    assert set(statuses.values()) == {"distributed"} and len(statuses) == 4  # 3 monthly + 重層
    check = coordinator.ok(coordinator.get(f"/meetings/{pending}/distribution"))
    assert check["status"] == "draft" and check["unresolved"] == 1
    [field] = [f for i in check["items"] for f in i["fields"] if f["suspects"]]
    assert field["record"] == "item" and field["text"] == PENDING_BRIEFING
    [(start, end, reason)] = field["suspects"]
    assert 0 <= start < end <= len(PENDING_BRIEFING) and reason
    assert_problem(coordinator.post(f"/meetings/{pending}/distribute"), 409, "unresolved_suspects")
    member = api("demo-member-1").ok(api("demo-member-1").get(f"/meetings/{pending}/agenda"))
    assert member["distributed"] is False and member["items"] == []
    assert member["notice"] == "議題は配布前です。"
