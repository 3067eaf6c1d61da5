"""Password hashing (Argon2id) and the password policy."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from kasane_shared.errors import FieldError, KasaneError
from kasane_shared.observability import metrics_for

DEMO_PASSWORD = "demo-password"
_hasher = PasswordHasher()  # argon2-cffi's defaults: Argon2id, RFC 9106 low-memory profile
# A dummy hash so an unknown login costs the same time as a known one.
_DUMMY_HASH = _hasher.hash("kasane-timing-equalizer")
_METRICS = metrics_for("identity")


def hash_password(password: str) -> str:
    """An Argon2id hash of ``password``."""
    with _METRICS.argon2_work():
        return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches; spends the same time when there is no such member."""
    try:
        with _METRICS.argon2_work():
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
