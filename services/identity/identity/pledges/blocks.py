"""An admin's pledge revocation holds: the member signs that kind again only once an admin
lifts the block. A member who revokes their own pledge may sign again at once."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from identity.audit import record
from identity.members.models import Member
from identity.pledges.models import Pledge, PledgeBlock
from identity.pledges.schemas import PledgeBlockOut
from kasane_shared.db import utcnow
from kasane_shared.errors import KasaneError, conflict, forbidden, not_found


def active_block(session: Session, member_id: str, kind: str) -> PledgeBlock | None:
    """The block that keeps this member from signing this kind now, if any."""
    return session.scalar(
        select(PledgeBlock)
        .where(
            PledgeBlock.member_id == member_id,
            PledgeBlock.conference_kind == kind,
            PledgeBlock.lifted_at.is_(None),
        )
        .order_by(PledgeBlock.blocked_at.desc())
        .limit(1)
    )


def block_after_revocation(
    session: Session, pledge: Pledge, actor_id: str, reason: str | None
) -> PledgeBlock:
    """An admin revoked ``pledge``: every other valid pledge of the kind goes too, and a block."""
    now = utcnow()
    # A second pledge of the same kind signed earlier must not outlive the revocation.
    session.execute(
        update(Pledge)
        .where(
            Pledge.member_id == pledge.member_id,
            Pledge.conference_kind == pledge.conference_kind,
            Pledge.revoked_at.is_(None),
        )
        .values(revoked_at=now, revoked_by=actor_id, revoke_reason=reason)
    )
    block = active_block(session, pledge.member_id, pledge.conference_kind)
    if block is None:
        block = PledgeBlock(
            member_id=pledge.member_id,
            conference_kind=pledge.conference_kind,
            pledge_id=pledge.id,
            blocked_at=now,
            blocked_by=actor_id,
            reason=reason,
        )
        session.add(block)
        session.flush()
    return block


def refuse_if_blocked(session: Session, member: Member, kind: str) -> None:
    """Signing is refused (and the attempt audited) while an admin's block stands."""
    block = active_block(session, member.id, kind)
    if block is None:
        return
    record(
        session,
        "pledge.sign",
        member.id,
        "member",
        member.id,
        outcome="refused",
        reason="pledge_blocked",
        kind=kind,
    )
    raise KasaneError(
        403,
        "pledge_blocked",
        "管理者が誓約を取り消したため、管理者が再提出を認めるまでこの会議の誓約書には署名できません。"
        "管理者に相談してください。",
        "An administrator revoked your pledge: you cannot sign this kind again until an "
        "administrator allows it.",
        keep_changes=True,
    )


def list_blocks(session: Session, member_id: str) -> list[PledgeBlock]:
    """A member's blocks, newest first (lifted ones too)."""
    return list(
        session.scalars(
            select(PledgeBlock)
            .where(PledgeBlock.member_id == member_id)
            .order_by(PledgeBlock.blocked_at.desc(), PledgeBlock.id)
        )
    )


def lift(
    session: Session, member_id: str, block_id: str, admin: Member, reason: str | None
) -> PledgeBlock:
    """Allow the member to sign that kind again (another admin; audited)."""
    block = session.get(PledgeBlock, block_id)
    if block is None or block.member_id != member_id:
        raise not_found("誓約の再提出の停止", "Pledge block")
    if member_id == admin.id:
        raise forbidden(
            "自分自身の誓約の再提出は許可できません。別の管理者に依頼してください。",
            "You cannot lift a block on yourself; ask another administrator.",
        )
    if block.lifted_at is not None:
        raise conflict(
            "already_lifted",
            "この停止はすでに解除されています。",
            "This block has already been lifted.",
        )
    block.lifted_at, block.lifted_by, block.lift_reason = utcnow(), admin.id, reason
    record(
        session,
        "pledge.block_lift",
        admin.id,
        "member",
        member_id,
        kind=block.conference_kind,
        pledge=block.pledge_id,
    )
    return block


def block_out(block: PledgeBlock) -> PledgeBlockOut:
    """The public shape of a block."""
    return PledgeBlockOut(
        id=block.id,
        member_id=block.member_id,
        conference_kind=block.conference_kind,  # type: ignore[arg-type]
        pledge_id=block.pledge_id,
        blocked_at=block.blocked_at,
        blocked_by=block.blocked_by,
        reason=block.reason,
        lifted_at=block.lifted_at,
        lifted_by=block.lifted_by,
    )
