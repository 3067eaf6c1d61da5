"""Benchmark of identity's trust-row MACs: what they add to a sign-in and to a view.

A sign-in verifies the member row and MACs the new session (and, with TOTP, the member row
again); a view's calls to identity verify the session and member rows (session check and
unwrap), the member row once more (pledge) and the member's key row. Each is one
HMAC-SHA256 over a few hundred bytes; the ratios compare them with what the same request
already spends on Argon2id (sign-in) and on HPKE unwraps (a view of ``WRAPS`` wraps).
A grant (rewrap) now carries the deciding service's entitlement statement: the service makes
it (SHA-256 of the escrow wrap, one HMAC) and identity checks it (the header parsed once
more, the same SHA-256 and HMAC); compared with what a grant already spends (parse, HPKE
unwrap of the escrow wrap, HPKE wrap for the member).

Records with an origin (``kasane_shared.record_origin``): every open checks the record's
origin MAC (HMAC-SHA256 over its header and a SHA-256 of its ciphertexts and escrow wraps)
before it asks identity to unwrap, and every seal makes one. ``record`` compares that with
what opening a record (one HPKE unwrap per audience and the AES-GCM fields) and sealing one
(fresh keys, fields, wraps for the readers and the escrow) already cost. A seal also moves
the record's version mark (``kasane_shared.record_versions``: two entry HMACs and the head's
MAC, plus an UPDATE of the mark and of the head row); a view reads the head row (one SELECT
by primary key) and looks the mark up in memory; a process reads every mark once (at start,
and after another replica wrote), measured for ``MARKS`` records.

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
    parse_wrap_header,
    unwrap_data_key,
    wrap_data_key,
)
from kasane_shared.db import utcnow
from kasane_shared.grants import ConsentProof, Grantee, make_statement, statement_holds
from kasane_shared.record_origin import origin_mac_of
from kasane_shared.record_versions import MODULUS, head_mac, mark_value
from kasane_shared.sealing import RecordRef, open_audience, seal_audience

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


# A case as agenda seals it: two audiences, the masked and the full text (≈ 3 KB each).
CASE_TEXT = "本人は長男と二人暮らし。地域包括支援センターが月1回訪問している。" * 12
READERS = 4  # wraps per audience besides the escrow's
MARKS = 10_000  # sealed records of one service, for the one-off reading of every mark


class _Record:
    """A sealed row as the origin MAC sees it."""

    __tablename__ = "cases"
    __origin_fields__ = ()

    def __init__(self, values: dict) -> None:
        self.__dict__.update(values)


def _record_costs(repeats: int) -> dict:
    """Open and seal one case with and without its origin MAC (crypto only)."""
    key, ref = os.urandom(32), RecordRef("agenda", "cases", os.urandom(16).hex())
    keys = [generate_member_keypair() for _ in range(READERS + 1)]
    readers = [(Recipient(f"m{n}", 1, pub), "shien") for n, (_, pub) in enumerate(keys[1:])]
    escrow = Recipient("escrow:agenda", 1, keys[0][1])
    fields = {n: CASE_TEXT for n in ("title", "summary", "notes", "tax_notes")}

    def seal() -> list:
        return [seal_audience(ref, a, 1, fields, readers, escrow) for a in ("content", "tax")]

    sealed = seal()
    values = {
        "id": ref.record_id,
        "seal_version": 1,
        "sealed_fields": {s.audience: s.ciphertexts for s in sealed},
        "escrow_wraps": {s.audience: s.escrow_wrap for s in sealed},
    }
    record = _Record(values)
    stored = origin_mac_of(key, "agenda", record, values)
    private = load_private_key(keys[1][0])
    wraps = [(s.audience, s.wraps[0][3]) for s in sealed]

    def open_record() -> None:
        for audience, wrapped in wraps:  # identity's unwrap, then the fields
            binding = ref.binding(audience, "shien")
            data_key = unwrap_data_key(wrapped, binding, "m0", 1, private)
            open_audience(ref, audience, 1, data_key, values["sealed_fields"][audience])

    def check() -> bool:
        return origin_mac_of(key, "agenda", record, values) == stored

    mark = ("cases", ref.record_id)

    def move_mark() -> str:
        total = (7 - mark_value(key, mark, 1) + mark_value(key, mark, 2)) % MODULUS
        return head_mac(key, 2, 1, total)

    marks = [("cases", os.urandom(16).hex()) for _ in range(MARKS)]

    def read_all_marks() -> int:
        return sum(mark_value(key, m, 1) for m in marks) % MODULUS

    open_s = _median_seconds(open_record, repeats, 20)
    check_s = _median_seconds(check, repeats, 2000)
    seal_s = _median_seconds(seal, repeats, 5)
    mark_s = _median_seconds(move_mark, repeats, 2000)
    return {
        "per_view_of_one_record": {
            "open_ms": round(open_s * 1e3, 3),
            "origin_check_us": round(check_s * 1e6, 1),
            "ratio_to_unauthenticated": round((open_s + check_s) / open_s, 4),
        },
        "per_write_of_one_record": {
            "seal_ms": round(seal_s * 1e3, 3),
            "origin_mac_us": round(check_s * 1e6, 1),
            "version_mark_us": round(mark_s * 1e6, 1),
            "ratio_to_unauthenticated": round((seal_s + check_s + mark_s) / seal_s, 4),
        },
        "reading_every_mark_ms": {
            "marks": MARKS,
            "ms": round(_median_seconds(read_all_marks, repeats, 1) * 1e3, 1),
        },
        "shape": f"2 audiences x 4 fields of {len(CASE_TEXT)} chars, {READERS} readers + escrow",
        "note": (
            "crypto only: a view also reads the version head (one SELECT by primary key); a "
            "write also updates the mark and the head, and a write that keeps stored "
            "ciphertexts reads the stored row back and checks its MAC first"
        ),
    }


def _grant(repeats: int) -> dict:
    """One grant today (parse, unwrap the escrow wrap, wrap for the member) and what the
    statement adds to it (made by the service, checked by identity)."""
    escrow_private, escrow_public = generate_member_keypair()
    _, member_public = generate_member_keypair()
    escrow = load_private_key(escrow_private)
    binding = Binding("agenda", "agenda_items", "item-0", "tax", "escrow")
    escrow_wrap = wrap_data_key(
        new_data_key(), binding, Recipient("escrow:agenda", 1, escrow_public)
    )
    target = Binding("agenda", "agenda_items", "item-0", "tax", "shien")
    member = Recipient("m", 1, member_public)

    def today() -> None:
        header = parse_wrap_header(escrow_wrap)
        key = unwrap_data_key(escrow_wrap, header.binding, "escrow:agenda", 1, escrow)
        wrap_data_key(key, target, member)

    grants_key = os.urandom(32)
    grantee = Grantee("agenda", "agenda_items", "item-0", "tax", "m", "shien")
    consent = ConsentProof("consent-1", "a" * 64, True, tuple(f"org-{i}" for i in range(5)))
    statement = make_statement(grants_key, escrow_wrap, grantee, consent)

    def added() -> None:
        make_statement(grants_key, escrow_wrap, grantee, consent)
        parse_wrap_header(escrow_wrap)
        assert statement_holds(grants_key, statement, escrow_wrap, grantee)

    base = _median_seconds(today, repeats, 20)
    extra = _median_seconds(added, repeats, 500)
    return {
        "today_ms": round(base * 1e3, 3),
        "statement_us": round(extra * 1e6, 1),
        "ratio_to_today": round((base + extra) / base, 4),
    }


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
        "grant": _grant(repeats),
        "note": (
            "crypto only: a changed trust row is also read back once (one indexed SELECT) "
            "before its new MAC is written"
        ),
        "record": _record_costs(repeats),
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2, ensure_ascii=False))
