"""Benchmark of identity's trust-row MACs: what they add to a sign-in and to a view.

A sign-in verifies the member row and MACs the new session (and, with TOTP, the member row
again); a view's calls to identity verify the session and member rows (session check and
unwrap), the member row once more (pledge) and the member's key row. Each is one
HMAC-SHA256 over a few hundred bytes; the ratios compare them with what the same request
already spends on Argon2id (sign-in) and on HPKE unwraps (a view of ``WRAPS`` wraps).

Run: `make bench BENCH=trustrows` (or `python -m bench.bench_trustrows`).
"""

from __future__ import annotations

import json
import os
import statistics
import time
from collections.abc import Callable
from datetime import timedelta

from argon2 import PasswordHasher

from identity.custody.models import MemberKey
from identity.integrity.rows import matches, row_mac_of
from identity.members.models import Member
from identity.sessions.models import LoginSession
from kasane_shared.crypto import (
    Binding,
    Recipient,
    encode_public_key,
    generate_member_keypair,
    load_private_key,
    new_data_key,
    unwrap_data_key,
    wrap_data_key,
)
from kasane_shared.db import utcnow

WRAPS = 30  # one agenda view: one wrap per item and audience the member may read
MACS_PER_SIGN_IN = 3  # verify member, MAC the session, re-MAC the member (TOTP step)
MACS_PER_VIEW = 6  # session and member twice (session check, unwrap), pledge, key row


def _median_seconds(fn: Callable[[], object], repeats: int, number: int) -> float:
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        samples.append((time.perf_counter() - start) / number)
    return statistics.median(samples)


def _rows() -> tuple[Member, LoginSession, MemberKey]:
    now = utcnow()
    member = Member(
        id=os.urandom(16).hex(),
        login="demo-member-1",
        organization_id=os.urandom(16).hex(),
        roles=["member"],
        password_hash=PasswordHasher().hash("kasane-bench-passphrase"),
        totp_secret_sealed=os.urandom(80),
        totp_enabled=True,
        totp_last_step=59_000_000,
        totp_recovery_hashes=[os.urandom(32).hex() for _ in range(10)],
        must_change_password=False,
        active=True,
        left_at=None,
    )
    login = LoginSession(
        id=os.urandom(16).hex(),
        member_id=member.id,
        token_hash=os.urandom(32).hex(),
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(hours=8),
        ended_at=None,
        end_reason=None,
    )
    _, public = generate_member_keypair()
    key = MemberKey(
        id=os.urandom(16).hex(),
        owner_id=member.id,
        version=1,
        suite="mlkem768x25519",
        public_key=encode_public_key(public),
        private_sealed=os.urandom(2500),
        retired_at=None,
        destroyed_at=None,
    )
    return member, login, key


def _verify_cost(key: bytes, row: object, repeats: int) -> float:
    model = type(row)
    names = (model.__trust_pk__, *model.__trust_fields__)  # type: ignore[attr-defined]
    values = {name: getattr(row, name) for name in names}
    values["row_mac"] = row_mac_of(key, model, values)  # type: ignore[arg-type]
    assert matches(key, model, values)  # type: ignore[arg-type]
    return _median_seconds(lambda: matches(key, model, values), repeats, 2000)  # type: ignore[arg-type]


def run(repeats: int = 5) -> dict:
    """Measure and return the figures (medians over ``repeats``)."""
    key = os.urandom(32)
    member, login, member_key = _rows()
    per_row = {
        "member_us": _verify_cost(key, member, repeats),
        "session_us": _verify_cost(key, login, repeats),
        "member_key_us": _verify_cost(key, member_key, repeats),
    }
    mac = statistics.mean(per_row.values())
    hasher = PasswordHasher()
    stored = hasher.hash("kasane-bench-passphrase")
    argon2 = _median_seconds(lambda: hasher.verify(stored, "kasane-bench-passphrase"), 3, 3)
    private, public = generate_member_keypair()
    binding = Binding("agenda", "agenda_items", "item-0", "content", "shien")
    wrapped = wrap_data_key(new_data_key(), binding, Recipient("m", 1, public))
    parsed = load_private_key(private)
    unwrap = _median_seconds(lambda: unwrap_data_key(wrapped, binding, "m", 1, parsed), repeats, 50)
    sign_in_macs, view_macs = MACS_PER_SIGN_IN * mac, MACS_PER_VIEW * mac
    return {
        "mac_verify_us": {name: round(s * 1e6, 2) for name, s in per_row.items()},
        "sign_in": {
            "macs": MACS_PER_SIGN_IN,
            "macs_us": round(sign_in_macs * 1e6, 1),
            "argon2id_verify_ms": round(argon2 * 1e3, 1),
            "ratio_to_today": round((argon2 + sign_in_macs) / argon2, 5),
        },
        "view": {
            "macs": MACS_PER_VIEW,
            "macs_us": round(view_macs * 1e6, 1),
            "wraps": WRAPS,
            "unwraps_ms": round(WRAPS * unwrap * 1e3, 2),
            "ratio_to_today": round((WRAPS * unwrap + view_macs) / (WRAPS * unwrap), 4),
        },
        "note": (
            "crypto only: a changed trust row is also read back once (one indexed SELECT) "
            "before its new MAC is written"
        ),
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2, ensure_ascii=False))
