"""Identity's audit helper: one line to record an event in identity's chain."""

from __future__ import annotations

from identity.base import AuditEntry
from kasane_shared.audit import Recorder

record = Recorder(AuditEntry)
