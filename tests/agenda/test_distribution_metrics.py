"""The distribution check counts the suspects it finds on agenda's ``/metrics``."""

from __future__ import annotations

from tests.agenda import scenario as sc
from tests.agenda.test_distribution import suspect_text
from tests.helpers import metric

SUSPECTS = "kasane_redaction_suspects_total"


def test_each_check_counts_its_open_suspects(suite, coordinator, people):
    notes = suspect_text(at_least=2)
    case = coordinator.ok(coordinator.post("/cases", sc.case_body(people, notes=notes)), 201)
    m1 = people.members["demo-member-1"]
    meeting = coordinator.ok(
        coordinator.post("/meetings", sc.meeting_body("shien", [{"member_id": m1}])), 201
    )
    coordinator.ok(
        coordinator.post(f"/meetings/{meeting['id']}/items", sc.item_body(case["id"], "shien")),
        201,
    )
    before = metric(suite.client, "agenda", SUSPECTS)
    check = coordinator.ok(coordinator.get(f"/meetings/{meeting['id']}/distribution"))
    assert check["unresolved"] >= 2
    assert metric(suite.client, "agenda", SUSPECTS) == before + check["unresolved"]
    refused = coordinator.post(f"/meetings/{meeting['id']}/distribute")
    assert refused.status_code == 409
    # The refused distribution checked again and found the same open suspects.
    assert metric(suite.client, "agenda", SUSPECTS) == before + 2 * check["unresolved"]
