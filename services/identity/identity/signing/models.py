"""Token signing keys, kept in the database so every identity replica signs alike."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from identity.base import Base
from identity.integrity.rows import TrustRowMixin
from kasane_shared.db import UTCDateTime, utcnow


class SigningKey(TrustRowMixin, Base):
    """A P-256 key; the private half sealed under the KEK."""

    __tablename__ = "signing_keys"
    __trust_kind__ = "signing_key"
    __trust_pk__ = "kid"
    __trust_fields__ = ("public_jwk", "private_sealed", "created_at", "retired_at")

    kid: Mapped[str] = mapped_column(String(32), primary_key=True)
    private_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    public_jwk: Mapped[dict[str, str]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
