"""Pledge rules: versioned templates, signing, fiscal-year validity, revocation."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from identity.audit import record
from identity.integrity.rows import verify
from identity.pledges import blocks
from identity.members.models import Member
from identity.pledges.models import Pledge, PledgeTemplate
from identity.pledges.schemas import (
    PledgeOut,
    PledgeStatus,
    PledgeTemplateCreate,
    PledgeTemplateOut,
)
from identity.pledges.texts import DEFAULT_TEMPLATES
from kasane_shared.crypto.digests import sha256_hex
from kasane_shared.db import utcnow
from kasane_shared.errors import conflict, forbidden, not_found

JST = timezone(timedelta(hours=9), "JST")


def today_jst(now: datetime | None = None) -> date:
    """Today's date in Japan, where fiscal years and pledges are counted."""
    return (now or utcnow()).astimezone(JST).date()


def fiscal_year_end(day: date) -> date:
    """31 March that closes the fiscal year (April–March) containing ``day``."""
    return date(day.year + 1 if day.month >= 4 else day.year, 3, 31)


def _sha256(text: str) -> str:
    return sha256_hex(text.encode("utf-8"))


def current_template(session: Session, kind: str) -> PledgeTemplate | None:
    """The newest template version for a conference kind."""
    return session.scalar(
        select(PledgeTemplate)
        .where(PledgeTemplate.conference_kind == kind)
        .order_by(PledgeTemplate.version.desc())
        .limit(1)
    )


def template_out(session: Session, template: PledgeTemplate) -> PledgeTemplateOut:
    """The public shape of a template, marking whether it is the current version."""
    current = current_template(session, template.conference_kind)
    return PledgeTemplateOut(
        id=template.id,
        conference_kind=template.conference_kind,  # type: ignore[arg-type]
        version=template.version,
        text=template.text,
        text_sha256=template.text_sha256,
        current=current is not None and current.id == template.id,
        created_at=template.created_at,
    )


def list_templates(session: Session, kind: str | None = None) -> list[PledgeTemplate]:
    """Templates by kind and version."""
    query = select(PledgeTemplate).order_by(PledgeTemplate.conference_kind, PledgeTemplate.version)
    if kind:
        query = query.where(PledgeTemplate.conference_kind == kind)
    return list(session.scalars(query))


def create_template(
    session: Session, data: PledgeTemplateCreate, actor_id: str | None
) -> PledgeTemplate:
    """Publish the next version of a kind's pledge text."""
    latest = session.scalar(
        select(func.max(PledgeTemplate.version)).where(
            PledgeTemplate.conference_kind == data.conference_kind
        )
    )
    template = PledgeTemplate(
        conference_kind=data.conference_kind,
        version=(latest or 0) + 1,
        text=data.text,
        text_sha256=_sha256(data.text),
        created_by=actor_id,
    )
    session.add(template)
    session.flush()
    record(
        session,
        "pledge_template.create",
        actor_id,
        "pledge_template",
        template.id,
        kind=data.conference_kind,
        version=template.version,
    )
    return template


def ensure_default_templates(session: Session) -> None:
    """Give a new deployment version 1 of each kind's pledge text."""
    for kind, text in DEFAULT_TEMPLATES.items():
        if current_template(session, kind) is None:
            create_template(session, PledgeTemplateCreate(conference_kind=kind, text=text), None)  # type: ignore[arg-type]


def is_valid(pledge: Pledge, on: date | None = None) -> bool:
    """Unrevoked and not past its last day."""
    return pledge.revoked_at is None and pledge.valid_until >= (on or today_jst())


def pledge_out(pledge: Pledge) -> PledgeOut:
    """The public shape of a signed pledge."""
    return PledgeOut(
        id=pledge.id,
        member_id=pledge.member_id,
        template_id=pledge.template_id,
        conference_kind=pledge.conference_kind,  # type: ignore[arg-type]
        template_version=pledge.template_version,
        text_sha256=pledge.text_sha256,
        signed_at=pledge.signed_at,
        valid_until=pledge.valid_until,
        revoked_at=pledge.revoked_at,
        valid=is_valid(pledge),
    )


def sign(session: Session, member: Member, template_id: str) -> Pledge:
    """The member signs the current version of a kind's pledge, valid to the fiscal year's end."""
    template = session.get(PledgeTemplate, template_id)
    if template is None:
        raise not_found("誓約書のひな形", "Pledge template")
    blocks.refuse_if_blocked(session, member, template.conference_kind)
    current = current_template(session, template.conference_kind)
    if current is None or current.id != template.id:
        raise conflict(
            "template_superseded",
            "新しい版の誓約書があります。最新版に署名してください。",
            "A newer version exists; sign the current one.",
        )
    now = utcnow()
    pledge = Pledge(
        member_id=member.id,
        template_id=template.id,
        conference_kind=template.conference_kind,
        template_version=template.version,
        text_sha256=template.text_sha256,
        signed_at=now,
        valid_until=fiscal_year_end(today_jst(now)),
    )
    session.add(pledge)
    session.flush()
    record(
        session,
        "pledge.sign",
        member.id,
        "pledge",
        pledge.id,
        kind=template.conference_kind,
        version=template.version,
        text_sha256=template.text_sha256,
    )
    return pledge


def list_pledges(session: Session, member_id: str) -> list[Pledge]:
    """A member's pledges, newest first."""
    return list(
        session.scalars(
            select(Pledge).where(Pledge.member_id == member_id).order_by(Pledge.signed_at.desc())
        )
    )


def revoke(
    session: Session, member_id: str, pledge_id: str, actor_id: str, reason: str | None
) -> Pledge:
    """Revoke a pledge; the member loses case content of that kind at once."""
    pledge = session.get(Pledge, pledge_id)
    if pledge is None or pledge.member_id != member_id:
        raise not_found("誓約", "Pledge")
    if pledge.revoked_at is not None:
        raise conflict(
            "already_revoked",
            "この誓約はすでに取り消されています。",
            "This pledge is already revoked.",
        )
    pledge.revoked_at, pledge.revoked_by, pledge.revoke_reason = utcnow(), actor_id, reason
    # The member taking back their own pledge may sign again; an admin's revocation holds.
    by_admin = actor_id != member_id
    if by_admin:
        blocks.block_after_revocation(session, pledge, actor_id, reason)
    record(
        session,
        "pledge.revoke",
        actor_id,
        "pledge",
        pledge.id,
        kind=pledge.conference_kind,
        blocks_signing=by_admin,
    )
    return pledge


def status(session: Session, member_id: str, kind: str) -> PledgeStatus:
    """Does member M hold a valid pledge for kind K now."""
    member = session.get(Member, member_id)
    if member is None:
        raise not_found("メンバー", "Member")
    verify(session, member)  # "active" decides who may read: a rewritten row is refused
    best = session.scalar(
        select(Pledge)
        .where(
            Pledge.member_id == member_id,
            Pledge.conference_kind == kind,
            Pledge.revoked_at.is_(None),
            Pledge.valid_until >= today_jst(),
        )
        .order_by(Pledge.valid_until.desc())
        .limit(1)
    )
    blocked = blocks.active_block(session, member_id, kind) is not None
    if best is None or not member.active or blocked:
        return PledgeStatus(
            member_id=member_id,
            conference_kind=kind,  # type: ignore[arg-type]
            valid=False,
            blocked=blocked,
        )
    return PledgeStatus(
        member_id=member_id,
        conference_kind=kind,
        valid=True,
        pledge_id=best.id,
        valid_until=best.valid_until,
    )  # type: ignore[arg-type]


def require_self_or(
    claims_subject: str, member_id: str, roles: tuple[str, ...], allowed: tuple[str, ...]
) -> None:
    """Refuse unless the caller is the member themself or holds one of ``allowed``."""
    if claims_subject != member_id and not any(r in roles for r in allowed):
        raise forbidden()
