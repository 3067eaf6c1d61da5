"""How minutes records are sealed, wrapped and opened for one reader.

Item bodies are JSON: discussion, decisions, roles, monitoring date, action items. The
``content`` audience ("attendees" at a 支援会議, "scope" at a 重層的支援会議) holds the body
with tax spans masked; an item's tax block holds the full body for tax-entitled readers.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from kasane_shared.crypto import DataKey, Recipient
from kasane_shared.custody import IdentityClient
from kasane_shared.disclosure import Disclosure
from kasane_shared.grants import ConsentProof, Grantee, grants_key, make_statement
from kasane_shared.observability import metrics_for
from kasane_shared.record_origin import verify_origin
from kasane_shared.record_versions import Marks, verify_version
from kasane_shared.redaction import TAX_PLACEHOLDER, apply_overrides, find_tax_spans, mask
from kasane_shared.sealing import (
    RecordRef,
    SealedAudience,
    integrity_error,
    open_audience,
    seal_audience,
)
from minutes.integrity.content import tampered
from minutes.meeting_minutes.models import MinutesWrap

SERVICE = "minutes"
TAX = "tax"
TEXT_FIELDS = ("discussion", "decisions")
ITEMS = "minutes_items"
# An item's masked body and its tax-block pointers, sealed together in one field; items
# sealed before 0006_minutes_content_macs hold the body alone ("body"). Nobody without the
# item's data key can make an "item" field, nor a "body" field for a newer item's id.
ITEM_FIELD = "item"


def ref(table: str, record_id: str) -> RecordRef:
    """The crypto binding base of a minutes record."""
    return RecordRef(SERVICE, table, record_id)


def canonical(body: dict[str, Any]) -> str:
    """Stable JSON of an item body, so equal content compares equal."""
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def _spans(text: str, overrides: dict[str, list[list[int]]] | None) -> list[tuple[int, int]]:
    detected = find_tax_spans(text)
    marked = [tuple(r) for r in (overrides or {}).get("marked", [])]
    unmarked = [tuple(r) for r in (overrides or {}).get("unmarked", [])]
    spans = [(s.start, s.end) for s in apply_overrides(text, detected, marked, unmarked)]  # type: ignore[arg-type]
    metrics_for("minutes").redactions.inc(len(spans))
    return spans


def text_paths(body: dict[str, Any]) -> list[tuple[str, str]]:
    """Every free-text unit of an item body, by path: where tax spans can hide."""
    paths = [(name, body[name]) for name in TEXT_FIELDS if body.get(name)]
    paths += [(f"roles.{n}.duty", r["duty"]) for n, r in enumerate(body.get("roles", []))]
    paths += [
        (f"action_items.{n}.text", a["text"]) for n, a in enumerate(body.get("action_items", []))
    ]
    return paths


def get_path(body: dict[str, Any], path: str) -> str | None:
    """The text at a path, if the body has it."""
    head, *rest = path.split(".")
    if not rest:
        return body.get(head)
    rows = body.get(head) or []
    index = int(rest[0])
    return rows[index][rest[1]] if index < len(rows) else None


def set_path(body: dict[str, Any], path: str, value: str) -> None:
    """Replace the text at a path (the body is copied by the caller)."""
    head, *rest = path.split(".")
    if not rest:
        body[head] = value
        return
    rows = [dict(r) for r in body[head]]
    rows[int(rest[0])][rest[1]] = value
    body[head] = rows


def mask_text(
    text: str, overrides: dict[str, Any] | None = None
) -> tuple[str, list[str], list[tuple[int, int]]]:
    """The masked text, the hidden segments in order, and their spans in the full text."""
    from kasane_shared.redaction import Span

    spans = _spans(text, overrides)
    return mask(text, [Span(s, e) for s, e in spans]), [text[s:e] for s, e in spans], spans


def unmask_text(masked: str, segments: list[str]) -> tuple[str, list[tuple[int, int]]]:
    """Put hidden segments back in place of the placeholders; their spans in the full text."""
    pieces = masked.split(TAX_PLACEHOLDER)
    if len(pieces) != len(segments) + 1:
        raise integrity_error()
    out, spans, position = [pieces[0]], [], len(pieces[0])
    for segment, piece in zip(segments, pieces[1:], strict=True):
        spans.append((position, position + len(segment)))
        out += [segment, piece]
        position += len(segment) + len(piece)
    return "".join(out), spans


def item_fields(body: str, tax_blocks: dict[str, str] | None) -> dict[str, str]:
    """What an item seals: its masked body with the tax block of each unit, by path."""
    return {ITEM_FIELD: canonical({"body": body, "tax_blocks": dict(tax_blocks or {})})}


def _item_body(record: Any, fields: dict[str, str], reader: str | None) -> dict[str, str]:
    """The body of an opened item, once its sealed pointers are the row's (else refused)."""
    if ITEM_FIELD not in fields:
        return fields  # sealed before the pointers were (the approved ones are MAC'd)
    sealed = json.loads(fields[ITEM_FIELD])
    if sealed.get("tax_blocks") != dict(record.tax_blocks or {}):
        raise tampered(record.minutes_id, reader)
    return {"body": sealed["body"]}


@dataclass
class Opened:
    """The data keys one reader's wraps opened, by (table, record id, audience)."""

    keys: dict[tuple[str, str, str], DataKey] = field(default_factory=dict)
    reader: str | None = None
    session: Session | None = None
    marks: Marks | None = field(default=None, repr=False)

    def open(self, table: str, record: Any, audience: str) -> dict[str, str] | None:
        """The record's fields of one audience, if this reader holds its key.

        The record must carry the minutes' origin MAC over what is stored (a record minted
        with public keys, moved, or put back from an older version fails closed), and an
        item's tax-block pointers must be the ones sealed with it: an item pointed at
        another block (another case's tax data) fails closed.
        """
        key = self.keys.get((table, record.id, audience))
        ciphertexts = (record.sealed_fields or {}).get(audience)
        if key is None or ciphertexts is None:
            return None
        if self.session is not None:
            verify_origin(self.session, record)
            if self.marks is None:  # the marks' head read once for this reader's request
                self.marks = Marks(self.session)
            verify_version(self.session, record, self.marks)
        fields = open_audience(
            ref(table, record.id), audience, record.seal_version, key, ciphertexts
        )
        return _item_body(record, fields, self.reader) if table == ITEMS else fields


def open_for(
    session: Session,
    identity: IdentityClient,
    token: str,
    member_id: str,
    kind: str,
    records: Iterable[tuple[str, str]],
    pledge: Disclosure | None = None,
) -> Opened:
    """Unwrap, in one call to identity, every key the reader holds for these (table, id) records.

    With ``pledge`` (the request's Disclosure, its answer for ``kind`` not yet known), the
    same call asks identity whether the reader holds a valid pledge for ``kind`` now: identity
    opens nothing without it, and ``pledge`` learns the answer (with no wrap to send, the
    pledge is not asked here: the caller asks it alone). Each wrap is still refused on its own.
    """
    wanted = set(records)
    if not wanted:
        return Opened(reader=member_id, session=session)
    ids = {record_id for _, record_id in wanted}
    rows = [
        w
        for w in session.scalars(
            select(MinutesWrap).where(
                MinutesWrap.member_id == member_id,
                MinutesWrap.conference_kind == kind,
                MinutesWrap.record_id.in_(ids),
            )
        )
        if (w.record_table, w.record_id) in wanted
    ]
    keys: list[DataKey | None] = []
    if rows and pledge is not None:
        pledged, keys = identity.unwrap_if_pledged(token, [w.wrapped for w in rows], kind)
        pledge.learn(kind, pledged)
        if not pledged:
            return Opened(reader=member_id, session=session)
    elif rows:
        keys = identity.unwrap(token, [w.wrapped for w in rows])
    opened = Opened(reader=member_id, session=session)
    for wrap, key in zip(rows, keys, strict=True):
        if key is not None:
            opened.keys[(wrap.record_table, wrap.record_id, wrap.audience)] = key
    return opened


def store_wraps(
    session: Session, table: str, record_id: str, seal_version: int, sealed: SealedAudience
) -> None:
    """Persist the member wraps of a freshly sealed audience."""
    for member_id, kind, key_version, wrapped in sealed.wraps:
        session.add(
            MinutesWrap(
                record_table=table,
                record_id=record_id,
                audience=sealed.audience,
                member_id=member_id,
                conference_kind=kind,
                key_version=key_version,
                seal_version=seal_version,
                wrapped=wrapped,
            )
        )


def drop_wraps(session: Session, table: str, record_ids: Iterable[str]) -> None:
    """Remove every wrap of these records."""
    ids = list(record_ids)
    if ids:
        session.execute(
            delete(MinutesWrap).where(
                MinutesWrap.record_table == table, MinutesWrap.record_id.in_(ids)
            )
        )


def seal_record(
    session: Session,
    table: str,
    record: Any,
    audience: str,
    fields: dict[str, str],
    recipients: dict[str, Recipient],
    kind: str,
    escrow: Recipient,
) -> None:
    """Seal one audience of a record for these recipients (and escrow) and store the wraps."""
    sealed = seal_audience(
        ref(table, record.id),
        audience,
        record.seal_version,
        fields,
        [(r, kind) for r in recipients.values()],
        escrow,
    )
    record.sealed_fields = {**(record.sealed_fields or {}), audience: sealed.ciphertexts}
    record.escrow_wraps = {**(record.escrow_wraps or {}), audience: sealed.escrow_wrap}
    store_wraps(session, table, record.id, record.seal_version, sealed)


def sync_grants(
    session: Session,
    identity: IdentityClient,
    token: str,
    table: str,
    record: Any,
    audience: str,
    kind: str,
    entitled: set[str],
    keep: frozenset[str] = frozenset(),
    consent: ConsentProof | None = None,
) -> list[str]:
    """Make the record's wraps match ``entitled``: revoke the rest, grant the missing via escrow.

    Members in ``keep`` hold on to a wrap they have but are never granted one (a caller cannot
    grant to themselves). Each grant carries the minutes' statement, resting on ``consent``
    (agenda's, for the item) where one decided it. Returns the members identity refused (e.g.
    no valid pledge, no consent covering tax).
    """
    rows = session.scalars(
        select(MinutesWrap).where(
            MinutesWrap.record_table == table,
            MinutesWrap.record_id == record.id,
            MinutesWrap.audience == audience,
        )
    ).all()
    held = set()
    for row in rows:
        if row.member_id not in entitled | keep or row.conference_kind != kind:
            session.delete(row)
        else:
            held.add(row.member_id)
    missing = sorted(entitled - held - keep)
    if not missing:
        return []
    key, now, escrow_wrap = grants_key(session), time.time(), record.escrow_wraps[audience]
    grants = identity.rewrap(
        token,
        [
            (
                escrow_wrap,
                m,
                kind,
                make_statement(
                    key,
                    escrow_wrap,
                    Grantee(SERVICE, table, record.id, audience, m, kind),
                    consent,
                    now,
                ),
            )
            for m in missing
        ],
    )
    refused = []
    for grant in grants:
        if grant.wrapped is None:
            refused.append(grant.member_id)
            continue
        session.add(
            MinutesWrap(
                record_table=table,
                record_id=record.id,
                audience=audience,
                member_id=grant.member_id,
                conference_kind=kind,
                key_version=grant.key_version,
                seal_version=record.seal_version,
                wrapped=grant.wrapped,
            )
        )
    return refused
