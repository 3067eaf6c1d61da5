"""Drafts: keep a form's fields sealed to their writer; open them for that writer only.

Why here, sealed to the member's own key (and not in the browser): the typed text is case
content. Identity already holds each member's key pair; a draft's data key is wrapped for
the member's public key, so keeping needs no private key (a session that just ran out can
still hand its text over), while opening needs the member's private key, which identity
opens only for a live session of that same member. A stolen database, another member on
the same shared PC, or the web pages themselves never hold the text in the clear; the web
pages work the same with and without JavaScript, since the browser stores nothing.
"""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from identity.audit import record
from identity.custody.keycache import PRIVATE_KEYS
from identity.custody.models import MemberKey
from identity.custody.service import current_key
from identity.drafts.models import Draft
from identity.integrity.rows import verified
from identity.members.models import Member
from kasane_shared.crypto import (
    Binding,
    CryptoError,
    KeyProvider,
    Recipient,
    new_data_key,
    open_field,
    seal_field,
    unwrap_data_key,
    wrap_data_key,
)
from kasane_shared.crypto.encoding import as_bytes
from kasane_shared.db import utcnow
from kasane_shared.errors import KasaneError
from kasane_shared.settings import Settings


def _binding(draft: Draft) -> Binding:
    return Binding("identity", "drafts", draft.id, "owner", "draft")


def _field(draft: Draft) -> str:
    # The form is in the AAD: a ciphertext moved to another form's row does not open.
    return f"fields {draft.member_id} {draft.form}"


def _unreadable() -> KasaneError:
    return KasaneError(
        409,
        "integrity_failure",
        "下書きを開けませんでした（改ざんまたは鍵の破棄）。",
        "The draft could not be opened (altered, or its key was destroyed).",
    )


def purge_expired(session: Session) -> int:
    """Delete every draft past its expiry (any member's)."""
    result = session.execute(delete(Draft).where(Draft.expires_at <= utcnow()))
    return int(result.rowcount or 0)


def keep(
    session: Session, settings: Settings, member: Member, form: str, fields: list[tuple[str, str]]
) -> Draft:
    """Seal ``fields`` to the member's current key (one draft per member and form)."""
    purge_expired(session)
    key = current_key(session, member.id)
    if key is None:
        raise KasaneError(409, "no_key", "鍵がないため下書きを残せません。", "No key: no draft.")
    draft = session.scalar(select(Draft).where(Draft.member_id == member.id, Draft.form == form))
    if draft is None:
        draft = Draft(member_id=member.id, form=form, version=0, key_version=0, wrapped_key="")
        draft.body, draft.expires_at = "", utcnow()
        session.add(draft)
        session.flush()
    data_key = new_data_key()
    draft.version += 1
    draft.key_version = key.version
    draft.wrapped_key = wrap_data_key(
        data_key, _binding(draft), Recipient(member.id, key.version, key.public_key)
    )
    body = json.dumps([[name, value] for name, value in fields], ensure_ascii=False)
    draft.body = seal_field(data_key, _binding(draft), _field(draft), draft.version, body)
    draft.kept_at = utcnow()
    draft.expires_at = draft.kept_at + timedelta(hours=settings.draft_keep_hours)
    record(session, "draft.keep", member.id, "draft", draft.id, version=draft.version)
    return draft


def _mine(session: Session, member: Member, form: str) -> Draft | None:
    draft = session.scalar(select(Draft).where(Draft.member_id == member.id, Draft.form == form))
    if draft is not None and draft.expires_at <= utcnow():
        session.delete(draft)
        return None
    return draft


def open_draft(
    session: Session, kek: KeyProvider, member: Member, form: str
) -> tuple[Draft, list[tuple[str, str]]] | None:
    """The member's own draft for ``form``, opened with the member's private key."""
    draft = _mine(session, member, form)
    if draft is None:
        return None
    row = verified(
        session,
        session.scalar(
            select(MemberKey).where(
                MemberKey.owner_id == member.id, MemberKey.version == draft.key_version
            )
        ),
    )
    if row is None or row.destroyed_at is not None or row.private_sealed is None:
        raise _unreadable()
    private = PRIVATE_KEYS.get(kek, member.id, row.version, as_bytes(row.private_sealed))
    try:
        data_key = unwrap_data_key(
            draft.wrapped_key, _binding(draft), member.id, draft.key_version, private
        )
        body = open_field(data_key, _binding(draft), _field(draft), draft.version, draft.body)
        pairs = [(str(name), str(value)) for name, value in json.loads(body)]
    except (CryptoError, ValueError, TypeError):
        record(session, "draft.restore", member.id, "draft", draft.id, outcome="tampered")
        raise _unreadable() from None
    record(session, "draft.restore", member.id, "draft", draft.id)
    return draft, pairs


def discard_all(session: Session, member_id: str) -> int:
    """Delete every draft of a member who left (their keys are destroyed: none would open)."""
    result = session.execute(delete(Draft).where(Draft.member_id == member_id))
    return int(result.rowcount or 0)


def discard(session: Session, member: Member, form: str) -> bool:
    """Delete the member's draft for ``form`` (saved or thrown away); true if there was one."""
    draft = session.scalar(select(Draft).where(Draft.member_id == member.id, Draft.form == form))
    if draft is None:
        return False
    record(session, "draft.discard", member.id, "draft", draft.id)
    session.delete(draft)
    return True
