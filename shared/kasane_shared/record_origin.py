"""Records with an origin: the sealing service MACs each record it seals; every open checks it.

HPKE Base mode wraps a data key for a public key, and public keys are readable by anyone who
reads identity's answers or a database. So anyone can make a fresh data key, seal fields
with the right associated data and wrap the key for a member and the escrow: the record
opens as genuine. What such a writer cannot do is MAC: ``origin_mac`` is HMAC-SHA256 under
the sealing service's rows key (derived from the key provider; identity hands it to agenda
and minutes, it is never stored) over the record's header (service, table, record id, seal
version, audience classes) and a digest of every ciphertext and escrow wrap (so every key
commitment). A minted record, a ciphertext or escrow wrap moved from another record or
version, or a record whose version was edited, fails it; the open is refused
(``TamperedRecord``: 409 ``integrity_failure``, or the record listed as unreadable) and
audited with ids only.

Why a MAC and not HPKE Auth mode with a service sender key: Auth mode authenticates a wrap,
not the record, so a grant (a rewrap of the escrow wrap inside identity) would need the
sealing service's private key at identity, or would lose the origin; each wrap would be
checked by identity, which never sees the ciphertexts; and it would still not stop an
older, genuine record from being put back. The service itself checks the MAC before it asks
identity to unwrap anything, old records can be given one (``backfill``), and the same key
anchors the record's version (``record_versions``).

The service's own writes get their MAC in ``before_flush``. A record whose change keeps
some of its stored ciphertexts is re-MAC'd only when its stored state verifies, so a forged
audience is never laundered by a later legitimate write. Bulk ``UPDATE`` statements bypass
this and must not be used on sealed tables.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from kasane_shared.crypto import CryptoError, from_text, parse_wrap_header
from kasane_shared.crypto.digests import sha256
from kasane_shared.errors import KasaneError
from kasane_shared.integrity import keys_unavailable, mac, mac_matches
from kasane_shared.sealing import ESCROW_KIND, SealedRecordMixin

ORIGIN_LABEL = "kasane/v1/record-origin"
SEALED_COLUMNS = ("sealed_fields", "escrow_wraps", "seal_version")


@dataclass
class TamperedRecord(KasaneError):
    """A sealed record failed its origin check: nothing of it is opened; ids are audited."""

    table: str = ""
    record_id: str = ""
    check: str = "origin"  # or "version": an older version put back


def tampered_record(table: str, record_id: str, check: str = "origin") -> TamperedRecord:
    """The refusal for one sealed record that its service did not seal as stored (409)."""
    return TamperedRecord(
        409,
        "integrity_failure",
        "保存データの整合性を確認できませんでした。この記録はこのサービスが保存したものと"
        "確認できないため表示しません。管理者に連絡してください。",
        "Stored data failed its integrity check: this record cannot be confirmed as the one "
        "this service saved and is not shown. Contact an administrator.",
        table=str(table)[:32],
        record_id=str(record_id)[:64],
        check=check,
    )


def _canonical(value: Any) -> bytes:
    return json.dumps(value or {}, sort_keys=True, separators=(",", ":")).encode("ascii")


def content_digest(
    sealed_fields: Mapping[str, Any] | None, escrow: Mapping[str, Any] | None
) -> bytes:
    """SHA-256 over every ciphertext and escrow wrap (each holds its key commitment)."""
    return sha256(_canonical({"fields": sealed_fields or {}, "escrow": escrow or {}}))


def _columns(record: Any) -> tuple[str, ...]:
    """What the origin MAC covers: id, sealed columns and where the record hangs."""
    return ("id", *SEALED_COLUMNS, *record.__origin_fields__)


def _part(value: Any) -> Any:
    """A placement column as MAC input (JSON columns canonical)."""
    return _canonical(value) if isinstance(value, (dict, list)) else value


def _parts(service: str, table: str, record: Any, values: Mapping[str, Any]) -> tuple[Any, ...]:
    fields = values["sealed_fields"] or {}
    placement = [_part(values[name]) for name in record.__origin_fields__]
    return (
        service,
        table,
        values["id"],
        values["seal_version"],
        ",".join(sorted(fields)),
        content_digest(fields, values["escrow_wraps"]),
        *placement,
    )


def origin_mac_of(key: bytes, service: str, record: Any, values: Mapping[str, Any]) -> str:
    """The origin MAC of ``record`` holding ``values`` (id, sealed columns, placement)."""
    return mac(key, ORIGIN_LABEL, *_parts(service, record.__tablename__, record, values))


def _values(record: Any) -> dict[str, Any]:
    return {name: getattr(record, name) for name in _columns(record)}


def service_keys(session: Session) -> Any:
    """The integrity keys of the session's service (503 when it has none)."""
    keys = session.info.get("kasane_keys")
    if keys is None:
        raise keys_unavailable()
    return keys


def origin_holds(session: Session, record: Any, values: Mapping[str, Any] | None = None) -> bool:
    """Whether the record's ``origin_mac`` is its service's MAC over what is stored."""
    keys = service_keys(session)
    values = values if values is not None else {**_values(record), "origin_mac": record.origin_mac}
    parts = _parts(keys.service, record.__tablename__, record, values)
    return mac_matches(keys.key("rows"), values["origin_mac"], ORIGIN_LABEL, *parts)


def verify_origin(session: Session, record: Any) -> None:
    """Refuse (``TamperedRecord``) a record with sealed content its service did not MAC."""
    if record.sealed_fields and not origin_holds(session, record):
        raise tampered_record(record.__tablename__, record.id)


def consistent(service: str, table: str, record: Any) -> bool:
    """What can be checked without a key: each audience's escrow wrap is bound to this very
    record and audience, and all ciphertexts of an audience commit to one data key.

    (Commitments are per binding, so a ciphertext's cannot be compared with a wrap's without
    the data key; a record minted with public keys before the upgrade passes this, which
    README's threat model says.)"""
    fields, escrow = record.sealed_fields or {}, record.escrow_wraps or {}
    try:
        for audience, ciphertexts in fields.items():
            if audience not in escrow:
                return False
            bound = parse_wrap_header(escrow[audience]).binding
            if (bound.service, bound.table, bound.record_id) != (service, table, record.id):
                return False
            if (bound.audience, bound.conference_kind) != (audience, ESCROW_KIND):
                return False
            commitments = {from_text(sealed)[:33] for sealed in (ciphertexts or {}).values()}
            if len(commitments) > 1:
                return False
    except (CryptoError, ValueError, TypeError, KeyError, AttributeError):
        return False
    return True


def mac_listed_records(
    session: Session,
    pending: list[tuple[str, str]],
    models: Mapping[str, Any],
    refuse: Callable[[Session, str, str], None],
    check: Callable[[Session, Any], bool] = lambda _session, _record: True,
) -> tuple[int, dict[str, int]]:
    """The backfill step for sealed records sealed before origins: each listed record that
    has content and no MAC gets one if it is ``consistent`` and passes ``check`` (what else
    its service can verify); the others are handed to ``refuse`` (audited) and stay closed."""
    keys = service_keys(session)
    done = refused = 0
    for table_name, row_id in pending:
        model = models.get(table_name)
        record = session.get(model, row_id) if model is not None else None
        if record is None or record.origin_mac is not None or not record.sealed_fields:
            continue
        if consistent(keys.service, table_name, record) and check(session, record):
            record.origin_mac = origin_mac_of(
                keys.key("rows"), keys.service, record, _values(record)
            )
            done += 1
        else:
            refuse(session, table_name, row_id)
            refused += 1
    session.flush()
    return done, {"count": done, "refused": refused}


def _stored(record: Any, name: str) -> Any:
    history = inspect(record).attrs[name].history
    return history.deleted[0] if history.deleted else getattr(record, name)


def _changed(record: Any) -> bool:
    state = inspect(record)
    names = (*SEALED_COLUMNS, *record.__origin_fields__)
    return any(state.attrs[name].history.has_changes() for name in names)


def _keeps_stored(record: Any) -> bool:
    """Whether the change keeps any audience's stored ciphertexts (they must verify first)."""
    before, after = _stored(record, "sealed_fields") or {}, record.sealed_fields or {}
    return any(after.get(audience) == value for audience, value in before.items())


@event.listens_for(Session, "before_flush")
def _mac_sealed_records(session: Session, _context: Any, _instances: Any) -> None:
    """MAC the records this service seals (new ones and changed ones whose stored state holds)."""
    new = [r for r in session.new if isinstance(r, SealedRecordMixin)]
    changed = [r for r in session.dirty if isinstance(r, SealedRecordMixin) and _changed(r)]
    for record in changed:
        if record.sealed_fields and _keeps_stored(record):
            stored = {name: _stored(record, name) for name in _columns(record)}
            stored["origin_mac"] = _stored(record, "origin_mac")
            if not origin_holds(session, record, stored):
                raise tampered_record(record.__tablename__, record.id)
    for record in (*new, *changed):
        if not record.sealed_fields:
            record.origin_mac = None
            continue
        if record.id is None:
            record.id = record.__table__.c.id.default.arg(None)  # type: ignore[attr-defined]
        if record.seal_version is None:
            record.seal_version = 1
        keys = service_keys(session)
        record.origin_mac = origin_mac_of(keys.key("rows"), keys.service, record, _values(record))


__all__ = [
    "ORIGIN_LABEL",
    "TamperedRecord",
    "consistent",
    "content_digest",
    "mac_listed_records",
    "origin_holds",
    "origin_mac_of",
    "service_keys",
    "tampered_record",
    "verify_origin",
]
