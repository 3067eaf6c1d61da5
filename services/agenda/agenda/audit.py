"""Agenda's audit helper: one line to record an event in agenda's chain (ids and codes only)."""

from __future__ import annotations

from agenda.base import AuditEntry
from kasane_shared.audit import Recorder

record = Recorder(AuditEntry)
