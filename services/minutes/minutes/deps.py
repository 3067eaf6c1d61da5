"""The minutes service's request dependencies."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from kasane_shared.custody import IdentityClient
from kasane_shared.settings import Settings
from minutes.agenda_client import AgendaClient


# Reads app state only: async, so it runs on the event loop without a thread hop.
async def get_identity(request: Request) -> IdentityClient:
    """Identity, reached over HTTP."""
    return request.app.state.identity


async def get_agenda(request: Request) -> AgendaClient:
    """Agenda, reached over HTTP."""
    return request.app.state.agenda


async def get_settings(request: Request) -> Settings:
    """The process's settings (the city's choices among them)."""
    return request.app.state.settings


IdentityDep = Annotated[IdentityClient, Depends(get_identity)]
AgendaDep = Annotated[AgendaClient, Depends(get_agenda)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
