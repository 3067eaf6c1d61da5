"""Agenda's declarative base and its audit chain."""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

from kasane_shared.audit import AuditEntryMixin


class Base(DeclarativeBase):
    """Every agenda table."""


class AuditEntry(AuditEntryMixin, Base):
    """Agenda's hash-chained audit log."""

    __tablename__ = "audit_log"
