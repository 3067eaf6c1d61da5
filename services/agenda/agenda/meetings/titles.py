"""Meeting titles are case content: sealed like a case's text, opened only by their readers.

A title such as 「8050世帯（固定資産税滞納）の件」 names a household, so it is sealed: the
``content`` audience holds it with the redactor's tax spans masked and is wrapped for the
invitees (identity opens it only with a valid pledge for the meeting's kind); ``tax`` holds
it in full for coordinators. Time, place and kind stay plain for every invitee.
"""

from __future__ import annotations

from collections.abc import Sequence


from agenda import access
from agenda.keys.service import (
    CONTENT,
    KINDS,
    TAX,
    Holder,
    KeyContext,
    grant,
    holders,
    masked,
    open_each,
    record_wraps,
    seal,
)
from agenda.meetings.models import Meeting
from kasane_shared.disclosure import kind_label


def _invitees(ctx: KeyContext, meeting: Meeting) -> list[str]:
    return access.invitee_ids(ctx.session, meeting.id)


def seal_title(ctx: KeyContext, meeting: Meeting, title: str, *, author: bool = True) -> None:
    """Seal a (new) title: masked for the invitees, in full for coordinators and escrow."""
    mine: list[Holder] = [(ctx.caller.id, meeting.kind, "author")] if author else []
    invited: list[Holder] = [(m, meeting.kind, "attendee") for m in _invitees(ctx, meeting)]
    kept = meeting.sealed_fields or {}
    seal(
        ctx,
        meeting,
        {CONTENT: {"title": masked(title)}, TAX: {"title": title}},
        {
            CONTENT: (holders(ctx.session, meeting, CONTENT) if kept else []) + invited + mine,
            TAX: (holders(ctx.session, meeting, TAX) if kept else []) + mine,
        },
    )


def sync_title(ctx: KeyContext, meeting: Meeting) -> None:
    """The invitees' title wraps follow the invitation: new invitees by grant, others removed."""
    if not (meeting.escrow_wraps or {}).get(CONTENT):
        return
    invited = set(_invitees(ctx, meeting))
    have = set()
    for wrap in record_wraps(ctx.session, [meeting], basis="attendee"):
        if wrap.member_id in invited and wrap.audience == CONTENT:
            have.add(wrap.member_id)
        else:
            ctx.session.delete(wrap)
    ctx.session.flush()
    # Identity refuses invitees without a pledge; they read the kind label until they sign.
    grant(ctx, [(meeting, CONTENT, m, meeting.kind, "attendee") for m in sorted(invited - have)])


def grant_missing_titles(ctx: KeyContext, meetings: Sequence[Meeting]) -> None:
    """Coordinators get both audiences on first open; a pledged invitee missing a wrap gets it."""
    held = {
        (w.record_id, w.audience)
        for w in record_wraps(ctx.session, meetings, member_id=ctx.caller.id)
    }
    if ctx.caller.is_coordinator:
        audiences, basis, granter = (CONTENT, TAX), "coordinator", ctx
    else:
        # Signed the pledge after being invited: granted as the agenda service, as for cases.
        audiences, basis, granter = (CONTENT,), "attendee", ctx.as_service()
    wanted = [
        (m, audience, ctx.caller.id, m.kind, basis)
        for m in meetings
        for audience in audiences
        if (m.id, audience) not in held
    ]
    if wanted and granter is not None:
        grant(granter, wanted)


def open_titles(
    ctx: KeyContext, meetings: Sequence[Meeting], *, full: bool | None = None
) -> dict[str, str]:
    """Each meeting's title as the caller may read it; the kind label where it may not.

    Without a pledge for the kind (or where the caller's keys do not open it) the kind label
    stands in. ``full``: the unmasked title (default: for coordinators); members read it
    masked. A title that fails to open is audited and shown as the kind label.
    """
    full = ctx.caller.is_coordinator if full is None else full
    shown = {m.id: kind_label(m.kind) for m in meetings}
    readable = [m for m in meetings if m.sealed_fields and ctx.disclosure().may_see_content(m.kind)]
    if not readable:
        return shown
    grant_missing_titles(ctx, readable)
    audiences = (CONTENT, TAX) if full else (CONTENT,)
    kinds = tuple(k for k in KINDS if any(m.kind == k for m in readable))
    opened, _ = open_each(ctx, readable, audiences, kinds)
    for m in readable:
        fields = opened.get((m.id, TAX)) if full else None
        fields = fields or opened.get((m.id, CONTENT))
        if fields is not None:
            shown[m.id] = fields["title"]
    return shown


def open_title(ctx: KeyContext, meeting: Meeting, *, full: bool | None = None) -> str:
    """One meeting's title as the caller may read it (see ``open_titles``)."""
    return open_titles(ctx, [meeting], full=full)[meeting.id]
