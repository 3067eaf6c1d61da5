"""Password hashing (Argon2id) and the password policy."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from kasane_shared.errors import FieldError, KasaneError
from kasane_shared.observability import metrics_for
from kasane_shared.overload import ensure_client_present, overloaded

DEMO_PASSWORD = "demo-password"
_hasher = PasswordHasher()  # argon2-cffi's defaults: Argon2id, RFC 9106 low-memory profile
# A dummy hash so an unknown login costs the same time as a known one.
_DUMMY_HASH = _hasher.hash("kasane-timing-equalizer")
_METRICS = metrics_for("identity")


class HashGate:
    """At most ``limit`` Argon2id computations at once (64 MiB each): memory stays bounded.

    A hash that cannot start within ``wait_seconds`` is refused with a 503 (Retry-After);
    a waiting request whose client left stops waiting.
    """

    def __init__(self, limit: int = 2, wait_seconds: float = 5.0) -> None:
        self.configure(limit, wait_seconds)

    def configure(self, limit: int, wait_seconds: float) -> None:
        """Set the bound (at start, from the settings)."""
        self.limit, self.wait_seconds = limit, wait_seconds
        self._slots = threading.BoundedSemaphore(limit)

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Hold one place for one hash."""
        slots = self._slots
        deadline = time.monotonic() + self.wait_seconds
        while not slots.acquire(timeout=min(0.1, max(0.0, deadline - time.monotonic()))):
            ensure_client_present()
            if time.monotonic() >= deadline:
                raise overloaded(2)
        try:
            yield
        finally:
            slots.release()


HASHES = HashGate()


def hash_password(password: str) -> str:
    """An Argon2id hash of ``password``."""
    with HASHES.slot(), _METRICS.argon2_work():
        return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches; spends the same time when there is no such member."""
    try:
        with HASHES.slot(), _METRICS.argon2_work():
            matched = _hasher.verify(password_hash or _DUMMY_HASH, password)
        return matched and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(password_hash)


def check_policy(password: str, *, login: str, demo: bool, field: str = "password") -> None:
    """Refuse passwords that are short, equal the login, or are the demo password outside demo."""
    problems: list[tuple[str, str]] = []
    if len(password) < 10:
        problems.append(("10文字以上にしてください。", "Use at least 10 characters."))
    if password.lower() == login.lower():
        problems.append(
            ("ログインIDと同じパスワードは使えません。", "The password must differ from the login.")
        )
    if password == DEMO_PASSWORD and not demo:
        problems.append(
            (
                "デモ用パスワードはデモモード以外では使えません。",
                "The demo password works only in demo mode.",
            )
        )
    if problems:
        raise KasaneError(
            422,
            "weak_password",
            "パスワードが条件を満たしていません。",
            "The password does not meet the policy.",
            errors=[FieldError(field, ja, en) for ja, en in problems],
        )
