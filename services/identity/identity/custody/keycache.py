"""Parsed member private keys kept in memory, so an unwrap does not rebuild the key each time.

Opening a sealed ML-KEM private key (KEK open, then the key schedule from its seed) costs
about twice the decapsulation itself, and a view unwraps dozens of wraps of one member.
The cache is bounded (least recently used go first) and lives only in this process's
memory. An entry is used only while the row still holds the same sealed bytes under the
same current KEK version: a destroyed key (``forget``), a re-sealed key or a KEK rotation
(``clear``, also noticed when another process rotated) never answers from the cache.

Beside each key, the data keys it opened (bounded the same way, ``data_capacity``): an
agenda view unwraps the same ~40 wraps of a member on every open, and the decapsulation
is most of its cost. An entry is named by the owner, the key version, a SHA-256 of the
sealed private key and a SHA-256 of the exact wrap bytes it was opened from, so it answers
only the same wrap, opened by the same live key, and only after every check of the request
(session, member, pledge, the key row read and not destroyed) has passed: a hit skips the
decapsulation and nothing else. Destroying an owner's keys or rotating the KEK drops their
data keys with them. Nothing of it is ever written anywhere.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from kasane_shared.crypto import KeyProvider, MemberPrivateKey, load_private_key, open_private_key
from kasane_shared.crypto.digests import sha256

# A remembered data key: owner, key version, SHA-256 of the sealed private key and of the wrap.
DataKeyId = tuple[str, int, bytes, bytes]


class PrivateKeyCache:
    """A bounded LRU of parsed private keys, keyed by owner and key version."""

    def __init__(self, capacity: int = 1024, data_capacity: int = 16384) -> None:
        self.capacity = capacity
        self.data_capacity = data_capacity
        self._lock = threading.Lock()
        self._entries: OrderedDict[tuple[str, int], tuple[bytes, MemberPrivateKey]] = OrderedDict()
        self._data: OrderedDict[DataKeyId, bytes] = OrderedDict()
        self._kek_version: int | None = None

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, owner_and_version: object) -> bool:
        return owner_and_version in self._entries

    def get(self, kek: KeyProvider, owner_id: str, version: int, sealed: bytes) -> MemberPrivateKey:
        """The parsed private key sealed in ``sealed`` (opened under the KEK on a miss)."""
        digest = sha256(sealed)
        kek_version = kek.current_version()
        with self._lock:
            if kek_version != self._kek_version:
                self._entries.clear()  # a rotation happened (here or in another process)
                self._data.clear()
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

    def data_key(self, owner_id: str, version: int, sealed: bytes, wrap: bytes) -> bytes | None:
        """The data key the owner's key (sealed bytes' digest ``sealed``) opened from the wrap
        whose digest is ``wrap``, if still in memory."""
        with self._lock:
            found = self._data.get((owner_id, version, sealed, wrap))
            if found is not None:
                self._data.move_to_end((owner_id, version, sealed, wrap))
            return found

    def keep_data_key(
        self, owner_id: str, version: int, sealed: bytes, wrap: bytes, key: bytes
    ) -> None:
        """Remember a data key just opened (and checked) by the owner's key from that wrap."""
        if self.data_capacity <= 0:
            return
        with self._lock:
            self._data[(owner_id, version, sealed, wrap)] = key
            self._data.move_to_end((owner_id, version, sealed, wrap))
            while len(self._data) > self.data_capacity:
                self._data.popitem(last=False)

    def data_keys(self) -> int:
        """How many data keys are in memory."""
        return len(self._data)

    def forget(self, owner_id: str) -> None:
        """Drop every key of an owner, and the data keys they opened (keys destroyed)."""
        with self._lock:
            for entry in [e for e in self._entries if e[0] == owner_id]:
                del self._entries[entry]
            for data in [d for d in self._data if d[0] == owner_id]:
                del self._data[data]

    def clear(self) -> None:
        """Drop every key and every data key (the KEK was rotated)."""
        with self._lock:
            self._entries.clear()
            self._data.clear()
            self._kek_version = None


# One per process: keys are bound to their sealed bytes, so identity apps sharing a process
# (tests) cannot read each other's entries. Sized from the settings when identity starts.
PRIVATE_KEYS = PrivateKeyCache()


__all__ = ["PRIVATE_KEYS", "PrivateKeyCache"]
