"""Audit searches (one entry per search in identity's chain) and identity's target descriptions."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from identity.base import AuditEntry
from identity.custody.models import MemberKey
from identity.members.models import Member
from identity.organizations.models import Organization
from identity.pledges.models import Pledge, PledgeTemplate
from identity.sessions.models import LoginSession
from kasane_shared.audit import append

SEARCH_TARGET = "audit_search"
SEARCH_ACTIONS = {"search": "audit.search", "export": "audit.export", "verify": "audit.verify"}
# A search's paging and its CSV export reuse the record for this long.
SEARCH_LIFETIME = timedelta(hours=2)


def record_search(
    session: Session, auditor_id: str, filters: dict[str, str], *, purpose: str
) -> str:
    """Record one search, export or verification (filters: ids, codes and dates only)."""
    search_id = secrets.token_hex(16)
    # The filters are the details as they are (one of them is even called "action").
    append(
        session,
        AuditEntry,
        action=SEARCH_ACTIONS[purpose],
        actor_id=auditor_id,
        target_type=SEARCH_TARGET,
        target_id=search_id,
        details=filters,
    )
    return search_id


def search_filters(session: Session, auditor_id: str, search_id: str) -> dict[str, str] | None:
    """The filters of this auditor's search recorded here recently, or None."""
    oldest = (datetime.now(UTC) - SEARCH_LIFETIME).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    found = session.scalar(
        select(AuditEntry).where(
            AuditEntry.target_type == SEARCH_TARGET,
            AuditEntry.target_id == search_id,
            AuditEntry.actor_id == auditor_id,
            AuditEntry.action.in_(tuple(SEARCH_ACTIONS.values())),
            AuditEntry.recorded_at >= oldest,
        )
    )
    return None if found is None else {k: str(v) for k, v in found.details.items()}


def _names(session: Session, member_ids: set[str]) -> dict[str, str]:
    if not member_ids:
        return {}
    rows = session.execute(
        select(Member.id, Member.display_name).where(Member.id.in_(member_ids))
    ).all()
    return {row.id: row.display_name for row in rows}


def describe(
    session: Session, refs: list[tuple[str, str]]
) -> dict[tuple[str, str], dict[str, Any]]:
    """Names an auditor knows: members, organizations, pledges (whose, which kind), sessions."""
    wanted: dict[str, set[str]] = {}
    for kind, target_id in refs:
        wanted.setdefault(kind, set()).add(target_id)
    out: dict[tuple[str, str], dict[str, Any]] = {}
    owners: dict[tuple[str, str], str] = {}
    for row in session.scalars(
        select(LoginSession).where(LoginSession.id.in_(wanted.get("session", set())))
    ):
        owners[("session", row.id)] = row.member_id
    for row in session.scalars(select(Pledge).where(Pledge.id.in_(wanted.get("pledge", set())))):
        owners[("pledge", row.id)] = row.member_id
        out[("pledge", row.id)] = {"kind": "pledge", "conference_kind": row.conference_kind}
    for row in session.scalars(
        select(MemberKey).where(MemberKey.id.in_(wanted.get("member_key", set())))
    ):
        owners[("member_key", row.id)] = row.owner_id
        out[("member_key", row.id)] = {"kind": "member_key"}
    for member_id in wanted.get("member", set()):
        owners[("member", member_id)] = member_id
    names = _names(session, set(owners.values()))
    for ref, member_id in owners.items():
        if member_id in names:
            out.setdefault(ref, {"kind": ref[0]})["name"] = names[member_id]
    for org in session.scalars(
        select(Organization).where(Organization.id.in_(wanted.get("organization", set())))
    ):
        out[("organization", org.id)] = {"kind": "organization", "name": org.name}
    for template in session.scalars(
        select(PledgeTemplate).where(PledgeTemplate.id.in_(wanted.get("pledge_template", set())))
    ):
        out[("pledge_template", template.id)] = {
            "kind": "pledge_template",
            "conference_kind": template.conference_kind,
            "version": template.version,
        }
    return out
