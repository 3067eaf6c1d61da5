"""The demo seeding builds cases, consents, plans and one meeting of each kind, once."""

from __future__ import annotations

from agenda.demo import seed_agenda
from tests.helpers import PASSWORD


def test_seed_agenda(suite, people, coordinator, api):
    ids = seed_agenda(suite.client, people, password=PASSWORD)
    assert {"8050", "hikikomori", "carer", "isolated", "shien_meeting", "jusou_meeting"} <= set(ids)
    assert seed_agenda(suite.client, people, password=PASSWORD) == {}
    cases = coordinator.ok(coordinator.get("/cases"))
    assert len(cases) == 4 and sum(1 for c in cases if c["active_consent"]) == 2
    kinds = sorted({m["kind"] for m in coordinator.ok(coordinator.get("/meetings"))})
    assert kinds == ["jusou", "shien"]
    view = api("demo-member-1").ok(
        api("demo-member-1").get(f"/meetings/{ids['jusou_meeting']}/agenda")
    )
    assert [i["tax_masked"] for i in view["items"]] == [False, True]
    assert "［税情報］" in view["items"][1]["notes"]
    none = api("demo-member-4").ok(
        api("demo-member-4").get(f"/meetings/{ids['shien_meeting']}/agenda")
    )
    assert none["items"] == [] and none["notice"]
