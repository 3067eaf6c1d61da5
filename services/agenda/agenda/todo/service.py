"""What waits for the caller in agenda: meetings ahead and agendas handed out and not read."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from agenda.base import AuditEntry
from agenda.distribution.models import MeetingDistribution
from agenda.meetings.models import Attendee, Meeting
from agenda.meetings.service import local

# The audit log's own timestamp format: ISO strings compare in time order.
STAMP = "%Y-%m-%dT%H:%M:%S.%fZ"


def _last_reads(session: Session, member_id: str) -> dict[str, str]:
    """When the member last read each agenda with content (the audit log records every view)."""
    rows = session.execute(
        select(AuditEntry.target_id, AuditEntry.recorded_at, AuditEntry.details).where(
            AuditEntry.actor_id == member_id, AuditEntry.action == "agenda.view"
        )
    )
    reads: dict[str, str] = {}
    for target, at, details in rows:
        # A view without a pledge showed time and place only: nothing was read.
        if target and (details or {}).get("pledge") and at > reads.get(target, ""):
            reads[target] = at
    return reads


def todo(session: Session, member_id: str, now: datetime | None = None) -> dict[str, Any]:
    """Upcoming meetings the member is invited to; which of their agendas wait to be read."""
    now = now or datetime.now(UTC)
    rows = session.execute(
        select(Meeting, MeetingDistribution.distributed_at)
        .join(Attendee, Attendee.meeting_id == Meeting.id)
        .outerjoin(MeetingDistribution, MeetingDistribution.meeting_id == Meeting.id)
        .where(
            Attendee.member_id == member_id,
            Meeting.ends_at >= now,
            Meeting.status != "cancelled",
        )
        .order_by(Meeting.starts_at, Meeting.id)
    ).all()
    reads = _last_reads(session, member_id) if rows else {}
    invitations, unread = [], []
    for meeting, distributed_at in rows:
        invitations.append({"meeting_id": meeting.id})
        if distributed_at is None:
            continue
        # Read before the latest distribution: the agenda changed since, so it waits again.
        if reads.get(meeting.id, "") < distributed_at.astimezone(UTC).strftime(STAMP):
            unread.append(
                {
                    "meeting_id": meeting.id,
                    "distributed_at": local(meeting, distributed_at).isoformat(),
                }
            )
    return {"invitations": invitations, "unread_agendas": unread}
