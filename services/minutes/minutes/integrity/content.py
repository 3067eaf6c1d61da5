"""What approval fixes, as a MAC under the minutes' rows key, checked on every view and export.

An approved version's ``content_hash`` is HMAC-SHA256 under the minutes service's "rows" key
(handed over by identity, never stored) over everything stored for the version: its items,
their ciphertexts, and the tax blocks they point at, by id. Someone who can only write the
database can change those rows but cannot recompute the MAC, so an approved version that
was altered (an item pointed at another case's tax block, say) is refused on every view and
Word export (409, audited ``minutes.integrity_failure``) instead of being shown as approved.
The check before approval (``checked_hash``) is a MAC of the same content under its own
label. Versions hashed before the MACs get theirs once (``integrity.backfill``).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kasane_shared.crypto.digests import sha256_hex
from kasane_shared.db import Database
from kasane_shared.errors import KasaneError
from kasane_shared.integrity import keys_unavailable, mac, mac_matches
from minutes.audit import record
from minutes.meeting_minutes.models import Minutes, MinutesItem, TaxBlock

log = logging.getLogger("kasane.minutes")
APPROVED_LABEL = "kasane/v1/minutes/rows/approved"
CHECKED_LABEL = "kasane/v1/minutes/rows/checked"
FIXED = ("approved", "superseded")


@dataclass
class TamperedMinutes(KasaneError):
    """Stored minutes failed their integrity check: the request stops; the app audits it."""

    minutes_id: str = ""
    actor_id: str | None = None


def tampered(minutes_id: str, actor_id: str | None) -> TamperedMinutes:
    """The refusal for one version whose stored content is not what was approved or sealed."""
    return TamperedMinutes(
        409,
        "integrity_failure",
        "保存されている会議録の内容が承認・記録されたときのものと一致しないため、表示と出力を"
        "止めました。管理者に連絡してください。",
        "The stored minutes are not what was approved or recorded; they are neither shown nor "
        "exported. Contact an administrator.",
        minutes_id=minutes_id,
        actor_id=actor_id,
    )


def rows_key(session: Session) -> bytes:
    """The minutes' rows key, from the keys the session's database holds (503 without them)."""
    keys = session.info.get("kasane_keys")
    if keys is None:
        raise keys_unavailable()
    return keys.key("rows")  # type: ignore[no-any-return]


def version_rows(
    session: Session, minutes: Minutes
) -> tuple[list[MinutesItem], dict[str, TaxBlock]]:
    """A version's items in order and the tax blocks they point at, by id."""
    items = list(
        session.scalars(
            select(MinutesItem)
            .where(MinutesItem.minutes_id == minutes.id)
            .order_by(MinutesItem.position)
        )
    )
    ids = [b for i in items for b in (i.tax_blocks or {}).values()]
    found = session.scalars(select(TaxBlock).where(TaxBlock.id.in_(ids))) if ids else []
    return items, {b.id: b for b in found}


def _canonical(document: Any) -> str:
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _block(blocks: dict[str, Any], block_id: str) -> dict[str, Any] | None:
    block = blocks.get(block_id)
    if block is None:
        return None
    return {"id": block.id, "seal_version": block.seal_version, "sealed": block.sealed_fields}


def digest(minutes: Any, items: list[Any], blocks: dict[str, Any]) -> str:
    """SHA-256 over everything stored for a version, row ids and tax-block ids included."""
    document = {
        "id": minutes.id,
        "meeting_id": minutes.meeting_id,
        "version": minutes.version,
        "kind": minutes.conference_kind,
        "attendance": sorted(minutes.attendance or []),
        "next_meeting_at": minutes.next_meeting_at.isoformat() if minutes.next_meeting_at else None,
        "items": [
            {
                "id": i.id,
                "agenda_item_id": i.agenda_item_id,
                "case_id": i.case_id,
                "position": i.position,
                "purpose": i.purpose,
                "audience": i.audience,
                "seal_version": i.seal_version,
                "sealed": i.sealed_fields,
                "tax": {p: _block(blocks, b) for p, b in sorted((i.tax_blocks or {}).items())},
            }
            for i in items
        ],
    }
    return sha256_hex(_canonical(document).encode())


def approved_mac(key: bytes, minutes: Any, items: list[Any], blocks: dict[str, Any]) -> str:
    """The approved version's ``content_hash``: its content and who approved it, MAC'd."""
    return mac(key, APPROVED_LABEL, minutes.id, minutes.approved_by, digest(minutes, items, blocks))


def checked_mac(key: bytes, minutes: Any, items: list[Any], blocks: dict[str, Any]) -> str:
    """What a clean check before approval saw (``checked_hash``), MAC'd."""
    return mac(key, CHECKED_LABEL, minutes.id, digest(minutes, items, blocks))


def approval_holds(key: bytes, minutes: Any, items: list[Any], blocks: dict[str, Any]) -> bool:
    """Whether the stored ``content_hash`` is the MAC of what is stored now."""
    parts = (minutes.id, minutes.approved_by, digest(minutes, items, blocks))
    return mac_matches(key, minutes.content_hash, APPROVED_LABEL, *parts)


def check_holds(key: bytes, minutes: Any, items: list[Any], blocks: dict[str, Any]) -> bool:
    """Whether the stored ``checked_hash`` is the MAC of what is stored now."""
    parts = (minutes.id, digest(minutes, items, blocks))
    return mac_matches(key, minutes.checked_hash, CHECKED_LABEL, *parts)


def require_intact(
    session: Session, minutes: Any, items: list[Any], blocks: dict[str, Any], actor: str | None
) -> None:
    """An approved version (or any with a content hash) is served only while its MAC holds."""
    if minutes.status not in FIXED and not minutes.content_hash:
        return
    if not approval_holds(rows_key(session), minutes, items, blocks):
        raise tampered(minutes.id, actor)


def report_tampering(db: Database, error: TamperedMinutes) -> None:
    """Audit a version that failed its check, after the request's transaction was rolled back;
    a failure to audit is logged, never hides the refusal."""
    log.error("minutes failed their integrity check: %s", error.minutes_id)
    try:
        with db.session() as session:
            record(
                session,
                "minutes.integrity_failure",
                error.actor_id,
                "minutes",
                error.minutes_id,
                outcome="refused",
            )
    except KasaneError as failure:
        log.error("could not audit the integrity failure: %s", failure.code)


__all__ = [
    "TamperedMinutes",
    "approval_holds",
    "approved_mac",
    "check_holds",
    "checked_mac",
    "digest",
    "report_tampering",
    "require_intact",
    "rows_key",
    "tampered",
    "version_rows",
]
