"""Many cases in one unit of work, through the same rules as ``POST /agenda/cases``.

For benchmarks and pilots (``kasane seed cases``): identity is asked once per batch (the
organizations, the author's public key, agenda's escrow key), before the first write, so
the batch holds the write lock only while it seals and inserts.
"""

from __future__ import annotations

from collections.abc import Iterable

from agenda.cases.models import Case
from agenda.cases.schemas import CaseCreate
from agenda.cases.service import create_case
from agenda.keys.service import KeyContext


def create_cases(ctx: KeyContext, bodies: Iterable[CaseCreate]) -> list[Case]:
    """Create each case as ``create_case`` does; the caller's session commits the batch."""
    bodies = list(bodies)
    if any(b.lead_organization_id for b in bodies):
        ctx.organization_ids()
    ctx.prefetch_for_writing([ctx.caller.id])
    return [create_case(ctx, body) for body in bodies]
