"""Shared building blocks for agenda tests: sentinels, a case with tax data, meetings, pledges."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import update

from identity.pledges.models import Pledge
from tests.helpers import auth

TITLE = "題名センチネルQ7"
GENERAL = "一般記述センチネルK2"
TAX_FACT = "固定資産税を3年分滞納"
# The phrase the redactor masks in the notes: the fact through its predicate.
TAX_PHRASE = TAX_FACT + "している"
TAX_NOTE = "税メモセンチネルZ9"
BRIEF_GENERAL = "説明センチネルB4"
BRIEF_TAX = "住民税非課税世帯"
MEETING_TITLE = "会議名センチネルM1"
GENERAL_SENTINELS = (TITLE, GENERAL, BRIEF_GENERAL)
TAX_SENTINELS = (TAX_FACT, TAX_NOTE, BRIEF_TAX)
ALL_SENTINELS = GENERAL_SENTINELS + TAX_SENTINELS + (MEETING_TITLE,)
PURPOSE = {"shien": "info_sharing", "jusou": "plan_creation"}


def case_body(people: Any, **extra: Any) -> dict[str, Any]:
    """A case whose notes hold a tax fact and whose tax notes and title are sentinels."""
    return {
        "title": TITLE,
        "summary": f"{GENERAL}。80代の母と50代の長男の世帯。",
        "notes": f"本人は{TAX_FACT}している。{GENERAL}の続き。",
        "tax_notes": TAX_NOTE,
        "lead_organization_id": people.organizations["council"],
        "issues": ["8050", "hikikomori"],
        "subjects": [{"relation": "本人", "name": "架空 太郎", "age": 52}],
        **extra,
    }


def meeting_body(kind: str, attendees: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    """A one-hour meeting on 1 December 2026 (JST)."""
    return {
        "kind": kind,
        "title": MEETING_TITLE,
        "starts_at": "2026-12-01T10:00:00+09:00",
        "ends_at": "2026-12-01T11:00:00+09:00",
        "place": "かさね市役所 3階 会議室A",
        "attendees": attendees,
        **extra,
    }


def item_body(case_id: str, kind: str, **extra: Any) -> dict[str, Any]:
    """An item whose briefing holds a tax fact and a sentinel."""
    return {
        "case_id": case_id,
        "purpose": PURPOSE[kind],
        "minutes": 20,
        "briefing": f"{BRIEF_TAX}で、{BRIEF_GENERAL}。",
        **extra,
    }


def expire_pledges(suite: Any, member_id: str) -> None:
    """Move every pledge of a member into the past."""
    with suite.dbs["identity"].session() as session:
        session.execute(
            update(Pledge)
            .where(Pledge.member_id == member_id)
            .values(valid_until=date(2020, 3, 31))
        )


def revoke_pledges(suite: Any, member_id: str, token: str) -> None:
    """The member revokes every pledge of theirs through the identity API."""
    pledges = suite.client.get(f"/identity/members/{member_id}/pledges", headers=auth(token)).json()
    for pledge in pledges:
        response = suite.client.post(
            f"/identity/members/{member_id}/pledges/{pledge['id']}/revoke",
            json={},
            headers=auth(token),
        )
        assert response.status_code == 200, response.text
