"""Authenticated entitlement rows: a MAC under agenda's rows key over consents and attendees.

Who may hold a case's keys is decided from plain rows: a consent's case, organizations, tax
coverage, status and dates, and a meeting's invitations (member, organization, cases).
Someone who can write agenda's database but not reach the key provider cannot make the
``row_mac`` of such a row (HMAC-SHA256 under agenda's "rows" key, which identity derives
and hands to agenda only, never stored), so a row they insert or edit fails its check on
every read that decides a grant or a view, and agenda refuses (``TamperedRow``, audited as
``agenda.integrity_failure``) instead of granting.

Agenda's own writes get their MAC in ``before_flush``. A changed row is re-MAC'd only after
its stored state verified: a tampered row is never laundered by a later legitimate write.
Bulk ``UPDATE`` statements bypass this and must not be used on these tables.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, ClassVar, TypeVar

from sqlalchemy import String, event, inspect, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from kasane_shared.errors import KasaneError
from kasane_shared.integrity import keys_unavailable, mac, mac_matches

Part = bytes | str | int | None


class EntitlementRowMixin:
    """A row whose ``__trust_fields__`` (and id) are covered by ``row_mac``."""

    __trust_kind__: ClassVar[str]  # the audit target kind
    __trust_fields__: ClassVar[tuple[str, ...]]

    row_mac: Mapped[str | None] = mapped_column(String(64))


T = TypeVar("T", bound=EntitlementRowMixin)


@dataclass
class TamperedRow(KasaneError):
    """An entitlement row failed its MAC: nothing is granted; agenda audits its kind and id."""

    kind: str = ""
    row_id: str = ""


def tampered(kind: str, row_id: str) -> TamperedRow:
    """The refusal for one tampered consent or invitation (409)."""
    return TamperedRow(
        409,
        "integrity_failure",
        "保存されている本人同意または会議の出席者の情報の整合性を確認できないため、"
        "鍵の配布と表示を止めました。管理者に連絡してください。",
        "A stored consent or meeting invitation failed its integrity check; no key was "
        "given and nothing was shown. Contact an administrator.",
        kind=kind,
        row_id=str(row_id)[:64],
    )


def _part(value: Any) -> Part:
    """One field as MAC input: times as microseconds, dates as ISO, JSON canonical."""
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        delta = moment - datetime(1970, 1, 1, tzinfo=UTC)
        return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return value  # type: ignore[no-any-return]


def _label(model: type[EntitlementRowMixin]) -> str:
    return f"kasane/v1/agenda/rows/{model.__tablename__}"  # type: ignore[attr-defined]


def _parts(model: type[EntitlementRowMixin], values: Mapping[str, Any]) -> list[Part]:
    return [_part(values[name]) for name in ("id", *model.__trust_fields__)]


def row_mac_of(key: bytes, model: type[EntitlementRowMixin], values: Mapping[str, Any]) -> str:
    """The MAC of a row of ``model`` holding ``values`` (id and trust fields)."""
    return mac(key, _label(model), *_parts(model, values))


def _values(row: EntitlementRowMixin) -> dict[str, Any]:
    return {name: getattr(row, name) for name in ("id", *row.__trust_fields__)}


def matches(key: bytes, model: type[EntitlementRowMixin], values: Mapping[str, Any]) -> bool:
    """Whether ``values["row_mac"]`` is the MAC of these values (constant time)."""
    return mac_matches(key, values.get("row_mac"), _label(model), *_parts(model, values))


def rows_key(session: Session) -> bytes:
    """Agenda's rows key, from the keys the session's database holds (503 without them)."""
    keys = session.info.get("kasane_keys")
    if keys is None:
        raise keys_unavailable()
    return keys.key("rows")  # type: ignore[no-any-return]


def sound(session: Session, row: EntitlementRowMixin) -> bool:
    """Whether the row's MAC verifies."""
    values = _values(row)
    values["row_mac"] = row.row_mac
    return matches(rows_key(session), type(row), values)


def verify(session: Session, row: T) -> T:
    """The row, if its MAC verifies; otherwise the request fails closed (``TamperedRow``)."""
    if not sound(session, row):
        raise tampered(row.__trust_kind__, row.id)  # type: ignore[attr-defined]
    return row


def verified(session: Session, row: T | None) -> T | None:
    """``verify`` for a row that may be missing."""
    return None if row is None else verify(session, row)


def verify_all(session: Session, rows: Iterable[T]) -> list[T]:
    """Every row verified (the first that fails stops the request)."""
    return [verify(session, row) for row in rows]


def _fill_defaults(row: EntitlementRowMixin) -> None:
    """Column defaults the INSERT would apply, applied now so the MAC covers what is stored."""
    table = row.__table__  # type: ignore[attr-defined]
    for name in ("id", *row.__trust_fields__):
        default = table.c[name].default
        if getattr(row, name) is None and default is not None:
            setattr(row, name, default.arg if default.is_scalar else default.arg(None))


def _trust_changed(row: EntitlementRowMixin) -> bool:
    state = inspect(row)
    return any(state.attrs[name].history.has_changes() for name in row.__trust_fields__)


def _check_stored(session: Session, key: bytes, row: EntitlementRowMixin) -> None:
    """The stored row verifies before agenda writes a new MAC over it."""
    model = type(row)
    table = model.__table__  # type: ignore[attr-defined]
    names = ("id", *row.__trust_fields__, "row_mac")
    stored = (
        session.connection()
        .execute(select(*(table.c[n] for n in names)).where(table.c.id == row.id))  # type: ignore[attr-defined]
        .mappings()
        .first()
    )
    if stored is None or not matches(key, model, stored):
        raise tampered(row.__trust_kind__, row.id)  # type: ignore[attr-defined]


@event.listens_for(Session, "before_flush")
def _mac_entitlement_rows(session: Session, _context: Any, _instances: Any) -> None:
    """MAC agenda's new entitlement rows and its changes to verified ones."""
    new = [row for row in session.new if isinstance(row, EntitlementRowMixin)]
    changed = [
        row for row in session.dirty if isinstance(row, EntitlementRowMixin) and _trust_changed(row)
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
    "EntitlementRowMixin",
    "TamperedRow",
    "matches",
    "row_mac_of",
    "rows_key",
    "sound",
    "tampered",
    "verified",
    "verify",
    "verify_all",
]
