"""What an auditor may know of minutes' audit targets: which meeting, which version, no content."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from minutes.meeting_minutes.models import Minutes, MinutesComment, MinutesItem

Ref = tuple[str, str]


def _ids(refs: list[Ref], kind: str) -> set[str]:
    return {target_id for target_type, target_id in refs if target_type == kind}


def describe(session: Session, refs: list[Ref]) -> dict[Ref, dict[str, Any]]:
    """Minutes by meeting and version; the meeting itself is described by agenda."""
    items = list(
        session.scalars(select(MinutesItem).where(MinutesItem.id.in_(_ids(refs, "minutes_item"))))
    )
    comments = list(
        session.scalars(select(MinutesComment).where(MinutesComment.id.in_(_ids(refs, "comment"))))
    )
    wanted = (
        _ids(refs, "minutes") | {i.minutes_id for i in items} | {c.minutes_id for c in comments}
    )
    found = {m.id: m for m in session.scalars(select(Minutes).where(Minutes.id.in_(wanted)))}

    def facts(minutes_id: str, kind: str) -> dict[str, Any] | None:
        minutes = found.get(minutes_id)
        if minutes is None:
            return None
        return {
            "kind": kind,
            "meeting_id": minutes.meeting_id,
            "conference_kind": minutes.conference_kind,
            "version": minutes.version,
        }

    out: dict[Ref, dict[str, Any]] = {}
    for minutes_id in _ids(refs, "minutes"):
        if (described := facts(minutes_id, "minutes")) is not None:
            out[("minutes", minutes_id)] = described
    for item in items:
        if (described := facts(item.minutes_id, "minutes_item")) is not None:
            out[("minutes_item", item.id)] = described | {"position": item.position}
    for comment in comments:
        if (described := facts(comment.minutes_id, "comment")) is not None:
            out[("comment", comment.id)] = described
    return out
