"""Login sessions: what a logout ends, and what refreshes an access token."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from identity.base import Base
from identity.integrity.rows import TrustRowMixin
from kasane_shared.db import IdMixin, UTCDateTime, utcnow


class LoginSession(IdMixin, TrustRowMixin, Base):
    """One sign-in; the cookie holds a random token whose SHA-256 is stored here."""

    __tablename__ = "login_sessions"
    __trust_kind__ = "session"
    __trust_fields__ = (
        "member_id",
        "token_hash",
        "created_at",
        "last_seen_at",
        "expires_at",
        "ended_at",
        "end_reason",
    )

    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[str | None] = mapped_column(String(32))


class LoginThrottle(IdMixin, Base):
    """Failed sign-ins counted for one scope, and the pause they earned.

    Scopes: ``account`` (a member, from browsers the account does not know), ``device`` (one
    browser that signed in to the member before) and ``source`` (one address, any login).
    ``key`` is the SHA-256 of the scope and its value, so no address is stored as such.
    """

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(String(64), unique=True)
    scope: Mapped[str] = mapped_column(String(16))
    member_id: Mapped[str | None] = mapped_column(String(32), index=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    paused_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
