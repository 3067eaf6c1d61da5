"""HTTP interface of key custody: public keys, unwrap, rewrap (grant), rotation status."""

from __future__ import annotations

from typing import Annotated

from dataclasses import dataclass

from fastapi import APIRouter, Depends, Query, Request, Security
from fastapi.security import HTTPAuthorizationCredentials

from identity.custody import service
from identity.custody.rotation import key_status as key_status_of
from identity.custody.schemas import (
    KeyStatus,
    PublicKeyOut,
    RewrapItem,
    RewrapRequest,
    RewrapResponse,
    RewrapResult,
    UnwrapRequest,
    UnwrapResponse,
)
from identity.deps import (
    AdminMember,
    CurrentMember,
    KekDep,
    RequireRole,
    SettingsDep,
    get_current_member,
)
from identity.members.models import Member
from identity.oauth.service import active_client
from kasane_shared.auth.deps import get_claims
from kasane_shared.auth.service_tokens import ServiceCaller, service_caller
from kasane_shared.crypto import CryptoError, parse_wrap_header
from kasane_shared.db import SessionDep
from kasane_shared.errors import forbidden, not_found
from kasane_shared.openapi_docs import BEARER_SCHEME

router = APIRouter(tags=["keys"])
Coordinator = Annotated[Member, Depends(RequireRole("coordinator"))]
REWRAP_SCOPE = "custody:rewrap"


@dataclass(frozen=True)
class ServiceActor:
    """A service granting as itself; ``id`` is what the audit log records."""

    id: str
    client_id: str


def rewrap_caller(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Security(BEARER_SCHEME)],
) -> Member | ServiceActor:
    """A coordinator's live session, or a service token holding ``custody:rewrap``."""
    service_token = service_caller(request)
    if service_token is not None:
        # The token alone is not enough: a client disabled (or stripped of the scope) since
        # the token was issued loses rewrap power now, not when the token expires.
        client = active_client(session, service_token.client_id)
        if client is None or REWRAP_SCOPE not in client.scopes:
            raise forbidden(
                "このサービスのクライアントは無効化されています。",
                "This service's client is disabled.",
            )
        return _service_actor(service_token)
    member = get_current_member(get_claims(request, credentials), session, settings)
    if "coordinator" not in member.roles:
        raise forbidden()
    return member


def _service_actor(caller: ServiceCaller) -> ServiceActor:
    if REWRAP_SCOPE not in caller.scopes:
        raise forbidden(
            "このサービスには鍵の付与（custody:rewrap）のスコープがありません。",
            "This service lacks the custody:rewrap scope.",
        )
    return ServiceActor(caller.actor_id, caller.client_id)


def _escrow_service(item: RewrapItem) -> str | None:
    try:
        return parse_wrap_header(item.escrow_wrap).binding.service
    except CryptoError:
        return None


@router.get("/public-keys", response_model=list[PublicKeyOut])
def public_keys(
    session: SessionDep, _: CurrentMember, member_id: Annotated[list[str], Query(max_length=500)]
) -> list[PublicKeyOut]:
    """Current public keys of active members (departed members have none)."""
    return [
        PublicKeyOut(**service.public_key_out(k)) for k in service.public_keys(session, member_id)
    ]


@router.get("/escrow-keys/{service_name}", response_model=PublicKeyOut)
def escrow_key(service_name: str, session: SessionDep, _: CurrentMember) -> PublicKeyOut:
    """A service's escrow public key: content is wrapped for it too: grants need no reader."""
    if service_name not in service.ESCROW_SERVICES:
        raise not_found("鍵", "Key")
    key = service.current_key(session, service.escrow_owner(service_name))
    if key is None:
        raise not_found("鍵", "Key")
    return PublicKeyOut(**service.public_key_out(key))


@router.post("/keys/unwrap", response_model=UnwrapResponse)
def unwrap(
    data: UnwrapRequest, session: SessionDep, member: CurrentMember, kek: KekDep
) -> UnwrapResponse:
    """Open data keys wrapped for the caller (own token, active, valid pledge for the kind).

    With ``pledge_kind``, nothing is opened unless the caller holds a valid pledge for that
    kind; ``pledge_valid`` says whether they do."""
    pledged, opened = service.open_wraps_if_pledged(
        session, kek, member, data.wrapped, data.pledge_kind
    )
    return UnwrapResponse(results=service.unwrap_results(opened), pledge_valid=pledged)


@router.post("/keys/rewrap", response_model=RewrapResponse)
def rewrap(
    data: RewrapRequest,
    session: SessionDep,
    caller: Annotated[Member | ServiceActor, Depends(rewrap_caller)],
    kek: KekDep,
) -> RewrapResponse:
    """Grant: re-address escrow wraps to validly pledged members (coordinator or custody:rewrap)."""
    if not isinstance(caller, ServiceActor):
        return RewrapResponse(results=service.rewrap_batch(session, kek, caller, data.items))
    # A service re-addresses only its own escrow wraps, never another service's.
    own = [i for i, item in enumerate(data.items) if _escrow_service(item) == caller.client_id]
    granted = iter(service.rewrap_batch(session, kek, caller, [data.items[i] for i in own]))  # type: ignore[arg-type]
    own_set = set(own)
    return RewrapResponse(
        results=[
            next(granted) if i in own_set else RewrapResult(error="not_escrow")
            for i in range(len(data.items))
        ]
    )


@router.get("/keys/status", response_model=KeyStatus)
def key_status(session: SessionDep, _: AdminMember, kek: KekDep) -> KeyStatus:
    """KEK version and what each version seals (admin; no key material)."""
    return key_status_of(session, kek)
