"""Rules for members: enrollment, changes, departure."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from identity.audit import record
from identity.integrity.rows import verify
from identity.custody.service import current_key, destroy_keys, enroll
from identity.drafts.service import discard_all as discard_all_drafts
from identity.members.models import Member
from identity.members.schemas import MemberCreate, MemberOut, MemberUpdate
from identity.organizations.service import get_organization
from identity.passwords import check_policy, hash_password
from identity.sessions.service import end_member_sessions
from kasane_shared.errors import FieldError, KasaneError, conflict, not_found
from kasane_shared.db import utcnow


def to_out(member: Member) -> MemberOut:
    """The public shape of a member."""
    return MemberOut(
        id=member.id,
        login=member.login,
        display_name=member.display_name,
        organization_id=member.organization_id,
        roles=list(member.roles),  # type: ignore[arg-type]
        active=member.active,
        totp_enabled=member.totp_enabled,
        must_change_password=member.must_change_password,
    )


def list_members(session: Session, *, include_inactive: bool = False) -> list[Member]:
    """Members by login; those who left only when asked."""
    query = select(Member).order_by(Member.login)
    if not include_inactive:
        query = query.where(Member.active.is_(True))
    return list(session.scalars(query))


def get_member(session: Session, member_id: str) -> Member:
    """One member or a 404."""
    member = session.get(Member, member_id)
    if member is None:
        raise not_found("メンバー", "Member")
    return verify(session, member)


def find_by_login(session: Session, login: str) -> Member | None:
    """The member with this login, if any."""
    return session.scalar(select(Member).where(Member.login == login))


def _organization_must_exist(session: Session, organization_id: str) -> None:
    try:
        get_organization(session, organization_id)
    except KasaneError as error:
        raise KasaneError(
            422,
            "invalid_input",
            "入力内容に誤りがあります。",
            "The input is not valid.",
            errors=[FieldError("organization_id", "存在しない組織です。", "No such organization.")],
        ) from error


def create_member(
    session: Session,
    data: MemberCreate,
    actor_id: str | None,
    *,
    kek: Any,
    demo: bool,
    password_hash: str | None = None,
    initial_password: bool = False,
) -> Member:
    """Enroll a member: hashed password (``password_hash`` when hashed already) and a key pair.

    ``initial_password``: an admin chose it, so the member must replace it at first sign-in.
    """
    if find_by_login(session, data.login) is not None:
        raise conflict(
            "duplicate_login", "このログインIDはすでに使われています。", "This login is taken."
        )
    _organization_must_exist(session, data.organization_id)
    check_policy(data.password, login=data.login, demo=demo)
    member = Member(
        login=data.login,
        display_name=data.display_name,
        organization_id=data.organization_id,
        roles=list(data.roles),
        password_hash=password_hash or hash_password(data.password),
        active=True,
        failed_logins=0,
        totp_enabled=False,
        must_change_password=initial_password,
    )
    session.add(member)
    session.flush()
    enroll(session, kek, member.id)
    record(session, "member.create", actor_id, "member", member.id, roles=list(data.roles))
    return member


def update_member(
    session: Session, member_id: str, data: MemberUpdate, actor_id: str, *, kek: Any, demo: bool
) -> Member:
    """Change a member; ``active: false`` is departure: sessions end, private keys are destroyed."""
    member = get_member(session, member_id)
    if data.organization_id is not None:
        _organization_must_exist(session, data.organization_id)
        member.organization_id = data.organization_id
    if data.display_name is not None:
        member.display_name = data.display_name
    if data.roles is not None:
        member.roles = list(data.roles)
    if data.password is not None:
        check_policy(data.password, login=member.login, demo=demo)
        member.password_hash = hash_password(data.password)
        member.must_change_password = True  # an admin's reset is an initial password again
        end_member_sessions(session, member.id, reason="password_reset")
    if data.active is not None and data.active != member.active:
        member.active = data.active
        member.left_at = None if data.active else utcnow()
        if not data.active:
            end_member_sessions(session, member.id, reason="departed")
            destroy_keys(session, member.id, actor_id)
            discard_all_drafts(session, member.id)
        elif current_key(session, member.id) is None:
            enroll(session, kek, member.id)
    record(
        session,
        "member.update",
        actor_id,
        "member",
        member.id,
        fields=sorted(data.model_fields_set),
    )
    return member
