"""HTTP interface of one's own account, and of admins lifting sign-in locks."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from identity.account import service
from identity.account.schemas import (
    LockOut,
    OwnSession,
    Proof,
    RecoveryCodes,
    TotpBegin,
    TotpConfirm,
    TotpEnrollment,
)
from identity.deps import AdminMember, CurrentMember, KekDep, SettingsDep
from identity.members.schemas import PasswordChange
from identity.members.service import get_member
from kasane_shared.auth.deps import CurrentClaims
from kasane_shared.db import SessionDep

router = APIRouter(tags=["account"])


@router.put("/me/password", status_code=status.HTTP_204_NO_CONTENT)
def change_password(
    data: PasswordChange,
    member: CurrentMember,
    claims: CurrentClaims,
    session: SessionDep,
    settings: SettingsDep,
    kek: KekDep,
) -> Response:
    """Change one's own password (current password, and code when TOTP is on); others sign out."""
    service.change_password(
        session,
        member,
        data.current_password,
        data.new_password,
        data.code,
        kek=kek,
        demo=settings.demo,
        session_id=claims.session_id,
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/me/totp", response_model=TotpEnrollment)
def begin_totp(
    data: TotpBegin, member: CurrentMember, session: SessionDep, kek: KekDep
) -> TotpEnrollment:
    """Start enrolling a TOTP second factor (current password required)."""
    secret, uri = service.begin_totp(session, member, kek, data.current_password)
    return TotpEnrollment(secret=secret, otpauth_uri=uri)


@router.post("/me/totp/confirm", response_model=RecoveryCodes)
def confirm_totp(
    data: TotpConfirm,
    member: CurrentMember,
    claims: CurrentClaims,
    session: SessionDep,
    kek: KekDep,
) -> RecoveryCodes:
    """Turn the second factor on with a code from the authenticator; the recovery codes, once.

    Other sign-ins end: they were opened without the second factor.
    """
    codes = service.confirm_totp(session, member, data.code, kek, claims.session_id)
    return RecoveryCodes(recovery_codes=codes)


@router.post("/me/totp/disable", status_code=status.HTTP_204_NO_CONTENT)
def disable_totp(
    data: Proof, member: CurrentMember, claims: CurrentClaims, session: SessionDep, kek: KekDep
) -> Response:
    """Turn the second factor off (current password and code); other sign-ins end."""
    service.disable_totp(session, member, kek, data.current_password, data.code, claims.session_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/me/totp/recovery-codes", response_model=RecoveryCodes)
def renew_recovery_codes(
    data: Proof, member: CurrentMember, session: SessionDep, kek: KekDep
) -> RecoveryCodes:
    """New recovery codes; the old ones stop working."""
    codes = service.renew_recovery_codes(session, member, kek, data.current_password, data.code)
    return RecoveryCodes(recovery_codes=codes)


@router.get("/me/sessions", response_model=list[OwnSession])
def own_sessions(
    member: CurrentMember, claims: CurrentClaims, session: SessionDep, settings: SettingsDep
) -> list[OwnSession]:
    """My open sign-ins (``current``: the one this token belongs to)."""
    rows = service.own_sessions(session, settings, member, claims.session_id)
    return [OwnSession(**row) for row in rows]


@router.delete("/me/sessions/{session_id}", status_code=status.HTTP_204_NO_CONTENT)
def end_own_session(session_id: str, member: CurrentMember, session: SessionDep) -> Response:
    """End one of my sign-ins (another browser, a shared PC)."""
    service.end_own_session(session, member, session_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/locks", response_model=list[LockOut])
def locks(session: SessionDep, _: AdminMember) -> list[LockOut]:
    """Members whose sign-in is paused after repeated failures (admin)."""
    return [
        LockOut(member_id=m.id, locked_until=until) for m, until in service.locked_members(session)
    ]


@router.delete("/locks/{member_id}", status_code=status.HTTP_204_NO_CONTENT)
def lift_lock(member_id: str, session: SessionDep, admin: AdminMember) -> Response:
    """Lift a member's sign-in lock (admin; audited)."""
    service.unlock(session, get_member(session, member_id), admin.id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
