"""Which key signs tokens now, and which keys verifiers should trust."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from joserfc.jwk import ECKey
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from identity.audit import record
from identity.integrity.rows import key_pair_mismatch, verify
from identity.signing.models import SigningKey
from kasane_shared.auth.tokens import generate_signing_key, public_jwk
from kasane_shared.db import utcnow

# A retired key stays published long enough for every token it signed to expire.
RETIRED_KEY_GRACE = timedelta(hours=1)


def signing_key_aad(kid: str) -> bytes:
    return f"identity/signing_keys/{kid}".encode()


def _newest(session: Session) -> SigningKey | None:
    return session.scalar(
        select(SigningKey)
        .where(SigningKey.retired_at.is_(None))
        .order_by(SigningKey.created_at.desc())
        .limit(1)
    )


def ensure_signing_key(session: Session, kek: Any) -> None:
    """A first signing key for a new deployment (nothing is opened or trusted here)."""
    if _newest(session) is None:
        rotate_signing_key(session, kek, actor_id=None)


def current_signing_key(session: Session, kek: Any) -> ECKey:
    """The newest unretired key (its row's MAC verified), made on first use."""
    row = _newest(session)
    if row is None:
        return rotate_signing_key(session, kek, actor_id=None)
    verify(session, row)
    private = json.loads(kek.open(row.private_sealed, signing_key_aad(row.kid)))
    return ECKey.import_key(private)


def sealed_matches_public(kek: Any, kid: str, sealed: bytes, jwk: dict[str, Any]) -> bool:
    """Whether the sealed private key opens and its public half is ``jwk``."""
    opened = ECKey.import_key(json.loads(kek.open(sealed, signing_key_aad(kid))))
    return bool(public_jwk(opened) == jwk)


def rotate_signing_key(session: Session, kek: Any, actor_id: str | None) -> ECKey:
    """Start signing with a new key; the old one stays published for the grace period."""
    now = utcnow()
    for old in session.scalars(select(SigningKey).where(SigningKey.retired_at.is_(None))):
        old.retired_at = now
    key = generate_signing_key()
    private = json.dumps(key.as_dict(private=True)).encode()
    sealed, published = kek.seal(private, signing_key_aad(key.kid)), public_jwk(key)
    if not sealed_matches_public(kek, key.kid, sealed, published):
        raise key_pair_mismatch()
    session.add(
        SigningKey(
            kid=key.kid,
            private_sealed=sealed,
            public_jwk=published,
            created_at=now,
        )
    )
    session.flush()
    record(session, "signing_key.rotate", actor_id, "signing_key", key.kid)
    return key


def published_jwks(session: Session) -> dict[str, Any]:
    """The public keys verifiers should accept now; one rewritten row refuses them all."""
    cutoff = utcnow() - RETIRED_KEY_GRACE
    rows = session.scalars(
        select(SigningKey)
        .where(or_(SigningKey.retired_at.is_(None), SigningKey.retired_at > cutoff))
        .order_by(SigningKey.created_at)
    )
    return {"keys": [verify(session, row).public_jwk for row in rows]}
