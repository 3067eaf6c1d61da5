"""Authenticated trust rows: a MAC under identity's rows key over every row that decides trust.

Member public keys, signing keys, login sessions and a member's roles, status, password hash
and second factor carry ``row_mac``: HMAC-SHA256 under identity's "rows" key (derived from
the key provider, never stored) over the row's id and the fields that decide trust. Someone
who can only write the database cannot make one, so a row they insert or edit fails its
check on every read that matters, and identity refuses (``TamperedRow``, audited) instead of
trusting it or falling back to another row.

Identity's own writes get their MAC in ``before_flush``. A changed row is re-MAC'd only
after its stored state verified: a tampered row is never laundered by a later legitimate
write. Bulk ``UPDATE`` statements bypass this and must not be used on these tables.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar, TypeVar

from sqlalchemy import String, event, inspect, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from kasane_shared.crypto.digests import sha256_hex
from kasane_shared.errors import KasaneError
from kasane_shared.integrity import keys_unavailable, mac, mac_matches

Part = bytes | str | int | None


class TrustRowMixin:
    """A row whose ``__trust_fields__`` (and primary key) are covered by ``row_mac``."""

    __trust_kind__: ClassVar[str]  # the audit target kind
    __trust_pk__: ClassVar[str] = "id"
    __trust_fields__: ClassVar[tuple[str, ...]]

    row_mac: Mapped[str | None] = mapped_column(String(64))


T = TypeVar("T", bound=TrustRowMixin)


@dataclass
class TamperedRow(KasaneError):
    """A trust row failed its MAC: the request stops; identity audits the row's kind and id."""

    kind: str = ""
    row_id: str = ""


# A row's id goes into the audit log and the logs: only a plain, short one as it is.
_PLAIN_ID = re.compile(r"[A-Za-z0-9_:.-]{1,64}")


def _audited_id(value: object) -> str:
    text = str(value)
    if _PLAIN_ID.fullmatch(text):
        return text
    return "sha256:" + sha256_hex(text.encode("utf-8", "replace"))[:32]


def tampered(kind: str, row_id: object) -> TamperedRow:
    """The refusal for one tampered row (signing keys: 503, nothing can be verified)."""
    row_id = _audited_id(row_id)
    if kind == "signing_key":
        return TamperedRow(
            503,
            "integrity_failure",
            "トークン署名鍵の整合性を確認できないため、ログインとトークンの確認を止めています。"
            "管理者に連絡してください。",
            "The token-signing keys failed their integrity check; sign-in and token checks are "
            "stopped. Contact an administrator.",
            kind=kind,
            row_id=row_id,
        )
    return TamperedRow(
        409,
        "integrity_failure",
        "保存されている利用者・ログイン・鍵の情報の整合性を確認できないため、処理を止めました。"
        "管理者に連絡してください。",
        "A stored person, sign-in or key record failed its integrity check; the request was "
        "stopped. Contact an administrator.",
        kind=kind,
        row_id=row_id,
    )


def key_pair_mismatch() -> KasaneError:
    """A key about to be stored does not open to its own public half: store nothing."""
    return KasaneError(
        503,
        "key_pair_mismatch",
        "作成した鍵の公開鍵と封印した秘密鍵が一致しません。管理者に連絡してください。",
        "A new key's public half does not match its sealed private half. Contact an administrator.",
    )


def _part(value: Any) -> Part:
    """One field as MAC input: times as microseconds, JSON canonical, bytes as they are."""
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        delta = moment - datetime(1970, 1, 1, tzinfo=UTC)
        return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    if isinstance(value, memoryview):
        return bytes(value)
    return value  # type: ignore[no-any-return]


def _label(model: type[TrustRowMixin]) -> str:
    return f"kasane/v1/identity/rows/{model.__tablename__}"  # type: ignore[attr-defined]


def _parts(model: type[TrustRowMixin], values: Mapping[str, Any]) -> list[Part]:
    return [_part(values[name]) for name in (model.__trust_pk__, *model.__trust_fields__)]


def row_mac_of(key: bytes, model: type[TrustRowMixin], values: Mapping[str, Any]) -> str:
    """The MAC of a row of ``model`` holding ``values`` (primary key and trust fields)."""
    return mac(key, _label(model), *_parts(model, values))


def _values(row: TrustRowMixin) -> dict[str, Any]:
    names = (row.__trust_pk__, *row.__trust_fields__)
    return {name: getattr(row, name) for name in names}


def matches(key: bytes, model: type[TrustRowMixin], values: Mapping[str, Any]) -> bool:
    """Whether ``values["row_mac"]`` is the MAC of these values (constant time)."""
    return mac_matches(key, values.get("row_mac"), _label(model), *_parts(model, values))


def rows_key(session: Session) -> bytes:
    """Identity's rows key, from the keys the session's database holds (503 without them)."""
    keys = session.info.get("kasane_keys")
    if keys is None:
        raise keys_unavailable()
    return keys.key("rows")  # type: ignore[no-any-return]


def verify(session: Session, row: T) -> T:
    """The row, if its MAC verifies; otherwise the request fails closed (``TamperedRow``)."""
    values = _values(row)
    values["row_mac"] = row.row_mac
    if not matches(rows_key(session), type(row), values):
        raise tampered(row.__trust_kind__, values[row.__trust_pk__])
    return row


def verified(session: Session, row: T | None) -> T | None:
    """``verify`` for a row that may be missing."""
    return None if row is None else verify(session, row)


def _fill_defaults(row: TrustRowMixin) -> None:
    """Column defaults the INSERT would apply, applied now so the MAC covers what is stored."""
    table = row.__table__  # type: ignore[attr-defined]
    for name in (row.__trust_pk__, *row.__trust_fields__):
        default = table.c[name].default
        if getattr(row, name) is None and default is not None:
            setattr(row, name, default.arg if default.is_scalar else default.arg(None))


def _trust_changed(row: TrustRowMixin) -> bool:
    state = inspect(row)
    return any(state.attrs[name].history.has_changes() for name in row.__trust_fields__)


def _check_stored(session: Session, key: bytes, row: TrustRowMixin) -> None:
    """The stored row verifies before identity writes a new MAC over it."""
    model = type(row)
    table = model.__table__  # type: ignore[attr-defined]
    pk = row.__trust_pk__
    names = (pk, *row.__trust_fields__, "row_mac")
    stored = (
        session.connection()
        .execute(select(*(table.c[n] for n in names)).where(table.c[pk] == getattr(row, pk)))
        .mappings()
        .first()
    )
    if stored is None or not matches(key, model, stored):
        raise tampered(row.__trust_kind__, getattr(row, pk))


@event.listens_for(Session, "before_flush")
def _mac_trust_rows(session: Session, _context: Any, _instances: Any) -> None:
    """MAC identity's new trust rows and its changes to verified ones."""
    new = [row for row in session.new if isinstance(row, TrustRowMixin)]
    changed = [
        row for row in session.dirty if isinstance(row, TrustRowMixin) and _trust_changed(row)
    ]
    if not new and not changed:
        return
    key = rows_key(session)
    for row in changed:
        _check_stored(session, key, row)
    for row in new:
        _fill_defaults(row)
    for row in (*new, *changed):
        row.row_mac = row_mac_of(key, type(row), _values(row))


__all__ = [
    "TamperedRow",
    "TrustRowMixin",
    "key_pair_mismatch",
    "matches",
    "row_mac_of",
    "rows_key",
    "tampered",
    "verified",
    "verify",
]
