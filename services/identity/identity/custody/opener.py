"""One request's access to private keys: each key row read and verified once per request,
pledge checks remembered, and data keys this very key opened before taken from memory."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from identity.custody.keycache import PRIVATE_KEYS
from identity.custody.models import MemberKey
from identity.integrity.rows import verified
from identity.pledges.service import status as pledge_status
from kasane_shared.crypto import DataKey, KeyProvider, MemberPrivateKey
from kasane_shared.crypto.digests import sha256
from kasane_shared.crypto.encoding import as_bytes

KeyId = tuple[str, int]  # owner, key version


@dataclass
class Opener:
    """Opens private keys once per request and remembers pledge checks."""

    session: Session
    kek: KeyProvider
    _keys: dict[KeyId, MemberPrivateKey | None] = field(default_factory=dict)
    _sealed: dict[KeyId, bytes] = field(default_factory=dict)
    _pledges: dict[tuple[str, str], bool] = field(default_factory=dict)

    def private_key(self, owner_id: str, version: int) -> MemberPrivateKey | None:
        if (owner_id, version) not in self._keys:
            # The row is read (and verified) every time: a destroyed key is gone even if
            # still cached, and a rewritten row is refused.
            row = verified(
                self.session,
                self.session.scalar(
                    select(MemberKey).where(
                        MemberKey.owner_id == owner_id, MemberKey.version == version
                    )
                ),
            )
            sealed = None if row is None or row.destroyed_at else row.private_sealed
            key = None
            if sealed is not None:
                raw = as_bytes(sealed)
                key = PRIVATE_KEYS.get(self.kek, owner_id, version, raw)
                self._sealed[(owner_id, version)] = sha256(raw)
            self._keys[(owner_id, version)] = key
        return self._keys[(owner_id, version)]

    def remembered(self, owner_id: str, version: int, wrapped: str) -> DataKey | None:
        """The data key this same live private key opened from these very wrap bytes before.

        Asked only after ``private_key`` answered for this request (the row read, verified,
        not destroyed): a hit skips the decapsulation, never a check."""
        sealed = self._sealed.get((owner_id, version))
        if sealed is None:
            return None
        raw = PRIVATE_KEYS.data_key(owner_id, version, sealed, _digest(wrapped))
        return DataKey(raw) if raw is not None else None

    def remember(self, owner_id: str, version: int, wrapped: str, key: DataKey) -> None:
        """Keep a data key just opened (and checked) from ``wrapped`` in memory."""
        sealed = self._sealed.get((owner_id, version))
        if sealed is not None:
            PRIVATE_KEYS.keep_data_key(owner_id, version, sealed, _digest(wrapped), key.to_bytes())

    def has_pledge(self, member_id: str, kind: str) -> bool:
        if (member_id, kind) not in self._pledges:
            self._pledges[(member_id, kind)] = pledge_status(self.session, member_id, kind).valid
        return self._pledges[(member_id, kind)]


def _digest(wrapped: str) -> bytes:
    return sha256(wrapped.encode("ascii"))


__all__ = ["Opener"]
