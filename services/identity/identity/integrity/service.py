"""Integrity keys for the services, and identity's book of anchored audit heads."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from identity.audit import record
from identity.integrity.models import AuditAnchor
from kasane_shared.audit_anchor import (
    ANCHOR_KEY_LABEL,
    Anchor,
    AnchorFile,
    anchors_from_file,
    newest,
)
from kasane_shared.crypto import KeyProvider
from kasane_shared.db import Database
from kasane_shared.errors import KasaneError
from kasane_shared.integrity import PURPOSES, key_label

log = logging.getLogger("kasane.identity")

# Services that receive integrity keys and anchor their chains at identity.
KEYED_SERVICES = ("agenda", "minutes")


def service_keys(session: Session, kek: KeyProvider, service: str) -> dict[str, bytes]:
    """A service's integrity keys, derived from the provider's root (the handing-out audited)."""
    keys = {purpose: kek.derive_key(key_label(service, purpose)) for purpose in PURPOSES}
    record(session, "integrity.keys", f"client:{service}", "oauth_client", service)
    return keys


def report_tampering(db: Database, kind: str, row_id: str) -> None:
    """Audit a trust row that failed its MAC (its kind and id only), after the request's
    own transaction was rolled back; a failure to audit is logged, never hides the refusal."""
    log.error("trust row failed its integrity check: %s %s", kind, row_id)
    try:
        with db.session() as session:
            record(session, "trust_row.integrity_failure", None, kind, row_id, outcome="tampered")
    except KasaneError as error:
        log.error("could not audit the integrity failure: %s", error.code)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class AnchorBook:
    """MACs heads under identity's anchor key; keeps them in its database and the anchor file."""

    def __init__(self, kek: KeyProvider, path: Path) -> None:
        self.kek, self.file = kek, AnchorFile(path)
        self._key: bytes | None = None

    @property
    def key(self) -> bytes:
        """Identity's anchor key (derived once)."""
        if self._key is None:
            self._key = self.kek.derive_key(ANCHOR_KEY_LABEL)
        return self._key

    def anchor(
        self,
        session: Session | None,
        service: str,
        seq: int,
        entry_hash: str,
        keyed_from: int | None,
    ) -> Anchor:
        """Vouch for a head: a row in identity's database (other services) and a file line."""
        made = Anchor(service, seq, entry_hash, keyed_from, _now()).signed(self.key)
        if session is not None and service != "identity":
            latest = session.scalar(
                select(AuditAnchor.seq)
                .where(AuditAnchor.service == service)
                .order_by(AuditAnchor.seq.desc())
                .limit(1)
            )
            if latest is not None and latest >= seq:
                return made  # a replica's late report: the newer anchor already stands
            session.add(
                AuditAnchor(
                    service=service,
                    seq=seq,
                    entry_hash=entry_hash,
                    keyed_from=keyed_from,
                    anchored_at=made.anchored_at,
                    mac=made.mac,
                )
            )
        self.file.append(made)
        return made

    def newest(self, session: Session | None, service: str) -> tuple[Anchor | None, int]:
        """The newest anchor of ``service`` that verifies, and how many stored ones did not."""
        found, forged = anchors_from_file(self.file.path, self.key, service)
        if session is not None:
            for row in session.scalars(select(AuditAnchor).where(AuditAnchor.service == service)):
                stored = Anchor(
                    row.service, row.seq, row.entry_hash, row.keyed_from, row.anchored_at, row.mac
                )
                if stored.verifies(self.key):
                    found.append(stored)
                else:
                    forged += 1
        return newest(found), forged
