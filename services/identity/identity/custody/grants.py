"""Grants proven, not trusted: each rewrap carries the deciding service's entitlement statement.

Agenda and minutes decide who may hold a record's key from their own (MAC'd) rows; identity
re-addresses the escrow wrap only when the grant comes with that service's statement for
exactly this escrow wrap, member and conference kind, made under the service's grants key
(which identity derives again here) and not expired. A missing, forged, replayed or expired
statement refuses the whole batch with ``integrity_failure`` (409) before anything is
granted, audited with ids only. A tax grant needs, on top, the consent proof of its statement to
cover tax and the member's organization: otherwise that item is refused (``no_consent``).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from sqlalchemy.orm import Session

from identity.audit import record
from identity.custody.schemas import RewrapItem, StatementIn
from identity.members.models import Member
from kasane_shared.crypto import CryptoError, KeyProvider, parse_wrap_header
from kasane_shared.errors import KasaneError
from kasane_shared.grants import ConsentProof, Grantee, Statement, statement_holds
from kasane_shared.integrity import key_label

log = logging.getLogger("kasane.identity")

ESCROW_PREFIX = "escrow:"
# Services whose escrow wraps identity re-addresses, each proving grants under its own key.
GRANTING_SERVICES = ("agenda", "minutes")
TAX_AUDIENCE = "tax"
# What the audit copies from a refused item: plain short ids only, at most this many items.
_ID_SHAPE = re.compile(r"[A-Za-z0-9_:.-]{1,64}")
AUDIT_LISTED_MAX = 200


def _unproven() -> KasaneError:
    # Checked before any grant: the batch's only change is the audit entry, which stays.
    return KasaneError(
        409,
        "integrity_failure",
        "鍵の付与を決めたサービスの証明（付与の根拠）を確認できないため、"
        "鍵を付与しませんでした。管理者に連絡してください。",
        "A grant came without a valid entitlement statement from the service that decided "
        "it; no key was granted. Contact an administrator.",
        keep_changes=True,
    )


def _plain(value: str) -> str | None:
    return value if _ID_SHAPE.fullmatch(value) else None


def statement_of(data: StatementIn | None) -> Statement | None:
    """The statement as the shared check reads it."""
    if data is None:
        return None
    consent = ConsentProof.from_wire(data.consent.model_dump() if data.consent else None)
    return Statement(data.expires_at, data.mac, consent)


def check_statements(
    session: Session, kek: KeyProvider, actor_id: str, items: list[RewrapItem]
) -> None:
    """Every escrow wrap of the batch is re-addressed only with a statement that holds.

    Items that are not a granting service's escrow wrap are left to the per-item refusals.
    """
    keys: dict[str, bytes] = {}
    unproven: list[dict[str, Any]] = []
    for item in items:
        try:
            header = parse_wrap_header(item.escrow_wrap)
        except CryptoError:
            continue
        binding, owner = header.binding, header.member_id
        if not owner.startswith(ESCROW_PREFIX) or binding.service not in GRANTING_SERVICES:
            continue
        if binding.service not in keys:
            keys[binding.service] = kek.derive_key(key_label(binding.service, "grants"))
        grantee = Grantee(
            binding.service,
            binding.table,
            binding.record_id,
            binding.audience,
            item.member_id,
            item.conference_kind,
        )
        statement = statement_of(item.statement)
        if statement is not None and statement_holds(
            keys[binding.service], statement, item.escrow_wrap, grantee
        ):
            continue
        unproven.append(
            {
                "service": binding.service,
                "table": _plain(binding.table),
                "record_id": _plain(binding.record_id),
                "audience": _plain(binding.audience),
                "member_id": _plain(item.member_id),
                "reason": "missing" if statement is None else "mismatch",
            }
        )
    if unproven:
        log.error("grant refused: %d statement(s) did not verify", len(unproven))
        record(
            session,
            "key.grant",
            actor_id,
            "member",
            unproven[0]["member_id"],
            outcome="refused",
            reason="integrity_failure",
            unproven=unproven[:AUDIT_LISTED_MAX],
            unproven_count=len(unproven),
        )
        raise _unproven()


def consent_allows(item: RewrapItem, audience: str, target: Member) -> bool:
    """A tax grant rests on a consent that covers tax and the member's organization."""
    if audience != TAX_AUDIENCE:
        return True
    statement = statement_of(item.statement)
    proof = statement.consent if statement is not None else None
    return proof is not None and proof.covers(target.organization_id, tax=True)
