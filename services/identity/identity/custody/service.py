"""Key custody rules: only identity opens private keys, and only for the entitled.

- unwrap: a member's own token opens wraps addressed to that member, if the member is
  active and holds a valid pledge for the conference kind bound in the wrap;
- rewrap: a service's escrow wrap is re-addressed to a member (a grant) without the data
  key ever leaving identity, only against the deciding service's entitlement statement
  (``custody.grants``); the target must be active and hold the pledge, and a tax grant
  needs the statement's consent proof to cover tax and the target's organization;
- every unwrap, rewrap and refusal is audited (ids and codes only).
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from identity.audit import record
from identity.custody.grants import check_statements, consent_allows
from identity.custody.keycache import PRIVATE_KEYS
from identity.custody.opener import Opener
from identity.custody.models import MemberKey
from identity.custody.schemas import RewrapItem, RewrapResult, UnwrapResult
from identity.integrity.rows import key_pair_mismatch, verified, verify
from identity.members.models import Member
from kasane_shared.crypto import (
    Binding,
    CryptoError,
    DataKey,
    KeyProvider,
    Recipient,
    encode_public_key,
    decode_public_key,
    generate_member_keypair,
    open_private_key,
    public_key_of,
    parse_wrap,
    parse_wrap_header,
    seal_private_key,
    to_text,
    unwrap_data_key,
    wrap_data_key,
)
from kasane_shared.crypto.members import DEFAULT_SUITE
from kasane_shared.db import utcnow
from kasane_shared.observability import metrics_for

CONFERENCE_KINDS = ("shien", "jusou")
ESCROW_PREFIX = "escrow:"
ESCROW_SERVICES = ("agenda", "minutes")
ESCROW_KIND = "escrow"


def escrow_owner(service: str) -> str:
    """The key owner id of a service's escrow key pair."""
    return f"{ESCROW_PREFIX}{service}"


def _newest_key(session: Session, owner_id: str) -> MemberKey | None:
    return session.scalar(
        select(MemberKey)
        .where(
            MemberKey.owner_id == owner_id,
            MemberKey.retired_at.is_(None),
            MemberKey.destroyed_at.is_(None),
        )
        .order_by(MemberKey.version.desc())
        .limit(1)
    )


def current_key(session: Session, owner_id: str) -> MemberKey | None:
    """The owner's newest usable key pair; a rewritten row fails closed, never the one before."""
    return verified(session, _newest_key(session, owner_id))


def sealed_matches_public(
    kek: KeyProvider, owner_id: str, version: int, sealed: bytes, public_key: str
) -> bool:
    """Whether the sealed private key opens under the KEK and its public half is ``public_key``."""
    private = open_private_key(kek, owner_id, version, sealed)
    return public_key_of(private) == decode_public_key(public_key)


def enroll(
    session: Session, kek: KeyProvider, owner_id: str, suite: str = DEFAULT_SUITE
) -> MemberKey:
    """Give an owner a new key pair (hybrid ML-KEM-768 + X25519 by default)."""
    latest = (
        session.scalar(select(func.max(MemberKey.version)).where(MemberKey.owner_id == owner_id))
        or 0
    )
    private, public = generate_member_keypair(suite)
    version = latest + 1
    published = encode_public_key(public)
    sealed = seal_private_key(kek, owner_id, version, private)
    # What is published must be what the sealed key opens: checked on what was stored.
    if not sealed_matches_public(kek, owner_id, version, sealed, published):
        raise key_pair_mismatch()
    key = MemberKey(
        owner_id=owner_id,
        version=version,
        suite=suite,
        public_key=published,
        private_sealed=sealed,
    )
    session.add(key)
    session.flush()
    record(
        session,
        "key.enroll",
        owner_id if not owner_id.startswith(ESCROW_PREFIX) else None,
        "member_key",
        key.id,
        version=version,
        suite=suite,
    )
    return key


def ensure_escrow_keys(session: Session, kek: KeyProvider) -> None:
    """Each service that seals content has an escrow key pair for grants."""
    for service in ESCROW_SERVICES:
        # Existence only: the key is verified where it is served or used, not at start.
        if _newest_key(session, escrow_owner(service)) is None:
            enroll(session, kek, escrow_owner(service))


def public_key_out(key: MemberKey) -> dict[str, Any]:
    """The published shape of a key."""
    return {
        "member_id": key.owner_id,
        "key_version": key.version,
        "suite": key.suite,
        "public_key": key.public_key,
    }


def public_keys(session: Session, member_ids: list[str]) -> list[MemberKey]:
    """Current keys of the active members among ``member_ids`` (departed members have none).

    Every member row and key row served is verified: content is sealed to these keys.
    """
    active = {
        verify(session, member).id
        for member in session.scalars(
            select(Member).where(Member.id.in_(member_ids), Member.active.is_(True))
        )
    }
    keys = session.scalars(
        select(MemberKey).where(
            MemberKey.owner_id.in_(active),
            MemberKey.retired_at.is_(None),
            MemberKey.destroyed_at.is_(None),
        )
    )
    newest: dict[str, MemberKey] = {}
    for key in keys:
        if key.owner_id not in newest or key.version > newest[key.owner_id].version:
            newest[key.owner_id] = key
    return [verify(session, newest[m]) for m in dict.fromkeys(member_ids) if m in newest]


def destroy_keys(session: Session, owner_id: str, actor_id: str | None) -> int:
    """Destroy an owner's private keys (departure): their wraps can never be opened again."""
    count = 0
    for key in session.scalars(
        select(MemberKey).where(MemberKey.owner_id == owner_id, MemberKey.destroyed_at.is_(None))
    ):
        key.private_sealed, key.destroyed_at = None, utcnow()
        count += 1
    PRIVATE_KEYS.forget(owner_id)
    if count:
        record(session, "key.destroy", actor_id, "member", owner_id, keys=count)
    return count


# A wrap's binding names a Kasane record: ids of this shape only, so whatever the audit log
# copies from a (validated) wrap is short and plain, never caller-chosen text.
_ID_SHAPE = re.compile(r"[a-z0-9_:-]{1,64}")
# At most this many opened records are named in one unwrap's audit entry; the rest are counted.
AUDIT_LISTED_MAX = 200


def _well_formed(binding: Binding) -> bool:
    return binding.service in ESCROW_SERVICES and all(
        _ID_SHAPE.fullmatch(value)
        for value in (binding.table, binding.record_id, binding.audience, binding.conference_kind)
    )


def _unwrap_one(
    opener: Opener, member: Member, wrapped: str
) -> tuple[DataKey | None, str | None, dict[str, Any]]:
    try:
        parsed = parse_wrap(wrapped)  # read once: checked here, then unwrapped as read
    except CryptoError as error:
        return None, error.code, {}
    header = parsed.header
    if not _well_formed(header.binding):
        return None, "malformed", {}
    if header.member_id != member.id:
        return None, "not_yours", {}
    if header.conference_kind not in CONFERENCE_KINDS:
        return None, "unknown_kind", {}
    if not opener.has_pledge(member.id, header.conference_kind):
        return None, "no_pledge", {}
    private = opener.private_key(member.id, header.key_version)
    if private is None:
        return None, "key_destroyed", {}
    key = opener.remembered(member.id, header.key_version, wrapped)
    if key is None:
        try:
            key = unwrap_data_key(parsed, header.binding, member.id, header.key_version, private)
        except CryptoError as error:
            return None, error.code, {}
        opener.remember(member.id, header.key_version, wrapped, key)
    # Only now is the header authenticated (HPKE info covers it): name the record.
    where = {
        "service": header.binding.service,
        "table": header.binding.table,
        "record_id": header.binding.record_id,
        "audience": header.binding.audience,
        "kind": header.conference_kind,
    }
    return key, None, where


Opened = tuple[DataKey | None, str | None]  # a data key, or why it was refused


def open_wraps_if_pledged(
    session: Session, kek: KeyProvider, member: Member, wrapped: list[str], kind: str | None
) -> tuple[bool | None, list[Opened]]:
    """``open_wraps``; with ``kind``, only if the member holds a valid pledge for it now.

    Without that pledge nothing is parsed or opened: every wrap is refused ``no_pledge``
    (audited as refused, counted, none of the wraps' text copied)."""
    if kind is None:
        return None, open_wraps(session, kek, member, wrapped)
    opener = Opener(session, kek)
    if not opener.has_pledge(member.id, kind):
        _account(session, member, [], {"no_pledge": len(wrapped)})
        return False, [(None, "no_pledge") for _ in wrapped]
    return True, open_wraps(session, kek, member, wrapped, opener)


def open_wraps(
    session: Session,
    kek: KeyProvider,
    member: Member,
    wrapped: list[str],
    opener: Opener | None = None,
) -> list[Opened]:
    """Open each wrap the member is entitled to; refuse (and audit) the rest."""
    opener = opener or Opener(session, kek)
    results: list[Opened] = []
    opened: list[dict[str, Any]] = []
    refused: dict[str, int] = {}
    for item in wrapped:
        key, error, where = _unwrap_one(opener, member, item)
        if key is not None:
            opened.append(where)
        else:
            reason = error or "refused"
            refused[reason] = refused.get(reason, 0) + 1
        results.append((key, error))
    _account(session, member, opened, refused)
    return results


def unwrap_results(opened: list[Opened]) -> list[UnwrapResult]:
    """Opened wraps as the API answers them (data keys in base64url)."""
    return [
        UnwrapResult(data_key=to_text(key.to_bytes()) if key else None, error=error)
        for key, error in opened
    ]


def _account(
    session: Session, member: Member, opened: list[dict[str, Any]], refused: dict[str, int]
) -> None:
    """Count an unwrap batch and audit it: one entry naming what opened, refusals by reason."""
    unwraps = metrics_for("identity").unwraps
    unwraps.labels("opened").inc(len(opened))
    unwraps.labels("refused").inc(sum(refused.values()))
    # One entry per batch naming what was opened (validated ids, capped) and counting refusals
    # by reason: a refused wrap's header is unauthenticated, so none of its text is copied.
    outcome = "refused" if refused and not opened else "partial" if refused else "ok"
    record(
        session,
        "key.unwrap",
        member.id,
        "member",
        member.id,
        outcome=outcome,
        opened=opened[:AUDIT_LISTED_MAX],
        opened_count=len(opened),
        refused=refused,
    )


def _rewrap_one(opener: Opener, caller: Member, item: RewrapItem) -> RewrapResult:
    try:
        header = parse_wrap_header(item.escrow_wrap)
    except CryptoError as error:
        return RewrapResult(error=error.code)
    owner = header.member_id
    if (
        not owner.startswith(ESCROW_PREFIX)
        or owner != escrow_owner(header.binding.service)
        or header.conference_kind != ESCROW_KIND
    ):
        return RewrapResult(error="not_escrow")
    target = verified(opener.session, opener.session.get(Member, item.member_id))
    if target is None or not target.active:
        return RewrapResult(error="inactive")
    if header.binding.audience == "tax" and target.id == caller.id:
        # Nobody grants themself tax data: entitlement comes from consent, decided by others.
        return RewrapResult(error="self_grant")
    if not consent_allows(item, header.binding.audience, target):
        return RewrapResult(error="no_consent")
    if not opener.has_pledge(target.id, item.conference_kind):
        return RewrapResult(error="no_pledge")
    target_key = current_key(opener.session, target.id)
    private = opener.private_key(owner, header.key_version)
    if target_key is None or private is None:
        return RewrapResult(error="no_key")
    try:
        data_key = unwrap_data_key(
            item.escrow_wrap, header.binding, owner, header.key_version, private
        )
    except CryptoError as error:
        return RewrapResult(error=error.code)
    b = header.binding
    binding = Binding(b.service, b.table, b.record_id, b.audience, item.conference_kind)
    wrapped = wrap_data_key(
        data_key, binding, Recipient(target.id, target_key.version, target_key.public_key)
    )
    return RewrapResult(wrapped=wrapped, key_version=target_key.version)


def rewrap_batch(
    session: Session, kek: KeyProvider, caller: Member, items: list[RewrapItem]
) -> list[RewrapResult]:
    """Grant: re-address escrow wraps to entitled members; the data key stays inside identity.

    Every statement is checked before any grant: one that fails refuses the batch (409).
    """
    check_statements(session, kek, caller.id, items)
    opener = Opener(session, kek)
    results = []
    for item in items:
        result = _rewrap_one(opener, caller, item)
        record(
            session,
            "key.grant",
            caller.id,
            "member",
            item.member_id,
            outcome="ok" if result.wrapped else "refused",
            reason=result.error,
            kind=item.conference_kind,
        )
        results.append(result)
    return results
