"""Review for real: attendees confirm, a separate approver where the city wants one, reasons."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kasane_shared.auth.deps import Caller
from kasane_shared.custody import IdentityClient
from kasane_shared.disclosure import Disclosure
from kasane_shared.errors import KasaneError, conflict, not_found
from minutes.agenda_client import AgendaClient
from minutes.audit import record
from minutes.meeting_minutes.models import CorrectionReason, Minutes, MinutesConfirmation
from minutes.meeting_minutes.schemas import ConfirmationOut, MinutesOut
from minutes.meeting_minutes.sealing import open_for, seal_record

REASONS = "correction_reasons"


def _in_review(session: Session, meeting_id: str) -> Minutes | None:
    return session.scalar(
        select(Minutes)
        .where(Minutes.meeting_id == meeting_id, Minutes.status == "in_review")
        .order_by(Minutes.version.desc())
        .limit(1)
    )


def _confirmations(session: Session, minutes: Minutes) -> list[MinutesConfirmation]:
    return list(
        session.scalars(
            select(MinutesConfirmation)
            .where(MinutesConfirmation.minutes_id == minutes.id)
            .order_by(MinutesConfirmation.confirmed_at)
        )
    )


def confirm(
    session: Session,
    identity: IdentityClient,
    agenda: AgendaClient,
    caller: Caller,
    meeting_id: str,
) -> ConfirmationOut:
    """An attendee says 「確認しました」 for the version in review (once)."""
    kind = agenda.agenda_view(caller.token, meeting_id)["meeting"]["kind"]
    Disclosure(identity, caller).require_content(kind, "confirm")
    minutes = _in_review(session, meeting_id)
    if minutes is None:
        raise conflict(
            "wrong_status",
            "確認中の会議録がありません。",
            "There are no minutes in review.",
        )
    if caller.member_id not in minutes.attendance:
        raise KasaneError(
            403,
            "not_attendee",
            "会議に出席したメンバーだけが会議録を確認できます。",
            "Only those who attended confirm the minutes.",
        )
    if any(c.member_id == caller.member_id for c in _confirmations(session, minutes)):
        raise conflict(
            "already_confirmed",
            "この版はすでに確認済みです。",
            "You have already confirmed this version.",
        )
    confirmation = MinutesConfirmation(minutes_id=minutes.id, member_id=caller.member_id)
    session.add(confirmation)
    session.flush()
    record(
        session,
        "minutes.confirm",
        caller.member_id,
        "minutes",
        minutes.id,
        version=minutes.version,
    )
    return ConfirmationOut(
        member_id=caller.member_id,
        version=minutes.version,
        confirmed_at=confirmation.confirmed_at,
    )


def confirmations(session: Session, meeting_id: str, version: int) -> list[ConfirmationOut]:
    """Who confirmed a version (for the coordinator)."""
    minutes = session.scalar(
        select(Minutes).where(Minutes.meeting_id == meeting_id, Minutes.version == version)
    )
    if minutes is None:
        raise not_found("会議録", "Minutes")
    return [
        ConfirmationOut(member_id=c.member_id, version=minutes.version, confirmed_at=c.confirmed_at)
        for c in _confirmations(session, minutes)
    ]


def add_review_state(session: Session, caller: Caller, view: MinutesOut) -> MinutesOut:
    """Fill in the caller's confirmation, who confirmed (coordinators) and a pending correction."""
    if view.id is None:
        return view
    minutes = session.get(Minutes, view.id)
    if minutes is None:
        return view
    confirmed = _confirmations(session, minutes)
    view.confirmed_by_me = any(c.member_id == caller.member_id for c in confirmed)
    if caller.has_role("coordinator"):
        view.confirmations = [
            ConfirmationOut(
                member_id=c.member_id, version=minutes.version, confirmed_at=c.confirmed_at
            )
            for c in confirmed
        ]
    pending = _in_review(session, minutes.meeting_id)
    if pending is not None and pending.id != minutes.id:
        view.review_version = pending.version
    return view


def require_separate_approver(
    session: Session, separate: bool, caller: Caller, meeting_id: str
) -> None:
    """Where the city requires it, whoever wrote or submitted the minutes does not approve."""
    if not separate:
        return
    minutes = _in_review(session, meeting_id)
    if minutes is not None and caller.member_id in {minutes.created_by, minutes.submitted_by}:
        raise conflict(
            "same_approver",
            "この会議録は作成者以外の担当者が承認してください（市の設定）。",
            "Someone other than the author approves these minutes (the city's setting).",
        )


def seal_reason(
    session: Session,
    identity: IdentityClient,
    caller: Caller,
    minutes: Minutes,
    reason: str,
) -> None:
    """Keep why a correction was started, sealed for the attendees and the writer."""
    row = CorrectionReason(minutes_id=minutes.id, author_id=caller.member_id, seal_version=1)
    session.add(row)
    session.flush()
    readers = sorted({*minutes.attendance, minutes.created_by, caller.member_id})
    seal_record(
        session,
        REASONS,
        row,
        "attendees",
        {"reason": reason},
        identity.public_keys(caller.token, readers),
        minutes.conference_kind,
        identity.escrow_key(caller.token, "minutes"),
    )
    record(
        session,
        "minutes.correction_reason",
        caller.member_id,
        "minutes",
        minutes.id,
        version=minutes.version,
    )


def version_rows(
    session: Session,
    identity: IdentityClient,
    caller: Caller,
    kind: str,
    rows: list[Minutes],
) -> list[dict[str, Any]]:
    """Every version with its status, approver, hash and the reason the caller may read."""
    reasons = {
        r.minutes_id: r
        for r in session.scalars(
            select(CorrectionReason).where(CorrectionReason.minutes_id.in_([m.id for m in rows]))
        )
    }
    opened = open_for(
        session,
        identity,
        caller.token,
        caller.member_id,
        kind,
        [(REASONS, r.id) for r in reasons.values()],
    )
    out = []
    for m in rows:
        reason = reasons.get(m.id)
        fields = opened.open(REASONS, reason, "attendees") if reason else None
        out.append(
            {
                "version": m.version,
                "status": m.status,
                "created_by": m.created_by,
                "created_at": m.created_at,
                "submitted_by": m.submitted_by,
                "submitted_at": m.submitted_at,
                "approved_by": m.approved_by,
                "approved_at": m.approved_at,
                "content_hash": m.content_hash,
                "correction_reason": fields["reason"] if fields else None,
                "confirmed": len(_confirmations(session, m)),
            }
        )
    return out
