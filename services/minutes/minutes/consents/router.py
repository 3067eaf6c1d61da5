"""HTTP interface of consent withdrawal in minutes (agenda calls it as the coordinator)."""

from __future__ import annotations

from fastapi import APIRouter

from kasane_shared.auth.deps import CoordinatorCaller
from kasane_shared.db import SessionDep
from minutes.consents import service
from minutes.consents.schemas import ConsentWithdrawal, WithdrawalOut
from minutes.deps import IdentityDep

router = APIRouter(prefix="/cases/{case_id}", tags=["consents"])


@router.post("/consent-withdrawal", response_model=WithdrawalOut)
def consent_withdrawal(
    case_id: str,
    data: ConsentWithdrawal,
    session: SessionDep,
    caller: CoordinatorCaller,
    identity: IdentityDep,
) -> WithdrawalOut:
    """Take back the minutes' keys of a case from those its consent no longer covers."""
    return service.withdraw(session, identity, caller, case_id, data)
