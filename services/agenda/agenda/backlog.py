"""Seal what an older schema kept in clear: meeting titles and consent form references.

Migration 0009_sealed_titles cannot reach identity (sealing needs agenda's escrow key and
the invitees' public keys), so it moved those values to ``unsealed_backlog`` and dropped
their columns. The first request that reaches agenda after a start, with the caller's
token for identity's public keys, seals them (escrow and invitees; coordinators get them
by grant later), deletes the backlog and rewrites the database file, so neither the old
table pages nor the WAL keep the text. If identity cannot be reached, a later request
tries again; nothing is shown in clear meanwhile (titles read as the kind label).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from agenda.audit import record as audit
from agenda.cases.consent_refs import seal_reference
from agenda.cases.models import Consent
from agenda.deps import Caller
from agenda.keys.models import UnsealedText
from agenda.keys.service import KeyContext
from agenda.meetings.models import Meeting
from agenda.meetings.titles import seal_title
from kasane_shared.custody import IdentityClient
from kasane_shared.db import Database
from kasane_shared.errors import KasaneError
from kasane_shared.shredding import compact, enable_secure_delete

log = logging.getLogger(__name__)
_lock = threading.Lock()


def has_backlog(db: Database) -> bool:
    """Whether any value still waits to be sealed (checked once when the app is built)."""
    with db.session() as session:
        return bool(session.scalar(select(func.count()).select_from(UnsealedText)))


def seal_backlog(ctx: KeyContext) -> int:
    """Seal every waiting value in ``ctx``'s session and delete it; how many were sealed."""
    enable_secure_delete(ctx.session)  # the deleted backlog rows are zeroed in place too
    rows = list(ctx.session.scalars(select(UnsealedText)))
    for row in rows:
        if row.record_table == "meetings" and (meeting := ctx.session.get(Meeting, row.record_id)):
            seal_title(ctx, meeting, row.value, author=False)
        elif row.record_table == "consents" and (
            consent := ctx.session.get(Consent, row.record_id)
        ):
            seal_reference(ctx, consent, row.value, author=False)
        ctx.session.delete(row)
    ctx.session.flush()
    if rows:
        audit(
            ctx.session,
            "agenda.backlog_sealed",
            ctx.caller.id,
            "meeting",
            None,
            meetings=sum(r.record_table == "meetings" for r in rows),
            consents=sum(r.record_table == "consents" for r in rows),
        )
    return len(rows)


def rewrite_file(db: Database) -> None:
    """Rewrite the database so freed pages keep nothing (SQLite: VACUUM, then empty the WAL)."""
    if isinstance(db.bind, Engine):  # bound to one connection (tests): no file of its own
        compact(db.bind, ("meetings", "consents", "unsealed_backlog"))


def seal_waiting(state: Any, identity: IdentityClient, caller: Caller) -> None:
    """Seal the backlog once per process, on the first request after a start (see above)."""
    if not getattr(state, "unsealed_backlog", False):
        return
    with _lock:
        if not state.unsealed_backlog:
            return
        try:
            with state.db.session() as session:
                sealed = seal_backlog(KeyContext(session, identity, caller))
            rewrite_file(state.db)
        except (KasaneError, DBAPIError, sqlite3.Error) as error:
            # Identity unreachable, or the file busy: the next request tries again.
            log.warning("unsealed backlog not sealed yet: %s", type(error).__name__)
            return
        state.unsealed_backlog = False
        log.info("sealed %d values left in clear by an older schema", sealed)
