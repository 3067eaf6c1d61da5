"""The coordinator's case list, one page at a time.

Newest first (the default) pages by keyset over (created_at, id) with the plain filters in
SQL: a page reads its own rows through an index, opens the titles of those cases in one
batched unwrap and finds their active consents in one query, so the first page costs the
same at 10,000 cases as at 100. A title search, an issue filter or another sort needs the
opened titles of every matching case; those pages are cut from the sorted result.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, or_

from agenda.access import active_consents
from agenda.integrity.report import audit_tampering
from agenda.integrity.rows import TamperedRow
from agenda.cases.models import Case
from agenda.cases.schemas import CaseOut
from agenda.cases.search import CaseFilter, case_query, find_cases
from agenda.cases.service import case_out
from agenda.keys.service import CONTENT, KINDS, KeyContext, ensure_coordinator_access, open_each
from kasane_shared.paging import decode_cursor, decode_offset, encode_cursor, encode_offset

LIST_NAME = "agenda/cases"


@dataclass(frozen=True)
class CasePage:
    """One page of cases and the cursor of the next page (None on the last)."""

    cases: list[CaseOut]
    next_cursor: str | None


def list_page(ctx: KeyContext, wanted: CaseFilter, *, limit: int, cursor: str | None) -> CasePage:
    """The page of cases after ``cursor`` (from the first when None)."""
    if wanted.sort == "created" and not wanted.q and not wanted.issue:
        return _keyset_page(ctx, wanted, limit, cursor)
    return _sorted_page(ctx, wanted, limit, cursor)


def _keyset_page(ctx: KeyContext, wanted: CaseFilter, limit: int, cursor: str | None) -> CasePage:
    query = (
        case_query(wanted)
        .order_by(None)
        .order_by(Case.created_at.desc(), Case.id.desc())
        .limit(limit + 1)
    )
    if cursor is not None:
        at, case_id = decode_cursor(LIST_NAME, cursor)
        query = query.where(
            or_(Case.created_at < at, and_(Case.created_at == at, Case.id < case_id))
        )
    rows = list(ctx.session.scalars(query))
    page, more = rows[:limit], len(rows) > limit
    ensure_coordinator_access(ctx, page)
    # A case that fails to open is listed as unreadable (and audited); the page is served.
    opened, failed = open_each(ctx, page, (CONTENT,), KINDS)
    # A case whose consent fails its MAC is listed without one (audited), not the page refused.
    tampered: dict[str, TamperedRow] = {}
    consents = active_consents(ctx.session, [c.id for c in page], tampered)
    for error in tampered.values():
        audit_tampering(ctx.session, error, ctx.caller.id)
    shown = []
    for case in page:
        out = case_out(
            ctx,
            case,
            opened.get((case.id, CONTENT)),
            None,
            consent=consents.get(case.id),
            unreadable=case.id in failed,
        )
        out.monitoring_on = case.monitoring_on  # the newest plan's date, copied onto the case
        shown.append(out)
    last = page[-1] if more else None
    return CasePage(shown, encode_cursor(LIST_NAME, last.created_at, last.id) if last else None)


def _sorted_page(ctx: KeyContext, wanted: CaseFilter, limit: int, cursor: str | None) -> CasePage:
    start = decode_offset(LIST_NAME, cursor) if cursor is not None else 0
    found = find_cases(ctx, wanted, case_out)
    more = len(found) > start + limit
    return CasePage(
        found[start : start + limit], encode_offset(LIST_NAME, start + limit) if more else None
    )
