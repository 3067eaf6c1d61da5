"""HTTP interface of organizations."""

from __future__ import annotations

from fastapi import APIRouter, status

from identity.deps import AdminMember, CurrentMember
from identity.organizations import service
from identity.organizations.schemas import OrganizationCreate, OrganizationOut, OrganizationUpdate
from kasane_shared.db import SessionDep

router = APIRouter(prefix="/organizations", tags=["organizations"])


@router.get("", response_model=list[OrganizationOut])
def list_organizations(session: SessionDep, _: CurrentMember) -> list[OrganizationOut]:
    """All organizations (any signed-in member)."""
    return [service.to_out(o) for o in service.list_organizations(session)]


@router.post("", response_model=OrganizationOut, status_code=status.HTTP_201_CREATED)
def create_organization(
    data: OrganizationCreate, session: SessionDep, admin: AdminMember
) -> OrganizationOut:
    """Register an organization (admin)."""
    return service.to_out(service.create_organization(session, data, admin.id))


@router.get("/{organization_id}", response_model=OrganizationOut)
def get_organization(
    organization_id: str, session: SessionDep, _: CurrentMember
) -> OrganizationOut:
    """One organization."""
    return service.to_out(service.get_organization(session, organization_id))


@router.patch("/{organization_id}", response_model=OrganizationOut)
def update_organization(
    organization_id: str, data: OrganizationUpdate, session: SessionDep, admin: AdminMember
) -> OrganizationOut:
    """Rename or reclassify an organization (admin)."""
    return service.to_out(service.update_organization(session, organization_id, data, admin.id))
