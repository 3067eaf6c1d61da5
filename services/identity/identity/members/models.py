"""Members (構成員) and the roles they hold."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from identity.base import Base
from identity.integrity.rows import TrustRowMixin
from kasane_shared.db import IdMixin, UTCDateTime, utcnow


class Member(IdMixin, TrustRowMixin, Base):
    """A person who signs in; roles are any of admin, coordinator, member, auditor."""

    __tablename__ = "members"
    # What decides who the member is and may do: roles, status, password, second factor.
    __trust_kind__ = "member"
    __trust_fields__ = (
        "login",
        "organization_id",
        "roles",
        "password_hash",
        "totp_secret_sealed",
        "totp_enabled",
        "totp_last_step",
        "totp_recovery_hashes",
        "must_change_password",
        "active",
        "left_at",
    )

    login: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    organization_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), index=True)
    roles: Mapped[list[str]] = mapped_column(JSON)
    password_hash: Mapped[str] = mapped_column(String(256))
    # TOTP secrets are sealed under the KEK: a copied database must not yield second factors.
    totp_secret_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    totp_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    # SHA-256 of each unused recovery code (80 random bits each: a hash is enough).
    totp_recovery_hashes: Mapped[list[str] | None] = mapped_column(JSON)
    # Set while the password is one an admin chose: the member must replace it first.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
