"""Sealed records for services: fields per audience class, wraps per member, escrow for grants.

A record's content is split into audience classes (e.g. ``content`` and ``tax``); each class
has its own random data key. Fields are sealed with a binding whose conference kind is the
constant ``sealed``; wraps bind the reader's conference kind, which identity checks against
the reader's pledge. Each class is also wrapped for the service's escrow key, so a
coordinator can grant it to a newly entitled member without any reader being online.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any, ClassVar

from sqlalchemy import JSON, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kasane_shared.crypto import (
    Binding,
    CryptoError,
    DataKey,
    Recipient,
    new_data_key,
    open_field,
    seal_field,
    wrap_data_key,
)
from kasane_shared.db import UTCDateTime, new_id, utcnow
from kasane_shared.errors import KasaneError

SEALED_KIND = "sealed"
ESCROW_KIND = "escrow"
# A record in a list that failed to open: listed by id with this notice, the rest served.
UNREADABLE_NOTICE = (
    "保存データの整合性を確認できないため、この記録は表示できません。管理者に連絡してください。"
)
UNREADABLE_NOTICE_EN = (
    "This record failed its integrity check and is not shown. Contact an administrator."
)


def integrity_error() -> KasaneError:
    """Stored ciphertext did not open: fail closed, say so, reveal nothing."""
    return KasaneError(
        409,
        "integrity_failure",
        "保存データの整合性を確認できませんでした。管理者に連絡してください。",
        "Stored data failed its integrity check. Contact an administrator.",
    )


@dataclass(frozen=True)
class RecordRef:
    """Which record a data key belongs to."""

    service: str
    table: str
    record_id: str

    def binding(self, audience: str, kind: str = SEALED_KIND) -> Binding:
        """The binding for one audience class (``kind`` for wraps: the reader's conference kind)."""
        return _binding(self.service, self.table, self.record_id, audience, kind)


@lru_cache(maxsize=8192)
def _binding(service: str, table: str, record_id: str, audience: str, kind: str) -> Binding:
    # A Binding is immutable and checks its five texts when made: a view opens ~60 records
    # of the same ids each time.
    return Binding(service, table, record_id, audience, kind)


class SealedRecordMixin:
    """Columns of a record whose content is sealed: ciphertexts and escrow wraps per audience."""

    # Columns that place the record (its case, meeting, minutes, author): covered by the
    # origin MAC with the ciphertexts, so a sealed record cannot be moved to another parent.
    __origin_fields__: ClassVar[tuple[str, ...]] = ()

    seal_version: Mapped[int] = mapped_column(Integer, default=1)
    sealed_fields: Mapped[dict[str, dict[str, str]]] = mapped_column(JSON, default=dict)
    escrow_wraps: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    # The sealing service's MAC over header and ciphertexts (``kasane_shared.record_origin``).
    origin_mac: Mapped[str | None] = mapped_column(String(64), nullable=True)


class WrapMixin:
    """A data key wrapped for one member, for one audience class of one record, for one kind."""

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    record_table: Mapped[str] = mapped_column(String(32), index=True)
    record_id: Mapped[str] = mapped_column(String(32), index=True)
    audience: Mapped[str] = mapped_column(String(16))
    member_id: Mapped[str] = mapped_column(String(64), index=True)
    conference_kind: Mapped[str] = mapped_column(String(8))
    key_version: Mapped[int] = mapped_column(Integer)
    seal_version: Mapped[int] = mapped_column(Integer)
    wrapped: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


@dataclass
class SealedAudience:
    """One audience class sealed: ciphertexts, the member wraps and the escrow wrap."""

    audience: str
    data_key: DataKey
    ciphertexts: dict[str, str]
    escrow_wrap: str
    wraps: list[tuple[str, str, int, str]] = field(
        default_factory=list
    )  # member, kind, key version, wrap


def seal_audience(
    ref: RecordRef,
    audience: str,
    version: int,
    fields: Mapping[str, str | None],
    recipients: Iterable[tuple[Recipient, str]],
    escrow: Recipient,
) -> SealedAudience:
    """Seal ``fields`` under a fresh data key, wrapped for each (recipient, kind) and for escrow."""
    data_key = new_data_key()
    sealing = ref.binding(audience)
    ciphertexts = {
        name: seal_field(data_key, sealing, name, version, value)
        for name, value in fields.items()
        if value is not None
    }
    escrow_wrap = wrap_data_key(data_key, ref.binding(audience, ESCROW_KIND), escrow)
    sealed = SealedAudience(audience, data_key, ciphertexts, escrow_wrap)
    for recipient, kind in recipients:
        sealed.wraps.append(
            (
                recipient.member_id,
                kind,
                recipient.key_version,
                wrap_for(ref, audience, data_key, recipient, kind),
            )
        )
    return sealed


def wrap_for(
    ref: RecordRef, audience: str, data_key: DataKey, recipient: Recipient, kind: str
) -> str:
    """Wrap an audience's data key for one member and conference kind."""
    return wrap_data_key(data_key, ref.binding(audience, kind), recipient)


def open_audience(
    ref: RecordRef, audience: str, version: int, data_key: DataKey, ciphertexts: Mapping[str, str]
) -> dict[str, str]:
    """Open every field of one audience class; any tamper fails closed."""
    sealing = ref.binding(audience)
    try:
        return {
            name: open_field(data_key, sealing, name, version, ct).decode("utf-8")
            for name, ct in ciphertexts.items()
        }
    except (CryptoError, UnicodeDecodeError) as error:
        raise integrity_error() from error


def apply_sealed(record: Any, sealed: Iterable[SealedAudience]) -> None:
    """Store sealed audiences on a ``SealedRecordMixin`` record (replacing those classes)."""
    fields = dict(record.sealed_fields or {})
    escrow = dict(record.escrow_wraps or {})
    for audience in sealed:
        fields[audience.audience] = audience.ciphertexts
        escrow[audience.audience] = audience.escrow_wrap
    record.sealed_fields, record.escrow_wraps = fields, escrow
