"""Identity's declarative base and its audit chain."""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

from kasane_shared.audit import AuditEntryMixin


class Base(DeclarativeBase):
    """Every identity table."""


class AuditEntry(AuditEntryMixin, Base):
    """Identity's hash-chained audit log."""

    __tablename__ = "audit_log"
