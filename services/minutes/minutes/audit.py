"""The minutes service's audit helper: one line to record an event in its chain."""

from __future__ import annotations

from kasane_shared.audit import Recorder
from minutes.base import AuditEntry

record = Recorder(AuditEntry)
