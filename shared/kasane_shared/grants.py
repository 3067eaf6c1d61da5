"""Entitlement statements: a service's keyed word that one member may hold one record's key.

Identity re-addresses a service's escrow wrap to a member (a grant) only against a statement
that the service which decided the entitlement made under its "grants" key: derived from
the key provider, handed by identity to that service alone, recomputed by identity to check.
A statement binds the escrow wrap itself (by digest: its record, audience and data key),
the member, the conference kind, an expiry and, for a grant that rests on a consent, the
consent (id, version, tax coverage and the organizations in its scope). Whoever can write a
service's database, or calls identity with a coordinator's token or a service's access token
alone, cannot make one; a statement for one member or record proves nothing for another.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from kasane_shared.crypto.digests import sha256_hex
from kasane_shared.integrity import keys_unavailable, mac, mac_matches

LABEL = "kasane/v1/grants/statement"
# A statement is made just before the rewrap call that carries it.
STATEMENT_SECONDS = 300
# Identity refuses a statement claiming to stand longer than this (a bound on any replay).
MAX_STATEMENT_SECONDS = 600


@dataclass(frozen=True)
class ConsentProof:
    """The consent a grant rests on, as the deciding service verified it (its MAC'd row)."""

    consent_id: str
    version: str  # the consent row's MAC: it changes with every change to what the row decides
    covers_tax: bool
    organization_ids: tuple[str, ...]

    def covers(self, organization_id: str | None, tax: bool) -> bool:
        """Whether a member of ``organization_id`` is in scope (and, for tax, tax is covered)."""
        in_scope = organization_id is not None and organization_id in self.organization_ids
        return in_scope and (self.covers_tax or not tax)

    def wire(self) -> dict[str, Any]:
        """The proof as JSON for identity."""
        return {
            "consent_id": self.consent_id,
            "version": self.version,
            "covers_tax": self.covers_tax,
            "organization_ids": list(self.organization_ids),
        }

    @classmethod
    def from_wire(cls, body: dict[str, Any] | None) -> ConsentProof | None:
        """A proof from its JSON form (as agenda hands it to minutes, or identity receives it)."""
        if not body:
            return None
        return cls(
            str(body["consent_id"]),
            str(body["version"]),
            bool(body["covers_tax"]),
            tuple(sorted(str(o) for o in body["organization_ids"])),
        )


@dataclass(frozen=True)
class Grantee:
    """What one grant is for: the escrow wrap's record and audience, a member and a kind."""

    service: str
    table: str
    record_id: str
    audience: str
    member_id: str
    conference_kind: str


@dataclass(frozen=True)
class Statement:
    """A MAC'd entitlement: ``mac`` covers the grantee, the escrow wrap, consent and expiry."""

    expires_at: int
    mac: str
    consent: ConsentProof | None = None

    def wire(self) -> dict[str, Any]:
        """The statement as JSON, sent with its rewrap item."""
        return {
            "expires_at": self.expires_at,
            "mac": self.mac,
            "consent": None if self.consent is None else self.consent.wire(),
        }


def _parts(
    escrow_wrap: str, grantee: Grantee, consent: ConsentProof | None, expires_at: int
) -> list[str | int | bool | None]:
    digest = sha256_hex(escrow_wrap.encode("ascii", "replace"))
    g = grantee
    proof: list[str | int | bool | None] = [None]
    if consent is not None:
        scope = json.dumps(sorted(consent.organization_ids), separators=(",", ":"))
        proof = [consent.consent_id, consent.version, consent.covers_tax, scope]
    return [
        g.service,
        g.table,
        g.record_id,
        g.audience,
        g.member_id,
        g.conference_kind,
        digest,
        *proof,
        expires_at,
    ]


def grants_key(session: Session) -> bytes:
    """The service's grants key, from the keys its database holds (503 without them)."""
    keys = session.info.get("kasane_keys")
    if keys is None:
        raise keys_unavailable()
    return keys.key("grants")  # type: ignore[no-any-return]


def make_statement(
    key: bytes,
    escrow_wrap: str,
    grantee: Grantee,
    consent: ConsentProof | None = None,
    now: float | None = None,
) -> Statement:
    """The deciding service's statement for one grant, standing ``STATEMENT_SECONDS``."""
    expires_at = int(now if now is not None else time.time()) + STATEMENT_SECONDS
    return Statement(
        expires_at, mac(key, LABEL, *_parts(escrow_wrap, grantee, consent, expires_at)), consent
    )


def statement_holds(
    key: bytes,
    statement: Statement,
    escrow_wrap: str,
    grantee: Grantee,
    now: float | None = None,
) -> bool:
    """Whether the statement is the service's, for exactly this grant, and still stands."""
    moment = int(now if now is not None else time.time())
    if not moment <= statement.expires_at <= moment + MAX_STATEMENT_SECONDS:
        return False
    parts = _parts(escrow_wrap, grantee, statement.consent, statement.expires_at)
    return mac_matches(key, statement.mac, LABEL, *parts)


__all__ = [
    "MAX_STATEMENT_SECONDS",
    "STATEMENT_SECONDS",
    "ConsentProof",
    "Grantee",
    "Statement",
    "grants_key",
    "make_statement",
    "statement_holds",
]
