"""Sign-in rules: passwords, second factor, lock-out, session life, logout."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pyotp
from sqlalchemy import select
from sqlalchemy.orm import Session

from identity.audit import record
from identity.integrity.rows import verified, verify
from identity.members.models import Member
from identity.passwords import DEMO_PASSWORD, hash_password, needs_rehash, verify_password
from identity.sessions import throttle
from identity.sessions.models import LoginSession
from kasane_shared.crypto.digests import sha256_hex
from kasane_shared.db import utcnow
from kasane_shared.errors import KasaneError
from kasane_shared.settings import Settings

TOTP_ISSUER = "Kasane"


def _token_hash(token: str) -> str:
    return sha256_hex(token.encode())


def _bad_credentials() -> KasaneError:
    # One answer for an unknown login, a wrong password and a wrong code: no enumeration.
    return KasaneError(
        401,
        "invalid_credentials",
        "ログインIDまたはパスワードが正しくありません。",
        "The login or password is not correct.",
        keep_changes=True,
    )


def _last_try(pause_minutes: int) -> KasaneError:
    # Said only where the next failure starts a pause (a known login: the pause says as much).
    return KasaneError(
        401,
        "invalid_credentials",
        "ログインIDまたはパスワードが正しくありません。"
        f"次に間違えると、このアカウントは{pause_minutes}分間ログインできなくなります。",
        "The login or password is not correct. "
        f"One more failure pauses sign-in to this account for {pause_minutes} minutes.",
        keep_changes=True,
    )


def _locked(retry_after: int) -> KasaneError:
    minutes = throttle.minutes(retry_after)
    return KasaneError(
        429,
        "locked",
        f"ログインの失敗が続いたため、このアカウントはあと{minutes}分間ログインできません。"
        "時間をおいてからお試しください。急ぐ場合は、管理者にロックの解除を依頼してください。",
        f"Too many failed sign-ins: this account is locked for {minutes} more minutes. "
        "Try again later, or ask an administrator to lift the lock.",
        keep_changes=True,
        headers={"Retry-After": str(retry_after)},
    )


def _throttled(retry_after: int) -> KasaneError:
    minutes = throttle.minutes(retry_after)
    return KasaneError(
        429,
        "throttled",
        f"この接続元からのログインの失敗が続いたため、あと{minutes}分間ログインできません。"
        "時間をおいてからお試しください。",
        f"Too many failed sign-ins from this address: try again in {minutes} minutes.",
        keep_changes=True,
        headers={"Retry-After": str(retry_after)},
    )


def totp_aad(member_id: str) -> bytes:
    return f"identity/members/{member_id}/totp".encode()


def recovery_hash(code: str) -> str:
    """The stored form of a recovery code (separators and case do not matter)."""
    normalized = "".join(ch for ch in code.upper() if ch.isascii() and ch.isalnum())
    return sha256_hex(normalized.encode())


def _use_recovery_code(member: Member, code: str) -> bool:
    """Spend a recovery code: each works once."""
    digest = recovery_hash(code)
    left = list(member.totp_recovery_hashes or [])
    if not any(secrets.compare_digest(digest, known) for known in left):
        return False
    member.totp_recovery_hashes = [known for known in left if known != digest]
    return True


def check_second_factor(member: Member, code: str | None, kek: Any, recovery: bool = True) -> bool:
    """Verify a TOTP code once (no replay), or spend a recovery code; true when TOTP is off."""
    if not member.totp_enabled:
        return True
    if not code or member.totp_secret_sealed is None:
        return False
    if not (len(code) == 6 and code.isdigit()):
        return recovery and _use_recovery_code(member, code)
    secret = kek.open(member.totp_secret_sealed, totp_aad(member.id)).decode()
    totp = pyotp.TOTP(secret)
    now = utcnow()
    for drift in (0, -1, 1):
        at = now + timedelta(seconds=30 * drift)
        step = totp.timecode(at)
        # Steps only move forward: a code of an older step than the last used one is refused,
        # so a code seen after a newer sign-in cannot be replayed within the drift window.
        fresh = member.totp_last_step is None or step > member.totp_last_step
        if fresh and secrets.compare_digest(totp.at(at), code):
            member.totp_last_step = step
            return True
    return False


@dataclass(frozen=True)
class Attempt:
    """Where a sign-in comes from: the address, and the browser's device tokens (if any)."""

    address: str
    device_of: Callable[[str], str | None] = lambda _member_id: None


def _refused(session: Session, member: Member | None, reason: str) -> None:
    member_id = member.id if member is not None else None
    target = ("member", member_id) if member_id else (None, None)
    record(session, "session.login", member_id, *target, outcome="refused", reason=reason)


def _register_failure(
    session: Session, settings: Settings, member: Member, scope: throttle.Scope, attempt: Attempt
) -> KasaneError:
    """Count a wrong password or code against the member's scope (and a stranger's address)."""
    if scope.scope != throttle.DEVICE:
        throttle.fail(session, settings, throttle.source(settings, attempt.address))
    pause, left = throttle.fail(session, settings, scope)
    if pause:
        record(
            session,
            "session.lockout",
            member.id,
            "member",
            member.id,
            outcome="refused",
            scope=scope.scope,
            seconds=pause,
        )
        return _locked(pause)
    if left == 1:
        return _last_try(throttle.minutes(throttle.next_pause(settings, scope, scope.limit - 1)))
    return _bad_credentials()


def authenticate(
    session: Session,
    settings: Settings,
    kek: Any,
    login: str,
    password: str,
    totp: str | None,
    attempt: Attempt,
) -> Member:
    """The member these credentials prove (``totp``: a 6-digit code or a recovery code).

    Failures pause the member's own scope (this browser when it signed in before, otherwise
    every browser the account does not know) and, for unknown browsers, the address.
    """
    # A row someone rewrote (password hash, second factor, status) fails here, before use.
    member = verified(session, session.scalar(select(Member).where(Member.login == login)))
    matches = verify_password(member.password_hash if member else None, password)
    device_id = attempt.device_of(member.id) if member is not None else None
    if device_id is None:
        waiting = throttle.paused_for(session, throttle.source(settings, attempt.address))
        if waiting:
            _refused(session, member, "throttled")
            raise _throttled(waiting)
    if member is None or not member.active:
        throttle.fail(session, settings, throttle.source(settings, attempt.address))
        _refused(session, None, "unknown_or_inactive")
        raise _bad_credentials()
    scope = (
        throttle.device(settings, member.id, device_id)
        if device_id
        else throttle.account(settings, member.id)
    )
    waiting = throttle.paused_for(session, scope)
    if waiting:
        _refused(session, member, "locked")
        raise _locked(waiting)
    if not matches:
        _refused(session, member, "password")
        raise _register_failure(session, settings, member, scope, attempt)
    if password == DEMO_PASSWORD and not settings.demo:
        _refused(session, member, "demo_password")
        raise _bad_credentials()
    if not check_second_factor(member, totp, kek):
        if totp is None:
            raise KasaneError(
                401,
                "totp_required",
                "確認コード（6桁）を入力してください。",
                "Enter the 6-digit verification code.",
            )
        _refused(session, member, "totp")
        raise _register_failure(session, settings, member, scope, attempt)
    throttle.clear(session, scope)
    if needs_rehash(member.password_hash):
        member.password_hash = hash_password(password)
    return member


def open_session(session: Session, settings: Settings, member: Member) -> tuple[LoginSession, str]:
    """Start a login session; returns it and the raw cookie token (stored only hashed)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    login_session = LoginSession(
        member_id=member.id,
        token_hash=_token_hash(token),
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(hours=settings.session_absolute_hours),
    )
    session.add(login_session)
    session.flush()
    record(session, "session.login", member.id, "session", login_session.id)
    return login_session, token


def _is_live(login_session: LoginSession, settings: Settings) -> bool:
    now = utcnow()
    return (
        login_session.ended_at is None
        and login_session.expires_at > now
        and login_session.last_seen_at + timedelta(minutes=settings.session_idle_minutes) > now
    )


def session_by_cookie(
    session: Session, settings: Settings, token: str | None
) -> LoginSession | None:
    """The live session a cookie token names, touching its idle timer."""
    if not token or len(token) > 128:
        return None
    login_session = session.scalar(
        select(LoginSession).where(LoginSession.token_hash == _token_hash(token))
    )
    if login_session is None or not _is_live(verify(session, login_session), settings):
        return None
    login_session.last_seen_at = utcnow()
    return login_session


def live_session(
    session: Session, settings: Settings, session_id: str | None
) -> LoginSession | None:
    """The session behind an access token, if it is still open."""
    if not session_id:
        return None
    login_session = verified(session, session.get(LoginSession, session_id))
    return (
        login_session if login_session is not None and _is_live(login_session, settings) else None
    )


def end_session(
    session: Session, login_session: LoginSession, actor_id: str | None, reason: str = "logout"
) -> None:
    """End one session; its access tokens stop working at identity at once."""
    if login_session.ended_at is None:
        login_session.ended_at = utcnow()
        login_session.end_reason = reason
        record(session, "session.logout", actor_id, "session", login_session.id, reason=reason)


def end_member_sessions(session: Session, member_id: str, reason: str) -> None:
    """End every open session of a member (departure, password reset)."""
    # Row by row, not one UPDATE: each ended session gets its new MAC (see integrity.rows).
    now = utcnow()
    for row in session.scalars(
        select(LoginSession).where(
            LoginSession.member_id == member_id, LoginSession.ended_at.is_(None)
        )
    ):
        row.ended_at, row.end_reason = now, reason


def _by_cookie(session: Session, token: str | None) -> LoginSession | None:
    if not token or len(token) > 128:
        return None
    row = session.scalar(select(LoginSession).where(LoginSession.token_hash == _token_hash(token)))
    return verify(session, row) if row is not None else None


def _runs_out_at(login_session: LoginSession, settings: Settings) -> Any:
    idle_end = login_session.last_seen_at + timedelta(minutes=settings.session_idle_minutes)
    return min(idle_end, login_session.expires_at)


def idle_seconds_left(session: Session, settings: Settings, token: str | None) -> int | None:
    """Seconds until the cookie's session runs out, without touching its idle timer."""
    login_session = _by_cookie(session, token)
    if login_session is None or not _is_live(login_session, settings):
        return None
    return max(0, int((_runs_out_at(login_session, settings) - utcnow()).total_seconds()))


def session_for_draft(
    session: Session, settings: Settings, token: str | None
) -> LoginSession | None:
    """The cookie's session if it may still hand over a draft; never touches the idle timer.

    An open session may, and so may one that ran out (idle or absolute time-out) no longer
    than ``session_absolute_hours`` ago: that is the text a time-out would otherwise lose. A
    session that was ended (sign-out, password change, departure, ended from another
    sign-in) may not: whoever ended it meant it.
    """
    login_session = _by_cookie(session, token)
    if login_session is None or login_session.ended_at is not None:
        return None
    grace = timedelta(hours=settings.session_absolute_hours)
    if _runs_out_at(login_session, settings) + grace <= utcnow():
        return None
    return login_session
