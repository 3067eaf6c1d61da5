"""Agenda's audit helper: one line to record an event in agenda's chain (ids and codes only)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from agenda.base import AuditEntry
from kasane_shared import audit


def record(
    session: Session,
    action: str,
    actor_id: str | None,
    target_type: str | None = None,
    target_id: str | None = None,
    *,
    outcome: str = "ok",
    **details: Any,
) -> None:
    """Append an event to agenda's audit log; never pass case content here."""
    audit.append(session, AuditEntry, action=action, actor_id=actor_id, target_type=target_type, target_id=target_id, outcome=outcome, details=details)
