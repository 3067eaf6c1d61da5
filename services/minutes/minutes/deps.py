"""The minutes service's request dependencies."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from kasane_shared.custody import IdentityClient
from minutes.agenda_client import AgendaClient


def get_identity(request: Request) -> IdentityClient:
    """Identity, reached over HTTP."""
    return request.app.state.identity


def get_agenda(request: Request) -> AgendaClient:
    """Agenda, reached over HTTP."""
    return request.app.state.agenda


IdentityDep = Annotated[IdentityClient, Depends(get_identity)]
AgendaDep = Annotated[AgendaClient, Depends(get_agenda)]
