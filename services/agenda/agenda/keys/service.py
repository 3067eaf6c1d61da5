"""Seal agenda records and manage who holds their data keys (trust rules 4 and 5).

Data keys are made here only when a coordinator writes content (``seal``); every later
grant is a rewrap from the record's escrow wrap inside identity (``grant``), so agenda
never sees a key it did not make. Opening always goes through identity with the reader's
own token (``open_records``): what the caller's wraps do not open stays closed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from agenda.audit import record as audit
from agenda.deps import Caller
from agenda.integrity.origin import TARGET_KINDS
from agenda.keys.models import Wrap
from agenda.keys.opening import SERVICE, UNOPENED, Failures, Opened, open_batch, ref_of
from agenda.keys.statements import rewrap_items
from kasane_shared.auth.tokens import TokenClaims
from kasane_shared.crypto import Recipient
from kasane_shared.custody import IdentityClient
from kasane_shared.disclosure import Disclosure
from kasane_shared.grants import ConsentProof
from kasane_shared.observability import metrics_for
from kasane_shared.redaction import TAX_PLACEHOLDER, apply_overrides, find_tax_spans, mask
from kasane_shared.sealing import apply_sealed, seal_audience

KINDS = ("shien", "jusou")
CONTENT, TAX = "content", "tax"

Holder = tuple[str, str, str]  # member id, conference kind, basis


@dataclass(frozen=True)
class Refusal:
    """A grant identity refused (no pledge, departed, ...): nothing was recorded."""

    member_id: str
    kind: str
    reason: str


@dataclass
class KeyContext:
    """One request's way to identity: the session, the client and the caller's token."""

    session: Session
    identity: IdentityClient
    caller: Caller
    service_tokens: Any = None
    _escrow: Recipient | None = field(default=None, repr=False)
    _public_keys: dict[str, Recipient | None] = field(default_factory=dict, repr=False)
    _organizations: set[str] | None = field(default=None, repr=False)
    _disclosure: Disclosure | None = field(default=None, repr=False)

    def disclosure(self) -> Disclosure:
        """What the caller may be shown of meetings (trust rule 1; pledges asked once per kind)."""
        if self._disclosure is None:
            self._disclosure = Disclosure(self.identity, self.caller)
        return self._disclosure

    def as_service(self) -> KeyContext | None:
        """The same request acting as the agenda service (grants only), if it has credentials."""
        if self.service_tokens is None:
            return None
        claims = TokenClaims(
            subject=SERVICE,
            organization_id=None,
            roles=(),
            session_id=None,
            scopes=("custody:rewrap",),
            expires_at=0,
            token_id="",
        )
        return KeyContext(self.session, self.identity, Caller(claims, self.service_tokens.token()))

    def escrow(self) -> Recipient:
        """Agenda's escrow recipient (asked once per request)."""
        if self._escrow is None:
            self._escrow = self.identity.escrow_key(self.caller.token, SERVICE)
        return self._escrow

    def public_keys(self, member_ids: Iterable[str]) -> dict[str, Recipient]:
        """Current public keys of the active members among ``member_ids`` (asked once each)."""
        wanted = [m for m in dict.fromkeys(member_ids) if m not in self._public_keys]
        if wanted:
            found = self.identity.public_keys(self.caller.token, wanted)
            self._public_keys.update({m: found.get(m) for m in wanted})
        return {
            m: key for m in dict.fromkeys(member_ids) if (key := self._public_keys[m]) is not None
        }

    def organization_ids(self) -> set[str]:
        """Ids of the organizations identity knows (asked once per request)."""
        if self._organizations is None:
            self._organizations = {o["id"] for o in self.identity.organizations(self.caller.token)}
        return self._organizations

    def prefetch_for_writing(self, member_ids: Iterable[str] = ()) -> None:
        """Ask identity now what sealing will need, so no call happens inside the write lock."""
        self.escrow()
        self.public_keys(member_ids)


def record_wraps(session: Session, records: Sequence[Any], **where: Any) -> list[Wrap]:
    """Wraps of these records, filtered by column values (lists mean "one of")."""
    if not records:
        return []
    query = select(Wrap).where(Wrap.record_id.in_([r.id for r in records]))
    for column, value in where.items():
        attribute = getattr(Wrap, column)
        query = query.where(
            attribute.in_(value) if isinstance(value, (list, tuple, set)) else attribute == value
        )
    return list(session.scalars(query.order_by(Wrap.created_at, Wrap.id)))


def holders(session: Session, record: Any, audience: str) -> list[Holder]:
    """Who holds this audience of the record now (member, kind, basis)."""
    return list(
        dict.fromkeys(
            (w.member_id, w.conference_kind, w.basis)
            for w in record_wraps(session, [record], audience=audience)
        )
    )


def seal(
    ctx: KeyContext,
    record: Any,
    contents: dict[str, dict[str, str | None]],
    wanted: dict[str, Iterable[Holder]],
) -> None:
    """Seal every audience of a record under fresh data keys, wrapped for ``wanted`` and escrow.

    All audiences are sealed together under one new version, so old ciphertexts and old
    wraps (from a backup, say) never open the new content.
    """
    version = (record.seal_version or 0) + 1 if record.sealed_fields else 1
    chosen = {aud: list(dict.fromkeys(wanted.get(aud, ()))) for aud in contents}
    member_ids = sorted({m for hs in chosen.values() for m, _, _ in hs})
    # Departed members have no public key: they get nothing.
    keys = ctx.public_keys(member_ids) if member_ids else {}
    if record.sealed_fields:  # a record sealed before: its old wraps go
        ctx.session.execute(
            delete(Wrap).where(
                Wrap.record_id == record.id, Wrap.record_table == record.__tablename__
            )
        )
    sealed = []
    for audience, fields in contents.items():
        hs = _one_per_member_kind([h for h in chosen[audience] if h[0] in keys])
        result = seal_audience(
            ref_of(record),
            audience,
            version,
            fields,
            [(keys[m], k) for m, k, _ in hs],
            ctx.escrow(),
        )
        for (_, _, basis), (member_id, kind, key_version, wrapped) in zip(
            hs, result.wraps, strict=True
        ):
            ctx.session.add(
                Wrap(
                    record_table=record.__tablename__,
                    record_id=record.id,
                    audience=audience,
                    member_id=member_id,
                    conference_kind=kind,
                    key_version=key_version,
                    seal_version=version,
                    wrapped=wrapped,
                    basis=basis,
                )
            )
        sealed.append(result)
    apply_sealed(record, sealed)
    record.seal_version = version
    ctx.session.flush()


def _one_per_member_kind(hs: list[Holder]) -> list[Holder]:
    seen: dict[tuple[str, str], Holder] = {}
    for h in hs:
        seen.setdefault((h[0], h[1]), h)
    return list(seen.values())


def grant(
    ctx: KeyContext,
    wanted: Iterable[tuple[Any, str, str, str, str]],
    consent: ConsentProof | None = None,
) -> list[Refusal]:
    """Rewrap escrow wraps for (record, audience, member, kind, basis); identity checks pledges
    and agenda's statement for each (resting on ``consent`` where one decided it)."""
    wanted = [w for w in wanted if (w[0].escrow_wraps or {}).get(w[1])]
    if not wanted:
        return []
    items = rewrap_items(ctx.session, wanted, consent)
    refusals = []
    for (record, audience, member_id, kind, basis), result in zip(
        wanted, ctx.identity.rewrap(ctx.caller.token, items), strict=True
    ):
        if result.wrapped and result.key_version is not None:
            ctx.session.add(
                Wrap(
                    record_table=record.__tablename__,
                    record_id=record.id,
                    audience=audience,
                    member_id=member_id,
                    conference_kind=kind,
                    key_version=result.key_version,
                    seal_version=record.seal_version,
                    wrapped=result.wrapped,
                    basis=basis,
                )
            )
        else:
            refusals.append(Refusal(member_id, kind, result.error or "refused"))
    ctx.session.flush()
    return refusals


def ensure_coordinator_access(
    ctx: KeyContext, records: Sequence[Any], kinds: Sequence[str] = KINDS
) -> None:
    """A coordinator opening a record the first time gets its content by grant (content only)."""
    held = {
        (w.record_id, w.conference_kind)
        for w in record_wraps(ctx.session, records, member_id=ctx.caller.id, audience=CONTENT)
    }
    wanted = [
        (r, CONTENT, ctx.caller.id, k, "coordinator")
        for r in records
        for k in kinds
        if (r.id, k) not in held
    ]
    grant(ctx, wanted)


def open_records(
    ctx: KeyContext, records: Sequence[Any], audiences: Sequence[str], kinds: Sequence[str]
) -> Opened:
    """Open what the caller's own wraps open: one batched unwrap; a tamper fails closed."""
    return _open(ctx, records, audiences, kinds, None)


def open_each(
    ctx: KeyContext,
    records: Sequence[Any],
    audiences: Sequence[str],
    kinds: Sequence[str],
    **where: Any,
) -> tuple[Opened, set[str]]:
    """``open_records`` for lists: a record that fails to open is set aside, not the whole list.

    Returns what opened and the ids of the records that failed; each failure is audited
    (``agenda.integrity_failure``, ids only; ``where`` adds e.g. the meeting id).
    """
    failed: Failures = {}
    opened = _open(ctx, records, audiences, kinds, failed)
    audit_failures(ctx, failed, **where)
    return opened, set(failed)


def audit_failures(ctx: KeyContext, failed: Failures, **where: Any) -> None:
    """One ``agenda.integrity_failure`` entry per record set aside (ids only)."""
    for record_id, (rec, audience) in failed.items():
        # A record that failed its origin check was never opened: no audience to name.
        which = {"check": audience} if audience in UNOPENED else {"audience": audience}
        audit(
            ctx.session,
            "agenda.integrity_failure",
            ctx.caller.id,
            TARGET_KINDS.get(rec.__tablename__, rec.__tablename__),
            record_id,
            outcome="tampered",
            **which,
            **where,
        )


def _open(
    ctx: KeyContext,
    records: Sequence[Any],
    audiences: Sequence[str],
    kinds: Sequence[str],
    failed: Failures | None,
) -> Opened:
    wraps = record_wraps(
        ctx.session,
        records,
        member_id=ctx.caller.id,
        audience=list(audiences),
        conference_kind=list(kinds),
    )
    return open_batch(ctx, records, audiences, wraps, failed).opened


def masked(text: str, overrides: dict[str, list[list[int]]] | None = None) -> str:
    """The text with the redactor's tax spans (after the coordinator's overrides) masked."""
    return mask(text, tax_spans(text, overrides))


def tax_spans(text: str, overrides: dict[str, list[list[int]]] | None = None) -> list[Any]:
    """Tax spans of a text after marks and unmarks."""
    overrides = overrides or {}
    marked = [(s, e) for s, e in overrides.get("marked", []) if 0 <= s < e <= len(text)]
    unmarked = [(s, e) for s, e in overrides.get("unmarked", []) if 0 <= s < e <= len(text)]
    spans = apply_overrides(text, find_tax_spans(text), marked, unmarked)
    metrics_for("agenda").redactions.inc(len(spans))
    return spans


def full_field(content: dict[str, str], tax: dict[str, str], field: str) -> str:
    """A text field in full; cases sealed before titles were redacted keep theirs in content."""
    return tax[field] if field in tax else content[field]


def full_title(content: dict[str, str], tax: dict[str, str]) -> str:
    """The case title in full, for readers who hold the tax audience."""
    return full_field(content, tax, "title")


def placeholder_if(text: str | None) -> str:
    """A tax-classed field shown closed: the placeholder when it holds anything."""
    return TAX_PLACEHOLDER if text else ""


def load_overrides(fields: dict[str, str]) -> dict[str, dict[str, list[list[int]]]]:
    """The coordinator's mark/unmark overrides stored in a tax audience."""
    return json.loads(fields.get("overrides") or "{}")
