"""Read-only audit endpoints every service mounts: its own chain, filtered, and its verification.

For the ``auditor`` role only. Entries hold ids, codes and counts (never case content), so
the auditor reads them as stored. Reading the log is itself recorded in the chain.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import AwareDatetime
from sqlalchemy import select

from kasane_shared.audit import AuditEntryMixin, append, verify_chain
from kasane_shared.auth.deps import RequireRole
from kasane_shared.auth.tokens import TokenClaims
from kasane_shared.db import SessionDep

Auditor = Annotated[TokenClaims, Depends(RequireRole("auditor"))]


def _entry(entry: AuditEntryMixin) -> dict[str, Any]:
    return {
        "seq": entry.seq,
        "recorded_at": entry.recorded_at,
        "actor_id": entry.actor_id,
        "action": entry.action,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "outcome": entry.outcome,
        "details": entry.details,
        "entry_hash": entry.entry_hash,
    }


def audit_router(model: type[AuditEntryMixin]) -> APIRouter:
    """``GET /audit`` (filters: action prefix, actor, since, limit) and ``GET /audit/verify``."""
    router = APIRouter(prefix="/audit", tags=["audit"])

    @router.get("")
    def read_log(
        session: SessionDep,
        auditor: Auditor,
        action: Annotated[str | None, Query(max_length=64)] = None,
        actor_id: Annotated[str | None, Query(max_length=64)] = None,
        since: AwareDatetime | None = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    ) -> list[dict[str, Any]]:
        """Entries of this service's chain, newest first (``action`` matches as a prefix)."""
        query = select(model).order_by(model.seq.desc()).limit(limit)
        if action:
            query = query.where(model.action.startswith(action, autoescape=True))
        if actor_id:
            query = query.where(model.actor_id == actor_id)
        if since is not None:
            query = query.where(
                model.recorded_at >= since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            )
        rows = [_entry(e) for e in session.scalars(query)]
        append(
            session,
            model,
            action="audit.read",
            actor_id=auditor.subject,
            details={"returned": len(rows)},
        )
        return rows

    @router.get("/verify")
    def verify(session: SessionDep, auditor: Auditor) -> dict[str, Any]:
        """Walk the whole chain: entries, ok, and where it first breaks."""
        report = verify_chain(session, model)
        checked_at = datetime.now(UTC).isoformat()
        append(
            session,
            model,
            action="audit.verify",
            actor_id=auditor.subject,
            details={"ok": report.ok, "entries": report.entries},
        )
        return {
            "entries": report.entries,
            "ok": report.ok,
            "broken_at": report.broken_at,
            "reason": report.reason,
            "checked_at": checked_at,
        }

    return router
