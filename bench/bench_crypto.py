"""Benchmark of field encryption: sealing one meeting's minutes, and the cost of one wrap.

Run: `.venv/bin/python bench/bench_crypto.py` (or `python -m bench.bench_crypto`).
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable

from cryptography.hazmat.primitives import hpke

from kasane_shared.crypto import (
    Binding,
    Recipient,
    generate_member_keypair,
    load_public_key,
    new_data_key,
    seal_field,
    unwrap_data_key,
    wrap_data_key,
)

ITEMS = 30
CLASSES = ("general", "consent", "tax")
MEMBERS = 40
FIELDS = ("discussion", "decisions", "roles", "monitoring")
FIELD_TEXT = "本人と世帯の状況を共有し、支援方針と役割分担を確認した。" * 4


def _median_seconds(fn: Callable[[], object], repeats: int, number: int = 1) -> float:
    """Median over `repeats` of the mean time of `number` calls."""
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        samples.append((time.perf_counter() - start) / number)
    return statistics.median(samples)


def _seal_meeting(public_keys: list[bytes]) -> int:
    """Seal one meeting's minutes: every item, class and field; wrap for every member."""
    recipients = [Recipient(f"member-{i}", 1, pk) for i, pk in enumerate(public_keys)]
    wraps = 0
    for item in range(ITEMS):
        for audience in CLASSES:
            binding = Binding("minutes", "minute_items", f"item-{item}", audience, "jusou")
            data_key = new_data_key()
            for name in FIELDS:
                seal_field(data_key, binding, name, 1, FIELD_TEXT)
            for recipient in recipients:  # worst case: every member in every class
                wrap_data_key(data_key, binding, recipient)
                wraps += 1
    return wraps


def _wrap_ratio(public: bytes, private: bytes, suite: hpke.Suite, repeats: int) -> dict:
    """Per-recipient wrap vs a bare HPKE encrypt of 32 bytes, interleaved in one run."""
    recipient = Recipient("member-0", 1, public)
    binding = Binding("minutes", "minute_items", "item-0", "general", "jusou")
    data_key = new_data_key()
    key = load_public_key(public).key
    payload = bytes(32)
    bare_fn = lambda: suite.encrypt(payload, key, info=None)  # noqa: E731
    wrap_fn = lambda: wrap_data_key(data_key, binding, recipient)  # noqa: E731
    wrap_s, bare_s, ratios = [], [], []
    for i in range(repeats):
        # Paired, order-alternating batches: load from other processes hits both sides alike.
        order = (bare_fn, wrap_fn) if i % 2 == 0 else (wrap_fn, bare_fn)
        first, second = (_median_seconds(fn, 1, 25) for fn in order)
        bare, wrap = (first, second) if i % 2 == 0 else (second, first)
        bare_s.append(bare)
        wrap_s.append(wrap)
        ratios.append(wrap / bare)
    wrapped = wrap_data_key(data_key, binding, recipient)
    unwrap = _median_seconds(
        lambda: unwrap_data_key(wrapped, binding, "member-0", 1, private), 5, 50
    )
    wrap, bare = statistics.median(wrap_s), statistics.median(bare_s)
    return {
        "wrap_us": round(wrap * 1e6, 1),
        "bare_hpke_encrypt_us": round(bare * 1e6, 1),
        "wrap_to_bare_ratio": round(statistics.median(ratios), 3),
        "unwrap_us": round(unwrap * 1e6, 1),
        "wrapped_bytes": len(wrapped),
    }


def run(repeats: int = 5) -> dict:
    """Measure and return the figures (times are medians over `repeats`)."""
    pairs = [generate_member_keypair() for _ in range(MEMBERS)]
    public_keys = [pub for _, pub in pairs]
    wraps = _seal_meeting(public_keys)  # warm-up and count
    meeting = _median_seconds(lambda: _seal_meeting(public_keys), max(3, repeats // 2))
    kem = hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM
    legacy_priv, legacy_pub = generate_member_keypair("x25519")
    return {
        "scenario": {
            "items": ITEMS,
            "audience_classes": len(CLASSES),
            "members_per_class": MEMBERS,
            "fields_per_item_and_class": len(FIELDS),
            "fields_sealed": ITEMS * len(CLASSES) * len(FIELDS),
            "data_keys": ITEMS * len(CLASSES),
            "wraps": wraps,
        },
        "seal_meeting_s": round(meeting, 3),
        "per_wrap_in_meeting_us": round(meeting / wraps * 1e6, 1),
        "mlkem768x25519": _wrap_ratio(
            pairs[0][1], pairs[0][0], hpke.Suite(hpke.KEM.MLKEM768_X25519, *kem), repeats * 8
        ),
        "x25519": _wrap_ratio(
            legacy_pub, legacy_priv, hpke.Suite(hpke.KEM.X25519, *kem), repeats * 8
        ),
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2, ensure_ascii=False))
