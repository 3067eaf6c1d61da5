"""HTTP interface of members."""

from __future__ import annotations

from fastapi import APIRouter, status

from identity.deps import AdminMember, CurrentMember, KekDep, SettingsDep
from identity.members import service
from identity.members.schemas import MemberCreate, MemberOut, MemberUpdate
from kasane_shared.db import SessionDep

router = APIRouter(prefix="/members", tags=["members"])


@router.get("", response_model=list[MemberOut])
def list_members(
    session: SessionDep, caller: CurrentMember, include_inactive: bool = False
) -> list[MemberOut]:
    """Active members (admins and auditors may include those who left)."""
    everyone = include_inactive and bool({"admin", "auditor"} & set(caller.roles))
    return [service.to_out(m) for m in service.list_members(session, include_inactive=everyone)]


@router.post("", response_model=MemberOut, status_code=status.HTTP_201_CREATED)
def create_member(
    data: MemberCreate, session: SessionDep, admin: AdminMember, settings: SettingsDep, kek: KekDep
) -> MemberOut:
    """Enroll a member (admin)."""
    return service.to_out(
        service.create_member(
            session, data, admin.id, kek=kek, demo=settings.demo, initial_password=True
        )
    )


@router.get("/{member_id}", response_model=MemberOut)
def get_member(member_id: str, session: SessionDep, _: CurrentMember) -> MemberOut:
    """One member."""
    return service.to_out(service.get_member(session, member_id))


@router.patch("/{member_id}", response_model=MemberOut)
def update_member(
    member_id: str,
    data: MemberUpdate,
    session: SessionDep,
    admin: AdminMember,
    settings: SettingsDep,
    kek: KekDep,
) -> MemberOut:
    """Change a member's name, organization, roles, password or status (admin)."""
    return service.to_out(
        service.update_member(session, member_id, data, admin.id, kek=kek, demo=settings.demo)
    )
