"""HTTP interface of key custody: public keys, unwrap, rewrap (grant), rotation status."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from identity.custody import service
from identity.custody.schemas import (
    KeyStatus,
    PublicKeyOut,
    RewrapRequest,
    RewrapResponse,
    UnwrapRequest,
    UnwrapResponse,
)
from identity.deps import AdminMember, CurrentMember, KekDep, RequireRole
from identity.members.models import Member
from kasane_shared.db import SessionDep
from kasane_shared.errors import not_found

router = APIRouter(tags=["keys"])
Coordinator = Annotated[Member, Depends(RequireRole("coordinator"))]


@router.get("/public-keys", response_model=list[PublicKeyOut])
def public_keys(session: SessionDep, _: CurrentMember, member_id: Annotated[list[str], Query(max_length=500)]) -> list[PublicKeyOut]:
    """Current public keys of active members (departed members have none)."""
    return [PublicKeyOut(**service.public_key_out(k)) for k in service.public_keys(session, member_id)]


@router.get("/escrow-keys/{service_name}", response_model=PublicKeyOut)
def escrow_key(service_name: str, session: SessionDep, _: CurrentMember) -> PublicKeyOut:
    """A service's escrow public key: content is also wrapped for it so grants need no reader online."""
    if service_name not in service.ESCROW_SERVICES:
        raise not_found("鍵", "Key")
    key = service.current_key(session, service.escrow_owner(service_name))
    if key is None:
        raise not_found("鍵", "Key")
    return PublicKeyOut(**service.public_key_out(key))


@router.post("/keys/unwrap", response_model=UnwrapResponse)
def unwrap(data: UnwrapRequest, session: SessionDep, member: CurrentMember, kek: KekDep) -> UnwrapResponse:
    """Open data keys wrapped for the caller (own token, active, valid pledge for the bound kind)."""
    return UnwrapResponse(results=service.unwrap_batch(session, kek, member, data.wrapped))


@router.post("/keys/rewrap", response_model=RewrapResponse)
def rewrap(data: RewrapRequest, session: SessionDep, coordinator: Coordinator, kek: KekDep) -> RewrapResponse:
    """Grant: re-address escrow wraps to members holding a valid pledge (coordinator)."""
    return RewrapResponse(results=service.rewrap_batch(session, kek, coordinator, data.items))


@router.get("/keys/status", response_model=KeyStatus)
def key_status(session: SessionDep, _: AdminMember, kek: KekDep) -> KeyStatus:
    """KEK version and what each version seals (admin; no key material)."""
    return service.key_status(session, kek)
