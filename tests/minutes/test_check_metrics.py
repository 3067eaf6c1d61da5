"""The minutes' check before approval counts the suspects it finds on minutes' ``/metrics``."""

from __future__ import annotations

import json
from typing import Any

from minutes.meeting_minutes.check import review
from minutes.meeting_minutes.models import Minutes, MinutesItem
from tests.agenda.test_distribution import suspect_text
from tests.helpers import metric

SUSPECTS = "kasane_redaction_suspects_total"


class Opened:
    """The caller's keys open every item's body (no hidden parts: all of it in clear)."""

    def __init__(self, bodies: dict[str, dict[str, Any]]) -> None:
        self.bodies = bodies

    def open(self, table: str, record: Any, audience: str) -> dict[str, str] | None:
        return {"body": json.dumps(self.bodies[record.id])}


def test_each_check_counts_its_open_suspects(suite):
    minutes = Minutes(id="m" * 32, meeting_id="g" * 32, version=1, status="draft")
    items = [
        MinutesItem(id=f"{n}" * 32, agenda_item_id=f"{n}" * 32, audience="shien", tax_blocks={})
        for n in (1, 2)
    ]
    text = suspect_text(at_least=2)
    opened = Opened({i.id: {"discussion": text, "decisions": "次回も確認する。"} for i in items})
    before = metric(suite.client, "minutes", SUSPECTS)

    checked = review(minutes, items, {}, opened)  # type: ignore[arg-type]

    assert checked.unresolved >= 4
    assert metric(suite.client, "minutes", SUSPECTS) == before + checked.unresolved
