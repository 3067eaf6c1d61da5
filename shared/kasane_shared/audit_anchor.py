"""Anchors of the audit chains: each service's head, MAC'd by identity, kept outside its database.

An anchor says "service S's chain had entry ``seq`` with hash ``entry_hash``, keyed from
``keyed_from`` on", with a MAC under identity's anchor key (derived from the key provider).
Identity keeps the anchors of agenda and minutes in its own database and writes every
anchor, its own included, as a line to an anchor file the operator can ship elsewhere.
``kasane audit verify`` takes the newest anchor of each service and fails when the chain no
longer reaches it: deleting the newest entries is found, up to the last anchor.

Each service anchors after its transactions commit, at most every ``interval`` seconds
(0: after every commit, in the committing thread); a failed anchoring is retried later and
never fails the request that wrote the entry.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from kasane_shared.integrity import mac, mac_matches

log = logging.getLogger("kasane.audit")
ANCHOR_LABEL = "kasane/v1/audit-anchor"
ANCHOR_KEY_LABEL = b"kasane/v1/identity/audit-anchor"
Head = tuple[int, str]  # seq, entry hash


@dataclass(frozen=True)
class Anchor:
    """One service's chain head as identity vouched for it."""

    service: str
    seq: int
    entry_hash: str
    keyed_from: int | None
    anchored_at: str
    mac: str = ""

    def signed(self, key: bytes) -> Anchor:
        """The same anchor with its MAC."""
        return Anchor(**{**asdict(self), "mac": anchor_mac(key, self)})

    def verifies(self, key: bytes) -> bool:
        """Whether the MAC is identity's over these very fields."""
        return mac_matches(key, self.mac, ANCHOR_LABEL, *_fields(self))


def _fields(anchor: Anchor) -> tuple[str | int | None, ...]:
    return (anchor.service, anchor.seq, anchor.entry_hash, anchor.keyed_from, anchor.anchored_at)


def anchor_mac(key: bytes, anchor: Anchor) -> str:
    """MAC over the anchor's fields under identity's anchor key."""
    return mac(key, ANCHOR_LABEL, *_fields(anchor))


def newest(anchors: list[Anchor]) -> Anchor | None:
    """The anchor with the highest sequence number (anchors from replicas may arrive late)."""
    return max(anchors, key=lambda a: a.seq, default=None)


class AnchorFile:
    """JSON Lines of anchors, appended with O_APPEND (mode 0600) and synced to disk."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def append(self, anchor: Anchor) -> None:
        """Add one anchor line."""
        line = json.dumps(asdict(anchor), ensure_ascii=True, separators=(",", ":")) + "\n"
        with self._lock:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC
            fd = os.open(self.path, flags, 0o600)
            try:
                os.write(fd, line.encode("ascii"))
                os.fsync(fd)
            finally:
                os.close(fd)

    def read(self) -> Iterator[Anchor | None]:
        """Every line as an anchor, or None for a line that is not one (reported as forged)."""
        try:
            with self.path.open("r", encoding="ascii", errors="replace") as fh:
                lines = fh.readlines()
        except FileNotFoundError:
            return
        for line in lines:
            if not line.strip():
                continue
            try:
                yield Anchor(**json.loads(line))
            except (ValueError, TypeError):
                yield None


def anchors_from_file(path: Path, key: bytes, service: str) -> tuple[list[Anchor], int]:
    """The verified anchors of ``service`` in a file, and how many lines failed their MAC."""
    good, bad = [], 0
    for anchor in AnchorFile(path).read():
        if anchor is None or not anchor.verifies(key):
            bad += 1
        elif anchor.service == service:
            good.append(anchor)
    return good, bad


class Anchorer:
    """Sends a service's newest committed head to be anchored, at most every ``interval`` s."""

    def __init__(
        self,
        send: Callable[[int, str], None],
        interval: float,
    ) -> None:
        self._send, self.interval = send, interval
        self._lock = threading.Lock()
        self._pending: Head | None = None
        self._sent_seq = 0
        self._newest_seq = 0
        # When the oldest head not yet anchored was committed (monotonic), waiting or in flight.
        self._pending_since: float | None = None
        self._sending_since: float | None = None
        self._last = 0.0
        self._timer: threading.Timer | None = None

    def lag(self) -> tuple[float, int]:
        """(seconds the oldest unanchored commit has waited, entries committed since the last
        anchor) in this process: both 0 while every committed head is anchored."""
        with self._lock:
            waiting = [t for t in (self._pending_since, self._sending_since) if t is not None]
            seconds = time.monotonic() - min(waiting) if waiting else 0.0
            return max(seconds, 0.0), max(self._newest_seq - self._sent_seq, 0)

    def note(self, head: Head) -> None:
        """A transaction committed with this head."""
        with self._lock:
            self._newest_seq = max(self._newest_seq, head[0])
            if head[0] <= self._sent_seq or (self._pending and head[0] <= self._pending[0]):
                return
            if self._pending_since is None:
                self._pending_since = time.monotonic()
            self._pending = head
            due = self._last + self.interval - time.monotonic()
            if self.interval > 0 or due > 0:
                self._schedule(max(due, 0.0))
                return
        self.flush()

    def flush(self) -> bool:
        """Send the pending head now; False when sending failed (it stays pending)."""
        with self._lock:
            head, self._pending = self._pending, None
            since, self._pending_since = self._pending_since, None
            if head is not None:
                self._sending_since = since
            self._last = time.monotonic()
        if head is None:
            return True
        try:
            self._send(*head)
        except Exception as error:  # noqa: BLE001 - anchoring must never fail a committed write
            log.warning("audit anchoring failed: %s %s", type(error).__name__, error)
            with self._lock:
                if self._pending is None or self._pending[0] < head[0]:
                    self._pending = head
                # The failed head has waited since it was first noted: its age carries over.
                waited = [t for t in (since, self._pending_since) if t is not None]
                self._pending_since = min(waited) if waited else None
                self._sending_since = None
                if self.interval > 0:  # otherwise the next commit retries it
                    self._schedule(max(self.interval, 5.0))
            return False
        with self._lock:
            self._sent_seq = max(self._sent_seq, head[0])
            self._sending_since = None
        return True

    @contextmanager
    def at_once(self) -> Iterator[None]:
        """Anchor each commit as it is noted, no timer armed, and flush on the way out; the
        interval comes back after. For callers whose route to identity ends with the block
        (demo seeding's test clients): a timer firing later would call into a stopped route."""
        interval, self.interval = self.interval, 0
        try:
            yield
        finally:
            self.flush()
            self.interval = interval

    def _schedule(self, delay: float) -> None:
        if self._timer is not None and self._timer.is_alive():
            return
        self._timer = threading.Timer(delay, self.flush)
        self._timer.daemon = True
        self._timer.start()


def anchor_sender(
    db: Any, model: Any, post: Callable[[int, str, int | None], None]
) -> Callable[[int, str], None]:
    """What an ``Anchorer`` calls: ``post(seq, hash, keyed_from)`` with the chain's keyed start."""
    keyed_from: list[int | None] = []

    def send(seq: int, entry_hash: str) -> None:
        if not keyed_from:
            from kasane_shared.audit import first_keyed_seq

            with db.session() as session:
                keyed_from.append(first_keyed_seq(session, model))
        post(seq, entry_hash, keyed_from[0])

    return send


__all__ = [
    "ANCHOR_KEY_LABEL",
    "Anchor",
    "AnchorFile",
    "Anchorer",
    "anchor_mac",
    "anchor_sender",
    "anchors_from_file",
    "newest",
]
