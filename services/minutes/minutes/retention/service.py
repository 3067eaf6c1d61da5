"""Destroy the minutes items (and their hidden tax blocks and comments) about given cases.

Agenda decides which cases are past their period; minutes destroys its own records about
them the same way: every wrap of their data keys first, then the ciphertext.
"""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from kasane_shared.shredding import enable_secure_delete, shred_records
from minutes.audit import record
from minutes.meeting_minutes.models import MinutesComment, MinutesItem, MinutesWrap, TaxBlock

TABLES = ("minutes_items", "tax_blocks", "comments", "wraps")


def shred_case_items(session: Session, case_id: str, rule: str, years: int) -> dict[str, int]:
    """Destroy every minutes item about ``case_id``; returns counts by kind."""
    enable_secure_delete(session)
    items = list(session.scalars(select(MinutesItem).where(MinutesItem.case_id == case_id)))
    if not items:
        return {}
    agenda_item_ids = {i.agenda_item_id for i in items}
    comments = list(
        session.scalars(
            select(MinutesComment).where(MinutesComment.agenda_item_id.in_(agenda_item_ids))
        )
    )
    block_ids = {b for i in items for b in (i.tax_blocks or {}).values()}
    # A block reused by an item that stays (never about another case, but check) stays.
    kept = {
        b
        for i in session.scalars(
            select(MinutesItem).where(
                or_(MinutesItem.case_id != case_id, MinutesItem.case_id.is_(None))
            )
        )
        for b in (i.tax_blocks or {}).values()
    }
    blocks = [session.get(TaxBlock, b) for b in sorted(block_ids - kept)]
    blocks = [b for b in blocks if b is not None]
    counts = {"minutes_items": len(items), "tax_blocks": len(blocks), "comments": len(comments)}
    counts["wraps"] = shred_records(session, MinutesWrap, [*items, *comments, *blocks])
    record(
        session,
        "retention.shred",
        None,
        "case",
        case_id,
        rule=rule,
        period_years=years,
        **counts,
    )
    return counts
