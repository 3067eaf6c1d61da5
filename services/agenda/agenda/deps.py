"""Agenda's request dependencies: the verified caller with their token, and identity."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from kasane_shared.auth.deps import CurrentClaims
from kasane_shared.auth.tokens import TokenClaims
from kasane_shared.custody import IdentityClient
from kasane_shared.errors import forbidden


@dataclass(frozen=True)
class Caller:
    """Who is calling and the token that proved it (forwarded to identity on their behalf)."""

    claims: TokenClaims
    token: str

    @property
    def id(self) -> str:
        """The caller's member id."""
        return self.claims.subject

    @property
    def organization_id(self) -> str | None:
        """The caller's organization."""
        return self.claims.organization_id

    def has_role(self, role: str) -> bool:
        """Whether the caller holds ``role``."""
        return self.claims.has_role(role)

    @property
    def is_coordinator(self) -> bool:
        """Coordinators (事務局) run cases and meetings."""
        return self.claims.has_role("coordinator")


def get_caller(request: Request, claims: CurrentClaims) -> Caller:
    """The verified caller and their raw token."""
    return Caller(claims, request.state.bearer_token)


def require_coordinator(caller: Annotated[Caller, Depends(get_caller)]) -> Caller:
    """Admit coordinators only (admins and auditors see no case content)."""
    if not caller.is_coordinator:
        raise forbidden()
    return caller


def get_identity(request: Request) -> IdentityClient:
    """The identity client (HTTP in both modes)."""
    return request.app.state.identity


CurrentCaller = Annotated[Caller, Depends(get_caller)]
Coordinator = Annotated[Caller, Depends(require_coordinator)]
IdentityDep = Annotated[IdentityClient, Depends(get_identity)]
