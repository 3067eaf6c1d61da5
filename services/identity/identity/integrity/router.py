"""HTTP interface of integrity: a service's own keys, and anchoring its audit head."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, Security
from fastapi.security import HTTPAuthorizationCredentials

from identity.deps import KekDep
from identity.integrity.schemas import AnchorOut, HeadIn, ServiceKeysOut
from identity.integrity.service import KEYED_SERVICES, service_keys
from identity.oauth.service import active_client
from kasane_shared.auth.service_tokens import ServiceCaller, require_scope
from kasane_shared.db import SessionDep
from kasane_shared.errors import forbidden, not_found
from kasane_shared.integrity import encode_keys
from kasane_shared.openapi_docs import BEARER_SCHEME

BearerCredentials = Annotated[HTTPAuthorizationCredentials | None, Security(BEARER_SCHEME)]
router = APIRouter(prefix="/integrity", tags=["integrity"])


def kasane_service(scope: str) -> Callable[..., ServiceCaller]:
    """Admit only Kasane's own services (agenda, minutes) with an active client and ``scope``."""
    scoped = require_scope(scope)

    def check(
        request: Request, session: SessionDep, credentials: BearerCredentials
    ) -> ServiceCaller:
        caller = scoped(request, credentials)
        client = active_client(session, caller.client_id)
        if caller.client_id not in KEYED_SERVICES or client is None or scope not in client.scopes:
            raise forbidden()
        return caller

    return check


KeysCaller = Annotated[ServiceCaller, Depends(kasane_service("integrity:keys"))]
AnchorCaller = Annotated[ServiceCaller, Depends(kasane_service("audit:anchor"))]


@router.get("/keys", response_model=ServiceKeysOut)
def keys(session: SessionDep, caller: KeysCaller, kek: KekDep) -> ServiceKeysOut:
    """The calling service's integrity keys (audit chain and trust rows), to hold in memory."""
    return ServiceKeysOut(**encode_keys(service_keys(session, kek, caller.client_id)))


@router.post("/anchors", status_code=204)
def anchor(data: HeadIn, request: Request, session: SessionDep, caller: AnchorCaller) -> Response:
    """Anchor the calling service's committed audit head outside its database."""
    request.app.state.anchor_book.anchor(
        session, caller.client_id, data.seq, data.entry_hash, data.keyed_from
    )
    return Response(status_code=204)


@router.get("/anchors/latest", response_model=AnchorOut)
def latest(request: Request, session: SessionDep, caller: AnchorCaller) -> AnchorOut:
    """The newest anchor of the calling service's chain (verified by identity)."""
    found, _ = request.app.state.anchor_book.newest(session, caller.client_id)
    if found is None:
        raise not_found("アンカー", "Anchor")
    return AnchorOut(**found.__dict__)
