"""HTTP interface of pledge templates and signed pledges."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from identity.deps import AdminMember, CurrentMember
from identity.members.service import get_member
from identity.pledges import blocks, service
from identity.pledges.schemas import (
    ConferenceKind,
    PledgeBlockLift,
    PledgeBlockOut,
    PledgeOut,
    PledgeRevoke,
    PledgeSign,
    PledgeStatus,
    PledgeTemplateCreate,
    PledgeTemplateOut,
)
from kasane_shared.db import SessionDep
from kasane_shared.errors import forbidden
from kasane_shared.openapi_docs import problems

router = APIRouter(tags=["pledges"])
READERS = ("admin", "coordinator", "auditor")


@router.get("/pledge-templates", response_model=list[PledgeTemplateOut])
def list_templates(
    session: SessionDep, _: CurrentMember, kind: ConferenceKind | None = None
) -> list[PledgeTemplateOut]:
    """Pledge texts, every version, per conference kind."""
    return [service.template_out(session, t) for t in service.list_templates(session, kind)]


@router.post(
    "/pledge-templates", response_model=PledgeTemplateOut, status_code=status.HTTP_201_CREATED
)
def create_template(
    data: PledgeTemplateCreate, session: SessionDep, admin: AdminMember
) -> PledgeTemplateOut:
    """Publish a new version of a pledge text (admin)."""
    return service.template_out(session, service.create_template(session, data, admin.id))


@router.get("/members/{member_id}/pledges", response_model=list[PledgeOut])
def list_pledges(member_id: str, session: SessionDep, caller: CurrentMember) -> list[PledgeOut]:
    """A member's signed pledges (the member, admins, coordinators, auditors)."""
    service.require_self_or(caller.id, member_id, tuple(caller.roles), READERS)
    get_member(session, member_id)
    return [service.pledge_out(p) for p in service.list_pledges(session, member_id)]


@router.post(
    "/members/{member_id}/pledges", response_model=PledgeOut, status_code=status.HTTP_201_CREATED
)
def sign_pledge(
    member_id: str, data: PledgeSign, session: SessionDep, caller: CurrentMember
) -> PledgeOut:
    """Sign the current pledge of a kind, for oneself only."""
    if caller.id != member_id:
        raise forbidden(
            "誓約書は本人だけが署名できます。", "Only the member can sign their own pledge."
        )
    return service.pledge_out(service.sign(session, caller, data.template_id))


@router.post("/members/{member_id}/pledges/{pledge_id}/revoke", response_model=PledgeOut)
def revoke_pledge(
    member_id: str, pledge_id: str, data: PledgeRevoke, session: SessionDep, caller: CurrentMember
) -> PledgeOut:
    """Revoke a pledge (the member or an admin)."""
    service.require_self_or(caller.id, member_id, tuple(caller.roles), ("admin",))
    return service.pledge_out(service.revoke(session, member_id, pledge_id, caller.id, data.reason))


@router.get("/members/{member_id}/pledge-blocks", response_model=list[PledgeBlockOut])
def list_blocks(member_id: str, session: SessionDep, caller: CurrentMember) -> list[PledgeBlockOut]:
    """Admins' revocations that keep this member from signing again (lifted ones too)."""
    service.require_self_or(caller.id, member_id, tuple(caller.roles), READERS)
    get_member(session, member_id)
    return [blocks.block_out(b) for b in blocks.list_blocks(session, member_id)]


@router.post("/members/{member_id}/pledge-blocks/{block_id}/lift", response_model=PledgeBlockOut)
def lift_block(
    member_id: str,
    block_id: str,
    session: SessionDep,
    admin: AdminMember,
    data: PledgeBlockLift | None = None,
) -> PledgeBlockOut:
    """Allow the member to sign that kind's pledge again (admin, not for oneself; audited)."""
    reason = data.reason if data else None
    return blocks.block_out(blocks.lift(session, member_id, block_id, admin, reason))


@router.get("/members/{member_id}/pledges/status", response_model=PledgeStatus)
def pledge_status(
    member_id: str, session: SessionDep, caller: CurrentMember, kind: ConferenceKind
) -> PledgeStatus:
    """Does this member hold a valid pledge for this conference kind now."""
    service.require_self_or(caller.id, member_id, tuple(caller.roles), READERS)
    return service.status(session, member_id, kind)


@router.get("/pledge-status", response_model=list[PledgeStatus], responses=problems(404))
def pledge_statuses(
    session: SessionDep,
    caller: CurrentMember,
    kind: ConferenceKind,
    member_id: Annotated[list[str], Query(max_length=500)],
) -> list[PledgeStatus]:
    """Pledge status of several members at once (coordinators planning a meeting)."""
    service.require_self_or(caller.id, "", tuple(caller.roles), READERS)
    return [service.status(session, m, kind) for m in dict.fromkeys(member_id)]
