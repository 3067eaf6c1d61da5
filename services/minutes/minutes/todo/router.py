"""HTTP interface of the caller's minutes to-do list (ホーム)."""

from __future__ import annotations

from fastapi import APIRouter

from kasane_shared.auth.deps import CurrentCaller
from kasane_shared.db import SessionDep
from minutes.deps import SettingsDep
from minutes.todo import service

router = APIRouter(tags=["to-do"])


@router.get("/todo")
def todo(session: SessionDep, caller: CurrentCaller, settings: SettingsDep) -> dict:
    """Minutes in review waiting for my 「確認しました」 or my approval (ids only)."""
    return service.todo(session, caller, settings.minutes_separate_approver)
