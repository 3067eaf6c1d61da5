"""HTTP interface of the auditor's searches: one audit entry per search, checked by services."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request, status
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from identity.auditlog import service
from identity.deps import RequireRole
from identity.members.models import Member
from kasane_shared.auth.tokens import TokenClaims
from kasane_shared.db import SessionDep
from kasane_shared.errors import not_found

router = APIRouter(prefix="/audit/searches", tags=["audit"])
AuditorMember = Annotated[Member, Depends(RequireRole("auditor"))]


class SearchCreate(BaseModel):
    """A search's filters (ids, codes and dates only) and what it is for."""

    model_config = ConfigDict(extra="forbid")
    filters: dict[str, Annotated[str, Field(max_length=100)]] = Field(
        default_factory=dict, max_length=12
    )
    purpose: Literal["search", "export", "verify"] = "search"


class SearchOut(BaseModel):
    """The name the services accept for this search, and the filters it was recorded with."""

    search_id: str
    filters: dict[str, str]


@router.post("", response_model=SearchOut, status_code=status.HTTP_201_CREATED)
def start_search(data: SearchCreate, session: SessionDep, auditor: AuditorMember) -> SearchOut:
    """Record one search of the audit logs; its pages and services' reads are not logged again."""
    filters = {k[:32]: v for k, v in data.filters.items() if v}
    search_id = service.record_search(session, auditor.id, filters, purpose=data.purpose)
    return SearchOut(search_id=search_id, filters=filters)


@router.get("/{search_id}", response_model=SearchOut)
def check_search(search_id: str, session: SessionDep, auditor: AuditorMember) -> SearchOut:
    """The caller's recorded search and its filters (the services ask before serving it)."""
    filters = (
        service.search_filters(session, auditor.id, search_id) if len(search_id) <= 64 else None
    )
    if filters is None:
        raise not_found("検索の記録", "Search")
    return SearchOut(search_id=search_id, filters=filters)


def search_filters_here(
    request: Request, session: Session, auditor: TokenClaims, search_id: str
) -> dict[str, str] | None:
    """Identity's own audit reads look the search up in its own chain."""
    return service.search_filters(session, auditor.subject, search_id)
