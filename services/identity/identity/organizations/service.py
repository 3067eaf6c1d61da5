"""Rules for organizations."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from identity.audit import record
from identity.organizations.models import Organization
from identity.organizations.schemas import OrganizationCreate, OrganizationOut, OrganizationUpdate
from kasane_shared.errors import conflict, not_found


def to_out(org: Organization) -> OrganizationOut:
    """The public shape of an organization."""
    return OrganizationOut(
        id=org.id, name=org.name, kind=org.kind, is_tax_division=org.kind == "tax"
    )  # type: ignore[arg-type]


def list_organizations(session: Session) -> list[Organization]:
    """All organizations by name."""
    return list(session.scalars(select(Organization).order_by(Organization.name)))


def get_organization(session: Session, organization_id: str) -> Organization:
    """One organization or a 404."""
    org = session.get(Organization, organization_id)
    if org is None:
        raise not_found("組織", "Organization")
    return org


def _ensure_unique_name(session: Session, name: str, except_id: str | None = None) -> None:
    existing = session.scalar(select(Organization).where(Organization.name == name))
    if existing is not None and existing.id != except_id:
        raise conflict(
            "duplicate_name",
            "同じ名前の組織がすでにあります。",
            "An organization with this name exists.",
        )


def create_organization(
    session: Session, data: OrganizationCreate, actor_id: str | None
) -> Organization:
    """Register an organization."""
    _ensure_unique_name(session, data.name)
    org = Organization(name=data.name, kind=data.kind)
    session.add(org)
    session.flush()
    record(session, "organization.create", actor_id, "organization", org.id, kind=data.kind)
    return org


def update_organization(
    session: Session, organization_id: str, data: OrganizationUpdate, actor_id: str
) -> Organization:
    """Rename or reclassify an organization."""
    org = get_organization(session, organization_id)
    if data.name is not None:
        _ensure_unique_name(session, data.name, org.id)
        org.name = data.name
    if data.kind is not None:
        org.kind = data.kind
    record(
        session,
        "organization.update",
        actor_id,
        "organization",
        org.id,
        fields=sorted(data.model_fields_set),
    )
    return org
