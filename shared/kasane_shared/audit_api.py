"""Read-only audit endpoints every service mounts: its own chain, filtered, and its verification.

For the ``auditor`` role only. Entries hold ids, codes and counts (never case content); each
service also describes the targets it owns (a meeting's date and kind, a member's name) so an
auditor reads them as they know them. Reading the log is itself recorded: once per search in
identity's chain when the request names a search identity recorded for this auditor
(``search_id``), otherwise as an ``audit.read`` entry in this service's chain.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from kasane_shared.audit import AuditEntryMixin, append, verify_chain
from kasane_shared.auth.deps import RequireRole
from kasane_shared.auth.tokens import TokenClaims
from kasane_shared.db import SessionDep
from kasane_shared.errors import KasaneError

LiveAuditor = RequireRole("auditor")
Ref = tuple[str, str]
# (request, session, auditor, search id) → the filters identity recorded for this auditor's
# search, or None when it holds no such search.
SearchCheck = Callable[[Request, Session, TokenClaims, str], dict[str, str] | None]
# The filters a search is recorded with; a read naming the search must use exactly these.
FILTERS = ("action", "actor_id", "target_type", "target_id", "since", "until")
# (session, [(target type, target id)]) → what the auditor may know of each target.
Describer = Callable[[Session, list[Ref]], dict[Ref, dict[str, Any]]]
IdQuery = Annotated[str | None, Query(max_length=64)]


class DescribeRequest(BaseModel):
    """Targets to describe, as ``[type, id]`` pairs."""

    model_config = ConfigDict(extra="forbid")
    refs: list[tuple[str, str]] = Field(max_length=1000)
    search_id: str | None = Field(default=None, max_length=64)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _entry(entry: AuditEntryMixin, target: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "seq": entry.seq,
        "recorded_at": entry.recorded_at,
        "actor_id": entry.actor_id,
        "action": entry.action,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "target": target,
        "outcome": entry.outcome,
        "details": entry.details,
        "entry_hash": entry.entry_hash,
    }


def _differs(request: Request, recorded: dict[str, str]) -> bool:
    return any(
        (request.query_params.get(name) or "") != (recorded.get(name) or "") for name in FILTERS
    )


def _unknown_search() -> KasaneError:
    return KasaneError(
        403,
        "unknown_search",
        "この検索の記録が見つかりません。監査ログの画面から検索し直してください。",
        "This search is not on record. Please search again from the audit log page.",
    )


def audit_router(
    model: type[AuditEntryMixin],
    *,
    search_filters: SearchCheck | None = None,
    describe: Describer | None = None,
    auditor_check: Callable[..., TokenClaims] = LiveAuditor,
) -> APIRouter:
    """``GET /audit`` (filters), ``GET /audit/verify`` and ``POST /audit/describe``.

    ``auditor_check`` admits auditors whose session is open (identity passes its own, which
    reads its database instead of asking itself over HTTP).
    """
    router = APIRouter(prefix="/audit", tags=["audit"])
    # A default, not an Annotated alias: annotations here are strings read in module scope.
    auditor_dependency = Depends(auditor_check)

    def logged(
        request: Request,
        session: Session,
        auditor: TokenClaims,
        search_id: str | None,
        action: str,
        *,
        same_filters: bool = False,
        **details: Any,
    ) -> None:
        """Record this read here, unless it belongs to a search identity already recorded.

        A read under a recorded search must use that search's filters: one record cannot
        stand for other searches.
        """
        if search_id:
            recorded = (
                search_filters(request, session, auditor, search_id) if search_filters else None
            )
            if recorded is None:
                raise _unknown_search()
            if same_filters and _differs(request, recorded):
                raise _unknown_search()
            return
        append(session, model, action=action, actor_id=auditor.subject, details=details)

    def targets(session: Session, rows: list[AuditEntryMixin]) -> dict[Ref, dict[str, Any]]:
        refs = list(
            dict.fromkeys(
                (r.target_type, r.target_id) for r in rows if r.target_type and r.target_id
            )
        )
        return describe(session, refs) if describe and refs else {}  # type: ignore[misc]

    @router.get("")
    def read_log(
        request: Request,
        session: SessionDep,
        auditor: TokenClaims = auditor_dependency,
        action: Annotated[str | None, Query(max_length=64)] = None,
        actor_id: IdQuery = None,
        target_type: Annotated[str | None, Query(max_length=32)] = None,
        target_id: IdQuery = None,
        since: AwareDatetime | None = None,
        until: AwareDatetime | None = None,
        before_seq: Annotated[int | None, Query(ge=1)] = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
        search_id: IdQuery = None,
    ) -> list[dict[str, Any]]:
        """Entries newest first (``action`` matches as a prefix, ``until`` is exclusive)."""
        query = select(model).order_by(model.seq.desc()).limit(limit)
        if action:
            query = query.where(model.action.startswith(action, autoescape=True))
        if actor_id:
            query = query.where(model.actor_id == actor_id)
        if target_type:
            query = query.where(model.target_type == target_type)
        if target_id:
            query = query.where(model.target_id == target_id)
        if since is not None:
            query = query.where(model.recorded_at >= _stamp(since))
        if until is not None:
            query = query.where(model.recorded_at < _stamp(until))
        if before_seq is not None:
            query = query.where(model.seq < before_seq)
        rows = list(session.scalars(query))
        described = targets(session, rows)
        found = [_entry(e, described.get((e.target_type, e.target_id))) for e in rows]  # type: ignore[arg-type]
        logged(
            request,
            session,
            auditor,
            search_id,
            "audit.read",
            same_filters=True,
            returned=len(found),
        )
        return found

    @router.get("/verify")
    def verify(
        request: Request,
        session: SessionDep,
        auditor: TokenClaims = auditor_dependency,
        search_id: IdQuery = None,
    ) -> dict[str, Any]:
        """Walk the whole chain: entries, ok, and where it first breaks."""
        state = request.app.state
        anchor_of = getattr(state, "audit_anchor", None)
        report = verify_chain(
            session,
            model,
            key=state.db.keys.key("audit"),
            anchor=anchor_of(session) if anchor_of is not None else None,
        )
        checked_at = datetime.now(UTC).isoformat()
        logged(
            request,
            session,
            auditor,
            search_id,
            "audit.verify",
            ok=report.ok,
            entries=report.entries,
        )
        return {
            "entries": report.entries,
            "ok": report.ok,
            "broken_at": report.broken_at,
            "reason": report.reason,
            "keyed": report.keyed,
            "anchored_seq": report.anchored_seq,
            "checked_at": checked_at,
        }

    @router.post("/describe")
    def describe_targets(
        data: DescribeRequest,
        request: Request,
        session: SessionDep,
        auditor: TokenClaims = auditor_dependency,
    ) -> dict[str, dict[str, Any]]:
        """What the auditor may know of targets this service owns (``"type:id"`` → facts)."""
        refs = list(dict.fromkeys((t, i) for t, i in data.refs if t and i))
        described = describe(session, refs) if describe and refs else {}
        logged(request, session, auditor, data.search_id, "audit.read", described=len(described))
        return {f"{t}:{i}": facts for (t, i), facts in described.items()}

    return router


def search_filters_at_identity(
    request: Request, session: Session, auditor: TokenClaims, search_id: str
) -> dict[str, str] | None:
    """Agenda and minutes ask identity, with the auditor's token, for the recorded search."""
    token = getattr(request.state, "bearer_token", None)
    if not token:
        return None
    return request.app.state.identity.audit_search_filters(token, search_id)
