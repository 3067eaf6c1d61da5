"""What a member's agenda view opens: the title, the cases and the items, in one identity call.

The caller's wraps of every record are read once. When nothing needs granting (the usual
case), the title, cases and items go to identity in one batched unwrap that also asks
whether the caller holds a valid pledge for the meeting's kind: identity opens nothing
without it, so the view learns the pledge and the keys at once, and each record is still
checked (origin, version) before it is sent and refused by identity on its own if it must
be. When something needs granting first (a coordinator's first open, a member who signed
the pledge after being invited), the pledge is asked first, as grants need it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from agenda.cases.models import Case
from agenda.integrity.rows import TamperedRow
from agenda.keys.models import Wrap
from agenda.keys.opening import Failures, Opened, open_batch
from agenda.keys.service import (
    CONTENT,
    TAX,
    KeyContext,
    ensure_coordinator_access,
    record_wraps,
)
from agenda.meetings.models import AgendaItem, Meeting
from agenda.meetings.titles import grant_missing_titles
from kasane_shared.disclosure import kind_label


@dataclass
class AgendaKeys:
    """The view's opened records; ``pledged`` False means nothing was opened."""

    pledged: bool
    opened: Opened = field(default_factory=dict)
    failed: Failures = field(default_factory=dict)
    title: str = ""


def open_agenda(
    ctx: KeyContext,
    meeting: Meeting,
    cases: dict[str, Case],
    items: Sequence[AgendaItem],
    broken: dict[str, TamperedRow],
    grant_since: Any,
) -> AgendaKeys:
    """Open the meeting's title (masked), its cases and items as far as the caller's keys go.

    ``broken`` names cases whose consent or invitations failed their MAC: nothing of them is
    granted or opened. ``grant_since(ctx, meeting, cases, broken)`` grants a member the
    case keys they lack (as the agenda service).
    """
    kind = meeting.kind
    records: list[Any] = [meeting, *cases.values(), *items]
    held = record_wraps(ctx.session, records, member_id=ctx.caller.id)
    pledge_kind: str | None = kind
    if _needs_grant(ctx, meeting, cases, items, held):
        if not ctx.disclosure().may_see_content(kind):
            return AgendaKeys(pledged=False)
        if ctx.caller.is_coordinator:
            ensure_coordinator_access(ctx, [*cases.values(), *items], (kind,))
        else:
            grant_since(ctx, meeting, cases, broken)
        if meeting.sealed_fields:
            grant_missing_titles(ctx, [meeting])
        held = record_wraps(ctx.session, records, member_id=ctx.caller.id)
        pledge_kind = None  # known: asked above
    readable = [r for r in records if getattr(r, "case_id", r.id) not in broken]
    # The agenda shows every reader the masked title: the meeting's content audience only.
    wraps = [
        w
        for w in held
        if w.conference_kind == kind and not (w.record_id == meeting.id and w.audience == TAX)
    ]
    failed: Failures = {}
    batch = open_batch(ctx, readable, (CONTENT, TAX), wraps, failed, pledge_kind)
    pledged = batch.pledged
    if pledged is None:  # nothing was sent to identity: ask the pledge alone
        pledged = pledge_kind is None or ctx.disclosure().may_see_content(kind)
    else:
        ctx.disclosure().learn(kind, pledged)
    if not pledged:
        return AgendaKeys(pledged=False)
    title = batch.opened.get((meeting.id, CONTENT))
    return AgendaKeys(
        pledged=True,
        opened=batch.opened,
        failed=failed,
        title=title["title"] if title is not None else kind_label(kind),
    )


def _needs_grant(
    ctx: KeyContext,
    meeting: Meeting,
    cases: dict[str, Case],
    items: Sequence[AgendaItem],
    held: list[Wrap],
) -> bool:
    """Whether a grant comes before opening (the same rules the grant steps apply)."""
    kind = meeting.kind
    title_held = {w.audience for w in held if w.record_id == meeting.id}
    if ctx.caller.is_coordinator:
        content = {w.record_id for w in held if w.audience == CONTENT and w.conference_kind == kind}
        title_missing = bool({CONTENT, TAX} - title_held)
        return any(r.id not in content for r in [*cases.values(), *items]) or (
            bool(meeting.sealed_fields) and title_missing
        )
    of_kind = {w.record_id for w in held if w.conference_kind == kind}
    return any(c not in of_kind for c in cases) or (
        bool(meeting.sealed_fields) and CONTENT not in title_held
    )


__all__ = ["AgendaKeys", "open_agenda"]
