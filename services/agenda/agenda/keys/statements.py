"""Agenda's entitlement statements: what it decided, proven to identity with each grant.

Agenda decides grants from its MAC'd consents and invitations; identity re-addresses an
escrow wrap only with agenda's statement for that record, audience, member and kind (and
the consent the grant rests on), MAC'd under agenda's grants key (``kasane_shared.grants``).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from agenda.integrity.rows import verify
from kasane_shared.grants import ConsentProof, Grantee, Statement, grants_key, make_statement

if TYPE_CHECKING:
    from agenda.cases.models import Consent

SERVICE = "agenda"


def consent_proof(session: Session, consent: Consent | None) -> ConsentProof | None:
    """What a grant resting on this consent shows identity; the row is verified once more."""
    if consent is None:
        return None
    verify(session, consent)
    return ConsentProof(
        consent.id,
        consent.row_mac or "",
        bool(consent.covers_tax),
        tuple(sorted(consent.organization_ids or [])),
    )


def rewrap_items(
    session: Session,
    wanted: Sequence[tuple[Any, str, str, str, str]],
    consent: ConsentProof | None = None,
) -> list[tuple[str, str, str, Statement]]:
    """(escrow wrap, member, kind, statement) for each (record, audience, member, kind, basis)."""
    key, now = grants_key(session), time.time()
    items = []
    for record, audience, member_id, kind, _ in wanted:
        escrow_wrap = record.escrow_wraps[audience]
        grantee = Grantee(SERVICE, record.__tablename__, record.id, audience, member_id, kind)
        statement = make_statement(key, escrow_wrap, grantee, consent, now)
        items.append((escrow_wrap, member_id, kind, statement))
    return items
