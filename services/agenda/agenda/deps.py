"""Agenda's request dependencies: the verified caller with their token, and identity."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from kasane_shared.auth.deps import Caller, CurrentCaller, require_caller_role
from agenda.minutes_client import MinutesClient
from kasane_shared.custody import IdentityClient


# Coordinators only: admins and auditors see no case content.
require_coordinator = require_caller_role("coordinator")


# Reads app state only: async, so it runs on the event loop without a thread hop.
async def get_identity(request: Request) -> IdentityClient:
    """The identity client (HTTP in both modes)."""
    return request.app.state.identity


async def get_minutes(request: Request) -> MinutesClient:
    """The minutes client (HTTP in both modes)."""
    return request.app.state.minutes


Coordinator = Annotated[Caller, Depends(require_coordinator)]
IdentityDep = Annotated[IdentityClient, Depends(get_identity)]
MinutesDep = Annotated[MinutesClient, Depends(get_minutes)]

__all__ = [
    "Caller",
    "Coordinator",
    "CurrentCaller",
    "IdentityDep",
    "MinutesDep",
    "require_coordinator",
]
