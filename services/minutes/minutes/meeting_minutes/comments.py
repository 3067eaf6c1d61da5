"""Comments on minutes in review, sealed for the pledged attendees."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kasane_shared.auth.deps import Caller
from kasane_shared.custody import IdentityClient
from kasane_shared.disclosure import Disclosure
from minutes.agenda_client import AgendaClient
from minutes.audit import record
from minutes.meeting_minutes.models import MinutesComment
from minutes.meeting_minutes.schemas import CommentIn, CommentOut
from minutes.meeting_minutes.sealing import open_for, seal_record
from minutes.meeting_minutes.service import COMMENTS, _latest, _require_status


def add_comment(
    session: Session,
    identity: IdentityClient,
    agenda: AgendaClient,
    caller: Caller,
    meeting_id: str,
    data: CommentIn,
) -> CommentOut:
    """An attendee comments while the minutes are in review; sealed for the pledged attendees."""
    meeting = agenda.agenda_view(caller.token, meeting_id)["meeting"]
    Disclosure(identity, caller).require_content(meeting["kind"], "comment")
    minutes = _require_status(_latest(session, meeting_id), "in_review")
    comment = MinutesComment(
        minutes_id=minutes.id,
        author_id=caller.member_id,
        agenda_item_id=data.agenda_item_id,
        seal_version=1,
    )
    session.add(comment)
    session.flush()
    audience_ids = {*minutes.attendance, minutes.created_by, caller.member_id}
    recipients = identity.public_keys(caller.token, sorted(audience_ids))
    escrow = identity.escrow_key(caller.token, "minutes")
    seal_record(
        session,
        COMMENTS,
        comment,
        "attendees",
        {"text": data.text},
        recipients,
        meeting["kind"],
        escrow,
    )
    record(
        session, "minutes.comment", caller.member_id, "comment", comment.id, minutes_id=minutes.id
    )
    return CommentOut(
        id=comment.id,
        author_id=comment.author_id,
        agenda_item_id=comment.agenda_item_id,
        created_at=comment.created_at,
        text=data.text,
    )


def list_comments(
    session: Session,
    identity: IdentityClient,
    agenda: AgendaClient,
    caller: Caller,
    meeting_id: str,
) -> list[CommentOut]:
    """Comments on the current version, opened where the caller holds the key."""
    kind = agenda.agenda_view(caller.token, meeting_id)["meeting"]["kind"]
    Disclosure(identity, caller).require_content(kind)
    minutes = _latest(session, meeting_id)
    if minutes is None:
        return []
    comments = list(
        session.scalars(
            select(MinutesComment)
            .where(MinutesComment.minutes_id == minutes.id)
            .order_by(MinutesComment.created_at)
        )
    )
    opened = open_for(
        session,
        identity,
        caller.token,
        caller.member_id,
        kind,
        [(COMMENTS, c.id) for c in comments],
    )
    out = []
    for c in comments:
        fields = opened.open(COMMENTS, c, "attendees")
        out.append(
            CommentOut(
                id=c.id,
                author_id=c.author_id,
                agenda_item_id=c.agenda_item_id,
                created_at=c.created_at,
                text=fields["text"] if fields else None,
            )
        )
    return out
