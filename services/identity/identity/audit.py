"""Identity's audit helper: one line to record an event in identity's chain."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from identity.base import AuditEntry
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
    """Append an event (ids and codes only, never content) to identity's audit log."""
    audit.append(
        session,
        AuditEntry,
        action=action,
        actor_id=actor_id,
        target_type=target_type,
        target_id=target_id,
        outcome=outcome,
        details=details,
    )
