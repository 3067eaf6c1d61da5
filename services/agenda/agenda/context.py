"""The per-request key context as a dependency."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from agenda.backlog import seal_waiting
from agenda.integrity.backfill import backfill_waiting
from agenda.deps import Coordinator, CurrentCaller, IdentityDep
from agenda.keys.service import KeyContext
from kasane_shared.db import SessionDep


def coordinator_context(
    request: Request, session: SessionDep, identity: IdentityDep, caller: Coordinator
) -> KeyContext:
    """A coordinator's key context (everything that changes case data)."""
    backfill_waiting(request.app.state)
    seal_waiting(request.app.state, identity, caller)
    return KeyContext(session, identity, caller)


def caller_context(
    request: Request, session: SessionDep, identity: IdentityDep, caller: CurrentCaller
) -> KeyContext:
    """Any signed-in caller's key context (views); grants may act as the service itself."""
    backfill_waiting(request.app.state)
    seal_waiting(request.app.state, identity, caller)
    return KeyContext(session, identity, caller, getattr(request.app.state, "service_tokens", None))


CoordinatorCtx = Annotated[KeyContext, Depends(coordinator_context)]
CallerCtx = Annotated[KeyContext, Depends(caller_context)]
