"""Member key pairs (HPKE): public half published, private half sealed under the KEK."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from identity.base import Base
from identity.integrity.rows import TrustRowMixin
from kasane_shared.db import IdMixin, UTCDateTime, utcnow


class MemberKey(IdMixin, TrustRowMixin, Base):
    """One version of a principal's key pair; ``owner_id`` is a member id or ``escrow:<service>``.

    On departure the sealed private key is destroyed: every wrap made for it becomes
    unopenable, whatever copy of a service database still holds it.
    """

    __tablename__ = "member_keys"
    __table_args__ = (UniqueConstraint("owner_id", "version"),)
    __trust_kind__ = "member_key"
    __trust_fields__ = (
        "owner_id",
        "version",
        "suite",
        "public_key",
        "private_sealed",
        "retired_at",
        "destroyed_at",
    )

    owner_id: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[int] = mapped_column(Integer)
    suite: Mapped[str] = mapped_column(String(32))
    public_key: Mapped[str] = mapped_column(Text)
    private_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    destroyed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
