"""A draft: the fields of one long form, sealed to the member who typed them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from identity.base import Base
from kasane_shared.db import IdMixin, UTCDateTime, utcnow


class Draft(IdMixin, Base):
    """One member's kept text for one form (its POST path, ids only); ciphertext only.

    ``body`` is the form's fields as JSON, sealed under a fresh data key on every keep;
    ``wrapped_key`` is that data key wrapped (HPKE) for the member's own public key, so only
    the member's private key (opened by identity for a live session of that member) reads it.
    """

    __tablename__ = "drafts"
    __table_args__ = (UniqueConstraint("member_id", "form"),)

    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"), index=True)
    form: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer, default=0)
    key_version: Mapped[int] = mapped_column(Integer)
    wrapped_key: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    kept_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
