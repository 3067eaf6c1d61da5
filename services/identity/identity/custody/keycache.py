"""Parsed member private keys kept in memory, so an unwrap does not rebuild the key each time.

Opening a sealed ML-KEM private key (KEK open, then the key schedule from its seed) costs
about twice the decapsulation itself, and a view unwraps dozens of wraps of one member.
The cache is bounded (least recently used go first) and lives only in this process's
memory. An entry is used only while the row still holds the same sealed bytes under the
same current KEK version: a destroyed key (``forget``), a re-sealed key or a KEK rotation
(``clear``, also noticed when another process rotated) never answers from the cache.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

from kasane_shared.crypto import KeyProvider, MemberPrivateKey, load_private_key, open_private_key


class PrivateKeyCache:
    """A bounded LRU of parsed private keys, keyed by owner and key version."""

    def __init__(self, capacity: int = 1024) -> None:
        self.capacity = capacity
        self._lock = threading.Lock()
        self._entries: OrderedDict[tuple[str, int], tuple[bytes, MemberPrivateKey]] = OrderedDict()
        self._kek_version: int | None = None

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, owner_and_version: object) -> bool:
        return owner_and_version in self._entries

    def get(self, kek: KeyProvider, owner_id: str, version: int, sealed: bytes) -> MemberPrivateKey:
        """The parsed private key sealed in ``sealed`` (opened under the KEK on a miss)."""
        digest = hashlib.sha256(sealed).digest()
        kek_version = kek.current_version()
        with self._lock:
            if kek_version != self._kek_version:
                self._entries.clear()  # a rotation happened (here or in another process)
                self._kek_version = kek_version
            hit = self._entries.get((owner_id, version))
            if hit is not None and hit[0] == digest:
                self._entries.move_to_end((owner_id, version))
                return hit[1]
        key = load_private_key(open_private_key(kek, owner_id, version, sealed))
        if self.capacity <= 0:
            return key
        with self._lock:
            self._entries[(owner_id, version)] = (digest, key)
            self._entries.move_to_end((owner_id, version))
            while len(self._entries) > self.capacity:
                self._entries.popitem(last=False)
        return key

    def forget(self, owner_id: str) -> None:
        """Drop every key of an owner (their keys were destroyed)."""
        with self._lock:
            for entry in [e for e in self._entries if e[0] == owner_id]:
                del self._entries[entry]

    def clear(self) -> None:
        """Drop every key (the KEK was rotated)."""
        with self._lock:
            self._entries.clear()
            self._kek_version = None


# One per process: keys are bound to their sealed bytes, so identity apps sharing a process
# (tests) cannot read each other's entries. Sized from the settings when identity starts.
PRIVATE_KEYS = PrivateKeyCache()


__all__ = ["PRIVATE_KEYS", "PrivateKeyCache"]
