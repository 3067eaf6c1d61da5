"""HTTP interface of meeting entitlements (coordinators; the minutes service seals by it)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from agenda.deps import Caller, require_coordinator
from agenda.entitlements.service import meeting_entitlements
from agenda.integrity.backfill import backfill_waiting
from kasane_shared.db import SessionDep

router = APIRouter(tags=["meetings"])


@router.get("/meetings/{meeting_id}/entitlements")
def get_entitlements(
    meeting_id: str,
    request: Request,
    session: SessionDep,
    _: Annotated[Caller, Depends(require_coordinator)],
) -> dict[str, Any]:
    """Who may read what at this meeting: content and tax audiences per item (ids only)."""
    backfill_waiting(request.app.state)
    return meeting_entitlements(session, meeting_id)
