"""HTTP interface of the caller's agenda to-do list (ホーム)."""

from __future__ import annotations

from fastapi import APIRouter

from agenda.deps import CurrentCaller
from agenda.todo import service
from kasane_shared.db import SessionDep

router = APIRouter(tags=["to-do"])


@router.get("/todo")
def todo(session: SessionDep, caller: CurrentCaller) -> dict:
    """My upcoming invitations and the distributed agendas I have not read since (ids only)."""
    return service.todo(session, caller.id)
