"""A case's consent withdrawn or narrowed: who is no longer entitled loses the minutes' keys.

Agenda sends, per agenda item of the case, who may still read its content and its tax data.
Minutes only ever narrows: a wrap stays when its holder is still entitled or wrote that
version of the minutes (writers read their own words whatever the consent says); every
other wrap of the case's tax blocks, and of its 重層的支援会議 items (whose audience is the
consent's scope), is deleted, and the record is sealed again under a fresh data key for
those who keep it, so a key copied while entitled opens nothing afterwards. Nobody is
granted anything here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from kasane_shared.auth.deps import Caller
from kasane_shared.custody import IdentityClient
from kasane_shared.errors import KasaneError
from minutes.audit import record
from minutes.consents.schemas import ConsentWithdrawal, ItemAccess, Warning, WithdrawalOut
from minutes.meeting_minutes.models import Minutes, MinutesItem, MinutesWrap, TaxBlock
from minutes.meeting_minutes.sealing import TAX, item_fields, open_for, seal_record
from minutes.integrity.content import (
    approval_holds,
    approved_mac,
    check_holds,
    checked_mac,
    rows_key,
    version_rows,
)
from minutes.meeting_minutes.service import BLOCKS, CONTENT_AUDIENCE, ITEMS

# The content audience a consent decides: 重層的支援会議 items (支援会議 content is the attendees').
SCOPED = CONTENT_AUDIENCE["jusou"]

NOT_RESEALED = Warning(
    code="minutes_not_resealed",
    message=(
        "会議録の一部は、操作した方の鍵では開けないため新しい鍵で封印し直せませんでした"
        "（対象外となった人の鍵は削除しました）。"
    ),
    message_en=(
        "Part of the minutes could not be sealed again under a new key: your keys do not open "
        "it (the keys of those no longer entitled were deleted)."
    ),
)


@dataclass
class _Target:
    """One sealed record of the case and who may keep its key."""

    table: str
    record: MinutesItem | TaxBlock
    audience: str
    kind: str
    entitled: set[str] = field(default_factory=set)
    versions: set[str] = field(default_factory=set)  # minutes whose content hash covers it
    wraps: list[MinutesWrap] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str]:
        return self.table, self.record.id

    def losing(self) -> list[MinutesWrap]:
        return [w for w in self.wraps if w.member_id not in self.entitled]


def _targets(
    session: Session,
    items: list[MinutesItem],
    minutes: dict[str, Minutes],
    access: dict[str, ItemAccess],
) -> list[_Target]:
    block_ids = {b for i in items for b in (i.tax_blocks or {}).values()}
    blocks = {b.id: b for b in session.scalars(select(TaxBlock).where(TaxBlock.id.in_(block_ids)))}
    targets: dict[tuple[str, str], _Target] = {}
    for item in items:
        version = minutes[item.minutes_id]
        now = access.get(item.agenda_item_id) or ItemAccess(agenda_item_id=item.agenda_item_id)
        authors = {version.created_by}
        if item.audience == SCOPED:
            target = _Target(ITEMS, item, item.audience, version.conference_kind)
            target.entitled |= set(now.content_member_ids) | authors
            target.versions.add(version.id)
            targets[target.key] = target
        for block_id in (item.tax_blocks or {}).values():
            if block_id not in blocks:
                continue
            target = targets.setdefault(
                (BLOCKS, block_id), _Target(BLOCKS, blocks[block_id], TAX, version.conference_kind)
            )
            target.entitled |= set(now.tax_member_ids) | authors
            target.versions.add(version.id)
    found = list(targets.values())
    by_key = {t.key: t for t in found}
    for wrap in session.scalars(
        select(MinutesWrap).where(MinutesWrap.record_id.in_([t.record.id for t in found]))
    ):
        target = by_key.get((wrap.record_table, wrap.record_id))
        if target is not None and wrap.audience == target.audience:
            target.wraps.append(wrap)
    return found


def _approval_holds(session: Session, minutes: Minutes) -> bool:
    return approval_holds(rows_key(session), minutes, *version_rows(session, minutes))


def _check_holds(session: Session, minutes: Minutes) -> bool:
    return check_holds(rows_key(session), minutes, *version_rows(session, minutes))


def _rehash(session: Session, minutes: Minutes, approved: bool, checked: bool) -> None:
    """New MACs over the re-keyed content, for what verified before the re-key."""
    key, (items, blocks) = rows_key(session), version_rows(session, minutes)
    if approved:
        minutes.content_hash = approved_mac(key, minutes, items, blocks)
    if checked:
        minutes.checked_hash = checked_mac(key, minutes, items, blocks)


def _tampered(session: Session, caller: Caller, versions: Iterable[Minutes]) -> bool:
    """An approved version whose hash no longer holds is not re-hashed (nor re-sealed)."""
    bad = [m for m in versions if m.content_hash and not _approval_holds(session, m)]
    for minutes in bad:
        record(
            session,
            "minutes.integrity_failure",
            caller.member_id,
            "minutes",
            minutes.id,
            outcome="refused",
        )
    return bool(bad)


def _open(
    session: Session, identity: IdentityClient, caller: Caller, targets: list[_Target]
) -> dict[tuple[str, str], dict[str, str]]:
    """What the caller's own wraps open (the re-seal needs the text; nothing else opens it)."""
    fields: dict[tuple[str, str], dict[str, str]] = {}
    for kind in sorted({t.kind for t in targets}):
        chosen = [t for t in targets if t.kind == kind]
        opened = open_for(
            session,
            identity,
            caller.token,
            caller.member_id,
            kind,
            [(t.table, t.record.id) for t in chosen],
        )
        for target in chosen:
            try:
                found = opened.open(target.table, target.record, target.audience)
            except KasaneError:  # a tampered ciphertext: its keys still go, it is not resealed
                found = None
            if found is not None:
                fields[target.key] = found
    return fields


def withdraw(
    session: Session,
    identity: IdentityClient,
    caller: Caller,
    case_id: str,
    data: ConsentWithdrawal,
) -> WithdrawalOut:
    """Delete the wraps of those no longer entitled; re-seal each record for those who keep it."""
    items = list(session.scalars(select(MinutesItem).where(MinutesItem.case_id == case_id)))
    versions = {
        m.id: m
        for m in session.scalars(
            select(Minutes).where(Minutes.id.in_({i.minutes_id for i in items}))
        )
    }
    access = {a.agenda_item_id: a for a in data.items}
    targets = [t for t in _targets(session, items, versions, access) if t.losing()]
    if not targets:
        return WithdrawalOut(records=0, removed=0, resealed=0, not_resealed=0)
    touched = [versions[m] for m in sorted({m for t in targets for m in t.versions})]
    sound = not _tampered(session, caller, touched)
    # A clean check before approval covers the same words under new keys (hash follows).
    checked = {m.id for m in touched if m.checked_hash and _check_holds(session, m)}
    # Every call to identity happens before the first write (SQLite's write lock).
    opened = _open(session, identity, caller, targets) if sound else {}
    keepers = sorted({w.member_id for t in targets for w in t.wraps if w not in t.losing()})
    keys = identity.public_keys(caller.token, keepers) if opened and keepers else {}
    escrow = identity.escrow_key(caller.token, "minutes") if opened else None
    removed = resealed = 0
    for target in targets:
        losing = target.losing()
        removed += len(losing)
        fields = opened.get(target.key)
        if fields is not None and target.table == ITEMS:  # re-sealed with its pointers
            fields = item_fields(fields["body"], target.record.tax_blocks)
        if fields is None or escrow is None:
            for wrap in losing:
                session.delete(wrap)
            continue
        keep = {w.member_id for w in target.wraps if w not in losing}
        for wrap in target.wraps:
            session.delete(wrap)
        session.flush()
        target.record.seal_version += 1
        recipients = {m: keys[m] for m in sorted(keep) if m in keys}
        seal_record(
            session,
            target.table,
            target.record,
            target.audience,
            fields,
            recipients,
            target.kind,
            escrow,
        )
        resealed += 1
    session.flush()
    rehashed = [m.version for m in touched if m.content_hash and resealed]
    for minutes in touched if resealed else []:
        _rehash(session, minutes, bool(minutes.content_hash), minutes.id in checked)
    not_resealed = len(targets) - resealed
    record(
        session,
        "minutes.consent_withdrawal",
        caller.member_id,
        "case",
        case_id,
        outcome="ok" if not not_resealed else "partial",
        consent_id=data.consent_id,
        removed=removed,
        resealed=resealed,
        not_resealed=not_resealed,
        rehashed=rehashed,
    )
    return WithdrawalOut(
        records=len(targets),
        removed=removed,
        resealed=resealed,
        not_resealed=not_resealed,
        warnings=[NOT_RESEALED] if not_resealed else [],
    )
