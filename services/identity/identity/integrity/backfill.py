"""MACs for the trust rows that predate them: made once, at start, for the listed rows only.

Migration 0008 cannot reach the key provider, so it lists the rows that existed then
(``trust_row_backfill``). The first start MACs exactly those and empties the list, and says
so in identity's keyed audit chain (``trust_row.backfill``). Nulling a MAC later gets no new
one: the row is not listed; and a list written later is refused, because the chain already
holds a backfill (an attacker cannot remove that entry: it is MAC'd, chained and anchored
outside the database). Keys are checked before they get a MAC: a public key must be the
one its sealed private key opens to, so a key swapped before the upgrade is refused too.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from identity.audit import record
from identity.base import AuditEntry
from identity.custody.models import MemberKey
from identity.custody.service import sealed_matches_public as member_key_sound
from identity.integrity.models import TrustRowBackfill
from identity.integrity.rows import TrustRowMixin, row_mac_of, tampered
from identity.members.models import Member
from identity.sessions.models import LoginSession
from identity.signing.models import SigningKey
from identity.signing.service import sealed_matches_public as signing_key_sound
from kasane_shared.audit import AnchorLike, verify_chain
from kasane_shared.crypto import CryptoError, KeyProvider
from kasane_shared.db import Database

log = logging.getLogger("kasane.identity")
MODELS: dict[str, type[TrustRowMixin]] = {
    "members": Member,
    "member_keys": MemberKey,
    "signing_keys": SigningKey,
    "login_sessions": LoginSession,
}


def _sound(kek: KeyProvider, table_name: str, row: Mapping[str, Any]) -> bool:
    """Whether a key row's public half is what its sealed private half opens to."""
    try:
        if table_name == "member_keys":
            if row["private_sealed"] is None:
                return row["destroyed_at"] is not None  # a departed member's: nothing to open
            return member_key_sound(
                kek, row["owner_id"], row["version"], row["private_sealed"], row["public_key"]
            )
        if table_name == "signing_keys":
            return signing_key_sound(kek, row["kid"], row["private_sealed"], row["public_jwk"])
    except (CryptoError, ValueError, TypeError, KeyError):
        return False
    return True


def _refusal(session: Session, db: Database, anchor: AnchorLike | None) -> str | None:
    """Why the listed rows may not be MAC'd now (the chain must prove no backfill ran)."""
    report = verify_chain(session, AuditEntry, key=db.keys.key("audit"), anchor=anchor)
    if not report.ok:
        return "audit_chain"
    done = session.scalar(
        select(AuditEntry.seq)
        .where(AuditEntry.action == "trust_row.backfill", AuditEntry.outcome == "ok")
        .limit(1)
    )
    return "done_before" if done is not None else None


def backfill_trust_rows(db: Database, kek: KeyProvider, anchor: AnchorLike | None) -> int:
    """MAC the rows migration 0008 listed (once); returns how many got a MAC."""
    with db.session() as session:
        listed = session.execute(select(TrustRowBackfill.table_name, TrustRowBackfill.row_id))
        pending = [(table_name, row_id) for table_name, row_id in listed]
        if not pending:
            return 0
        reason = _refusal(session, db, anchor)
        if reason is not None:
            log.error("trust rows not backfilled: %s (%d listed)", reason, len(pending))
            record(
                session,
                "trust_row.backfill",
                None,
                outcome="refused",
                reason=reason,
                count=len(pending),
            )
            if reason == "done_before":
                session.execute(delete(TrustRowBackfill))  # a forged list: nothing to keep
            return 0
        done = _backfill(session, db, kek, pending)
        session.execute(delete(TrustRowBackfill))
        record(
            session,
            "trust_row.backfill",
            None,
            count=done,
            refused=len(pending) - done,
        )
    return done


def _backfill(
    session: Session, db: Database, kek: KeyProvider, pending: list[tuple[str, str]]
) -> int:
    """MAC each listed row that has none and is sound; audit each refused key row."""
    key, done = db.keys.key("rows"), 0
    for table_name, row_id in pending:
        model = MODELS.get(table_name)
        if model is None:
            continue
        table, pk = model.__table__, model.__trust_pk__  # type: ignore[attr-defined]
        row = session.execute(select(table).where(table.c[pk] == row_id)).mappings().first()
        if row is None or row["row_mac"] is not None:
            continue
        if not _sound(kek, table_name, row):
            refusal = tampered(model.__trust_kind__, row_id)
            log.error("trust row refused at backfill: %s %s", table_name, refusal.row_id)
            record(
                session,
                "trust_row.integrity_failure",
                None,
                refusal.kind,
                refusal.row_id,
                outcome="tampered",
            )
            continue
        mac = row_mac_of(key, model, row)
        session.execute(update(table).where(table.c[pk] == row_id).values(row_mac=mac))
        done += 1
    return done


__all__ = ["backfill_trust_rows"]
