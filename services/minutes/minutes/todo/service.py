"""Which minutes in review wait for the caller: a confirmation or an approval (ids only)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kasane_shared.auth.deps import Caller
from minutes.meeting_minutes.models import Minutes, MinutesConfirmation


def _row(minutes: Minutes) -> dict[str, Any]:
    return {
        "meeting_id": minutes.meeting_id,
        "version": minutes.version,
        "submitted_at": minutes.submitted_at,
    }


def todo(session: Session, caller: Caller, separate_approver: bool) -> dict[str, Any]:
    """Minutes in review the caller attended and has not confirmed; those they may approve."""
    in_review = list(
        session.scalars(
            select(Minutes)
            .where(Minutes.status == "in_review")
            .order_by(Minutes.submitted_at, Minutes.meeting_id)
        )
    )
    confirmed = set(
        session.scalars(
            select(MinutesConfirmation.minutes_id).where(
                MinutesConfirmation.member_id == caller.member_id,
                MinutesConfirmation.minutes_id.in_([m.id for m in in_review]),
            )
        )
    )
    to_confirm = [
        _row(m) for m in in_review if caller.member_id in m.attendance and m.id not in confirmed
    ]
    to_approve = []
    if caller.has_role("coordinator"):
        # The same rule as approving: where the city wants it, not the writer or the submitter.
        to_approve = [
            _row(m)
            for m in in_review
            if not separate_approver or caller.member_id not in {m.created_by, m.submitted_by}
        ]
    return {"to_confirm": to_confirm, "to_approve": to_approve}
