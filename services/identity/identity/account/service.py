"""Rules for one's own account: what proves it is the member, second factor, own sessions."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

import pyotp
from sqlalchemy import select
from sqlalchemy.orm import Session

from identity.audit import record
from identity.members.models import Member
from identity.passwords import check_policy, hash_password, verify_password
from identity.sessions import throttle
from identity.sessions.models import LoginSession
from identity.sessions.service import (
    TOTP_ISSUER,
    check_second_factor,
    end_session,
    recovery_hash,
    totp_aad,
)
from kasane_shared.db import utcnow
from kasane_shared.errors import FieldError, KasaneError, conflict, not_found
from kasane_shared.settings import Settings

RECOVERY_CODES = 10
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed by hand


def _invalid(field: str, ja: str, en: str) -> KasaneError:
    return KasaneError(
        422,
        "invalid_input",
        "入力内容に誤りがあります。",
        "The input is not valid.",
        errors=[FieldError(field, ja, en)],
    )


def prove(member: Member, current_password: str, code: str | None, kek: Any) -> None:
    """The current password, and the second factor when it is on; otherwise a field error."""
    if not verify_password(member.password_hash, current_password):
        raise _invalid(
            "current_password",
            "現在のパスワードが違います。今お使いのパスワードを入力してください。",
            "The current password is wrong. Enter the password you use now.",
        )
    if member.totp_enabled and not check_second_factor(member, code, kek):
        raise _invalid(
            "code",
            "確認コードが違います。認証アプリの6桁の数字か、回復コードを入力してください。",
            "The code is wrong. Enter the 6 digits from your app, or a recovery code.",
        )


def end_other_sessions(session: Session, member: Member, keep_id: str | None, reason: str) -> int:
    """End every open session of the member except ``keep_id``; returns how many ended."""
    rows = session.scalars(
        select(LoginSession).where(
            LoginSession.member_id == member.id, LoginSession.ended_at.is_(None)
        )
    )
    ended = 0
    for row in rows:
        if row.id != keep_id:
            end_session(session, row, member.id, reason=reason)
            ended += 1
    return ended


def change_password(
    session: Session,
    member: Member,
    current_password: str,
    new_password: str,
    code: str | None,
    *,
    kek: Any,
    demo: bool,
    session_id: str | None,
) -> None:
    """Replace one's password after proving the current one; other sign-ins end."""
    prove(member, current_password, code, kek)
    if new_password == current_password:
        raise _invalid(
            "new_password",
            "今のパスワードとは違うパスワードを入力してください。",
            "Choose a password different from the current one.",
        )
    check_policy(new_password, login=member.login, demo=demo, field="new_password")
    member.password_hash = hash_password(new_password)
    member.must_change_password = False
    ended = end_other_sessions(session, member, session_id, "password_change")
    record(session, "member.password_change", member.id, "member", member.id, ended_sessions=ended)


def begin_totp(
    session: Session, member: Member, kek: Any, current_password: str
) -> tuple[str, str]:
    """A fresh TOTP secret (sealed, not yet on) and its provisioning URI."""
    if member.totp_enabled:
        raise conflict(
            "totp_enabled",
            "二段階認証はすでに有効です。設定し直すには、先に解除してください。",
            "Two-step sign-in is already on. Turn it off first to set it up again.",
        )
    prove(member, current_password, None, kek)
    secret = pyotp.random_base32()
    member.totp_secret_sealed = kek.seal(secret.encode(), totp_aad(member.id))
    record(session, "member.totp_begin", member.id, "member", member.id)
    return secret, pyotp.TOTP(secret).provisioning_uri(name=member.login, issuer_name=TOTP_ISSUER)


def _new_recovery_codes(member: Member) -> list[str]:
    codes = [
        "-".join("".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(4))
        for _ in range(RECOVERY_CODES)
    ]
    member.totp_recovery_hashes = [recovery_hash(c) for c in codes]
    return codes


def confirm_totp(
    session: Session, member: Member, code: str, kek: Any, session_id: str | None
) -> list[str]:
    """Turn the second factor on once the authenticator shows a right code; new recovery codes.

    Every other sign-in of the member ends (it was opened without the second factor).
    """
    if member.totp_enabled:
        raise conflict(
            "totp_enabled", "二段階認証はすでに有効です。", "Two-step sign-in is already on."
        )
    if member.totp_secret_sealed is None:
        raise conflict(
            "totp_not_started",
            "先に二段階認証の設定を始めてください。",
            "Start setting up two-step sign-in first.",
        )
    member.totp_enabled = True
    if not check_second_factor(member, code, kek, recovery=False):
        member.totp_enabled = False
        raise _invalid(
            "code",
            "確認コードが違います。認証アプリに今表示されている6桁の数字を入力してください。",
            "The code is wrong. Enter the 6 digits your app shows now.",
        )
    codes = _new_recovery_codes(member)
    ended = end_other_sessions(session, member, session_id, "totp_enable")
    record(session, "member.totp_enable", member.id, "member", member.id, ended_sessions=ended)
    return codes


def disable_totp(
    session: Session,
    member: Member,
    kek: Any,
    current_password: str,
    code: str | None,
    session_id: str | None,
) -> None:
    """Turn the second factor off (password and a code); other sign-ins end."""
    if not member.totp_enabled:
        raise conflict(
            "totp_disabled", "二段階認証は有効になっていません。", "Two-step sign-in is not on."
        )
    prove(member, current_password, code, kek)
    member.totp_enabled, member.totp_secret_sealed = False, None
    member.totp_recovery_hashes, member.totp_last_step = None, None
    end_other_sessions(session, member, session_id, "totp_disable")
    record(session, "member.totp_disable", member.id, "member", member.id)


def renew_recovery_codes(
    session: Session, member: Member, kek: Any, current_password: str, code: str | None
) -> list[str]:
    """New recovery codes (the old ones stop working)."""
    if not member.totp_enabled:
        raise conflict(
            "totp_disabled", "二段階認証は有効になっていません。", "Two-step sign-in is not on."
        )
    prove(member, current_password, code, kek)
    codes = _new_recovery_codes(member)
    record(session, "member.recovery_renew", member.id, "member", member.id)
    return codes


def own_sessions(
    session: Session, settings: Settings, member: Member, current_id: str | None
) -> list[dict[str, Any]]:
    """The member's open sign-ins, newest first."""
    now = utcnow()
    idle = timedelta(minutes=settings.session_idle_minutes)
    rows = session.scalars(
        select(LoginSession)
        .where(
            LoginSession.member_id == member.id,
            LoginSession.ended_at.is_(None),
            LoginSession.expires_at > now,
            LoginSession.last_seen_at > now - idle,
        )
        .order_by(LoginSession.created_at.desc())
    )
    return [
        {
            "id": row.id,
            "created_at": row.created_at,
            "last_seen_at": row.last_seen_at,
            "expires_at": row.expires_at,
            "current": row.id == current_id,
        }
        for row in rows
    ]


def end_own_session(session: Session, member: Member, session_id: str) -> None:
    """End one of the member's own sign-ins."""
    row = session.get(LoginSession, session_id)
    if row is None or row.member_id != member.id:
        raise not_found("ログイン", "Session")
    end_session(session, row, member.id, reason="ended_by_member")


def unlock(session: Session, member: Member, actor_id: str) -> None:
    """An admin lifts a member's sign-in pauses (and forgets the failures that led to them)."""
    lifted = throttle.clear_member(session, member.id)
    record(session, "member.unlock", actor_id, "member", member.id, pauses=lifted)


def locked_members(session: Session) -> list[tuple[Member, datetime]]:
    """Members whose sign-in is paused now (from unknown browsers or one of theirs), until when."""
    paused = throttle.paused_members(session)
    if not paused:
        return []
    members = session.scalars(select(Member).where(Member.id.in_(list(paused))))
    return sorted(((m, paused[m.id]) for m in members), key=lambda pair: pair[0].login)
