"""Minutes rules: the meeting's entitlements (as agenda decides them) and which version is
stored, current or shown; drafting, approval, reading and comments build on these."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kasane_shared.errors import conflict, not_found
from minutes.agenda_client import AgendaClient
from minutes.integrity.content import approved_mac, rows_key
from minutes.meeting_minutes.models import Minutes, MinutesItem, TaxBlock

CONTENT_AUDIENCE = {"shien": "attendees", "jusou": "scope"}


ITEMS, BLOCKS, COMMENTS = "minutes_items", "tax_blocks", "comments"


@dataclass
class Entitlements:
    """Who may read what at a meeting, as agenda decides it."""

    kind: str
    attendees: dict[str, dict[str, Any]]
    items: dict[str, dict[str, Any]]

    @classmethod
    def load(cls, agenda: AgendaClient, token: str, meeting_id: str) -> Entitlements:
        """Ask agenda (with the coordinator's token)."""
        raw = agenda.entitlements(token, meeting_id)
        return cls(
            kind=raw["meeting"]["kind"],
            attendees={a["member_id"]: a for a in raw["attendees"]},
            items={i["id"]: i for i in raw["items"]},
        )


def _latest(session: Session, meeting_id: str) -> Minutes | None:
    return session.scalar(
        select(Minutes)
        .where(Minutes.meeting_id == meeting_id)
        .order_by(Minutes.version.desc())
        .limit(1)
    )


def _version(session: Session, meeting_id: str, version: int | None) -> Minutes | None:
    if version is None:
        return _latest(session, meeting_id)
    return session.scalar(
        select(Minutes).where(Minutes.meeting_id == meeting_id, Minutes.version == version)
    )


def _latest_in(session: Session, meeting_id: str, status: str) -> Minutes | None:
    return session.scalar(
        select(Minutes)
        .where(Minutes.meeting_id == meeting_id, Minutes.status == status)
        .order_by(Minutes.version.desc())
        .limit(1)
    )


def shown_version(
    session: Session, meeting_id: str, version: int | None, coordinator: bool
) -> Minutes | None:
    """The version a caller reads: members never see a draft and keep the approved version
    while a correction is under way (they reach a correction in review by its number)."""
    if coordinator:
        return _version(session, meeting_id, version)
    if version is None:
        return _latest_in(session, meeting_id, "approved") or _latest_in(
            session, meeting_id, "in_review"
        )
    chosen = _version(session, meeting_id, version)
    return None if chosen is None or chosen.status == "draft" else chosen


def _items(session: Session, minutes: Minutes) -> list[MinutesItem]:
    return list(
        session.scalars(
            select(MinutesItem)
            .where(MinutesItem.minutes_id == minutes.id)
            .order_by(MinutesItem.position)
        )
    )


def _blocks(session: Session, items: list[MinutesItem]) -> dict[str, TaxBlock]:
    ids = [block_id for i in items for block_id in (i.tax_blocks or {}).values()]
    return (
        {b.id: b for b in session.scalars(select(TaxBlock).where(TaxBlock.id.in_(ids)))}
        if ids
        else {}
    )


def content_hash(
    session: Session, minutes: Minutes, items: list[MinutesItem], blocks: dict[str, TaxBlock]
) -> str:
    """The MAC approval fixes (rows key): everything stored for a version, tax blocks by id."""
    return approved_mac(rows_key(session), minutes, items, blocks)


def _require_status(minutes: Minutes | None, *statuses: str) -> Minutes:
    if minutes is None:
        raise not_found("会議録", "Minutes")
    if minutes.status not in statuses:
        raise conflict(
            "wrong_status",
            "現在の状態ではこの操作はできません。",
            "Not possible in the minutes' current state.",
        )
    return minutes


def versions(session: Session, meeting_id: str, coordinator: bool = True) -> list[Minutes]:
    """Every version of a meeting's minutes, oldest first (drafts for coordinators only)."""
    query = select(Minutes).where(Minutes.meeting_id == meeting_id)
    if not coordinator:
        query = query.where(Minutes.status != "draft")
    return list(session.scalars(query.order_by(Minutes.version)))
