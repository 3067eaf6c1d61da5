"""Opening sealed agenda records with the caller's own wraps: checks first, one identity call.

Every record is checked before anything of it is sent to identity: its origin MAC, then its
version against the marks (the marks' head read once for the whole batch). Only the wraps of
records that pass, at their record's current seal version, go to identity, in one batched
unwrap (a coordinator's second kind only where the first failed). A view may ask identity
in that same call whether the caller holds a valid pledge for the meeting's kind
(``pledge_kind``): identity then opens nothing unless they do, exactly as if the pledge had
been asked first, and the answer comes back with the keys.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kasane_shared.errors import KasaneError
from kasane_shared.record_origin import tampered_record
from kasane_shared.record_versions import failed_checks
from kasane_shared.sealing import RecordRef, open_audience

if TYPE_CHECKING:
    from agenda.keys.models import Wrap
    from agenda.keys.service import KeyContext

SERVICE = "agenda"
# In the failures: the record failed its origin or version check, nothing was opened.
UNOPENED = ("origin", "version")

Opened = dict[tuple[str, str], dict[str, str]]  # (record id, audience) -> fields
Failures = dict[str, tuple[Any, str]]  # record id -> (record, failed check or audience)


@dataclass
class Batch:
    """What one batch opened; ``pledged`` is identity's answer when the pledge was asked."""

    opened: Opened = field(default_factory=dict)
    pledged: bool | None = None


def ref_of(record: Any) -> RecordRef:
    """The sealing reference of an agenda record."""
    return RecordRef(SERVICE, record.__tablename__, record.id)


def check_records(session: Any, records: Sequence[Any], failed: Failures | None) -> None:
    """Origin and version of each record; a failure raises, or with ``failed`` is set aside."""
    by_id = {r.id: r for r in records}
    for record_id, check in failed_checks(session, records).items():
        if failed is None:
            raise tampered_record(by_id[record_id].__tablename__, record_id, check)
        failed.setdefault(record_id, (by_id[record_id], check))


def open_batch(
    ctx: KeyContext,
    records: Sequence[Any],
    audiences: Sequence[str],
    wraps: Sequence[Wrap],
    failed: Failures | None,
    pledge_kind: str | None = None,
) -> Batch:
    """Open ``records`` with the caller's ``wraps`` (already selected for caller and kinds).

    A record that fails its checks or one of its audiences raises (``failed`` None) or is
    set aside in ``failed`` with nothing of it returned.
    """
    by_id = {r.id: r for r in records}
    check_records(ctx.session, records, failed)
    pending = [
        w
        for w in wraps
        if w.record_id in by_id
        and w.audience in audiences
        and w.seal_version == by_id[w.record_id].seal_version
        and (failed is None or w.record_id not in failed)
    ]
    batch = Batch()
    # One wrap per (record, audience) first; another kind's wrap only where that one failed
    # (a coordinator holds one per kind): half the unwraps for lists over both kinds.
    while pending:
        first: dict[tuple[str, str], Wrap] = {}
        for wrap in pending:
            first.setdefault((wrap.record_id, wrap.audience), wrap)
        chosen = list(first.values())
        wrapped = [w.wrapped for w in chosen]
        if pledge_kind is not None and batch.pledged is None:
            batch.pledged, keys = ctx.identity.unwrap_if_pledged(
                ctx.caller.token, wrapped, pledge_kind
            )
            if not batch.pledged:
                return Batch(pledged=False)  # identity opened nothing
        else:
            keys = ctx.identity.unwrap(ctx.caller.token, wrapped)
        for wrap, key in zip(chosen, keys, strict=True):
            if key is None:
                continue
            rec = by_id[wrap.record_id]
            try:
                batch.opened[(wrap.record_id, wrap.audience)] = open_audience(
                    ref_of(rec),
                    wrap.audience,
                    rec.seal_version,
                    key,
                    (rec.sealed_fields or {}).get(wrap.audience, {}),
                )
            except KasaneError:
                if failed is None:
                    raise
                failed.setdefault(rec.id, (rec, wrap.audience))
        tried = {id(w) for w in chosen}
        pending = [
            w
            for w in pending
            if id(w) not in tried
            and (w.record_id, w.audience) not in batch.opened
            and (failed is None or w.record_id not in failed)
        ]
    # One audience failing makes the whole record unreadable: nothing half-opened is shown.
    for record_id in failed or {}:
        for audience in audiences:
            batch.opened.pop((record_id, audience), None)
    return batch


__all__ = ["Batch", "Failures", "Opened", "UNOPENED", "check_records", "open_batch", "ref_of"]
