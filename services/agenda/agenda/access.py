"""Who may hold which key, from meetings, attendees and consent (trust rules 1–5).

``sync_case`` recomputes the attendee wraps of a case and its agenda items and brings the
wrap table to it: grants by rewrap from escrow (identity checks each pledge), removals by
deleting rows. Coordinator and author wraps are left alone here.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from agenda.cases.models import Case, Consent
from agenda.integrity.rows import TamperedRow, verify_all
from agenda.keys.models import Wrap
from agenda.keys.statements import consent_proof
from agenda.keys.service import (
    CONTENT,
    KINDS,
    TAX,
    KeyContext,
    Refusal,
    grant,
    holders,
    open_records,
    record_wraps,
    seal,
)
from agenda.meetings.models import AgendaItem, Attendee, Meeting

Slot = tuple[str, str, str, str]  # record id, audience, member id, kind

REFUSAL_MESSAGES = {
    "no_pledge": (
        "有効な誓約書がないため、この構成員には内容の鍵を渡していません。",
        "No valid pledge: this member was not given the content key.",
    ),
    "inactive": ("退職・無効の構成員には鍵を渡していません。", "Inactive member: no key given."),
    "no_consent": (
        "本人同意が税情報と所属組織を対象としていないため、税情報の鍵を渡していません。",
        "No consent covers tax data for this member's organization: no tax key given.",
    ),
    "no_key": (
        "この構成員には公開鍵がないため、鍵を渡していません。",
        "This member has no public key: no key given.",
    ),
}


def _is_active(consent: Consent) -> bool:
    return consent.withdrawn_at is None and consent.corrected_at is None


def _newest_active(consents: list[Consent]) -> Consent | None:
    """The newest consent not withdrawn or corrected (ties: the smaller id)."""
    active = [c for c in consents if _is_active(c)]
    active.sort(key=lambda c: c.id)
    active.sort(key=lambda c: c.created_at, reverse=True)
    return active[0] if active else None


def active_consent(session: Session, case_id: str) -> Consent | None:
    """The newest consent of a case that is not withdrawn or corrected.

    Every consent of the case is verified first (``TamperedRow`` otherwise): a forged
    withdrawal of the newest must not quietly bring an older, wider one back.
    """
    return _newest_active(
        verify_all(session, session.scalars(select(Consent).where(Consent.case_id == case_id)))
    )


def active_consents(
    session: Session, case_ids: list[str], failed: dict[str, TamperedRow] | None = None
) -> dict[str, Consent]:
    """The active consent of each of these cases, in one query.

    A case with a consent that fails its MAC raises ``TamperedRow``, or, with ``failed``,
    is left out and its refusal kept there (lists show it without a consent).
    """
    if not case_ids:
        return {}
    by_case: dict[str, list[Consent]] = {}
    for consent in session.scalars(select(Consent).where(Consent.case_id.in_(case_ids))):
        by_case.setdefault(consent.case_id, []).append(consent)
    found: dict[str, Consent] = {}
    for case_id, consents in by_case.items():
        try:
            newest = _newest_active(verify_all(session, consents))
        except TamperedRow as error:
            if failed is None:
                raise
            failed[case_id] = error
            continue
        if newest is not None:
            found[case_id] = newest
    return found


def verified_attendees(session: Session, meeting_ids: Iterable[str]) -> list[Attendee]:
    """Every invitation of these meetings, each verified (``TamperedRow`` otherwise)."""
    ids = list(dict.fromkeys(meeting_ids))
    if not ids:
        return []
    rows = session.scalars(
        select(Attendee).where(Attendee.meeting_id.in_(ids)).order_by(Attendee.id)
    )
    return verify_all(session, rows)


def invitee_ids(session: Session, meeting_id: str) -> list[str]:
    """Members invited to a meeting (verified invitations only): the title and notes' readers."""
    return [a.member_id for a in verified_attendees(session, [meeting_id])]


def in_scope(consent: Consent | None, organization_id: str | None) -> bool:
    """Is an organization inside the consent's scope."""
    return (
        consent is not None
        and organization_id is not None
        and organization_id in consent.organization_ids
    )


def attends_for(attendee: Attendee, case_id: str) -> bool:
    """Required members attend every item; general members only their cases'."""
    return attendee.required or case_id in (attendee.case_ids or [])


def entitled(kind: str, consent: Consent | None, organization_id: str | None) -> tuple[bool, bool]:
    """(content, tax) an attendee of a meeting of ``kind`` is entitled to for a case."""
    scope = in_scope(consent, organization_id)
    return kind == "shien" or scope, scope and consent is not None and consent.covers_tax


def case_items(session: Session, case_id: str) -> list[AgendaItem]:
    """Every agenda item of a case."""
    return list(
        session.scalars(
            select(AgendaItem).where(AgendaItem.case_id == case_id).order_by(AgendaItem.id)
        )
    )


def _desired(
    session: Session, case: Case, items: list[AgendaItem], consent: Consent | None
) -> set[Slot]:
    meeting_ids = {i.meeting_id for i in items}
    meetings = {
        m.id: m for m in session.scalars(select(Meeting).where(Meeting.id.in_(meeting_ids)))
    }
    attendees = verified_attendees(session, meeting_ids)
    wanted: set[Slot] = set()
    for item in items:
        kind = meetings[item.meeting_id].kind
        for a in attendees:
            if a.meeting_id != item.meeting_id or not attends_for(a, case.id):
                continue
            content, tax = entitled(kind, consent, a.organization_id)
            for audience, allowed in ((CONTENT, content), (TAX, tax)):
                if allowed:
                    wanted |= {
                        (case.id, audience, a.member_id, kind),
                        (item.id, audience, a.member_id, kind),
                    }
    return wanted


def sync_case(ctx: KeyContext, case: Case) -> list[dict]:
    """Bring a case's attendee wraps to what meetings and consent allow; warnings for refusals."""
    items = case_items(ctx.session, case.id)
    records = {r.id: r for r in [case, *items]}
    consent = active_consent(ctx.session, case.id)
    wanted = _desired(ctx.session, case, items, consent)
    existing = record_wraps(ctx.session, list(records.values()), basis="attendee")
    have = set()
    for w in existing:
        slot = (w.record_id, w.audience, w.member_id, w.conference_kind)
        if slot in wanted and slot not in have:
            have.add(slot)
        else:
            ctx.session.delete(w)
    ctx.session.flush()
    missing = sorted(wanted - have)
    refusals = grant(
        ctx,
        [(records[r], aud, m, k, "attendee") for r, aud, m, k in missing],
        consent_proof(ctx.session, consent),
    )
    return refusal_warnings(refusals)


def refusal_warnings(refusals: list[Refusal]) -> list[dict]:
    """One warning per member and reason."""
    out, seen = [], set()
    for r in refusals:
        if (r.member_id, r.reason) in seen:
            continue
        seen.add((r.member_id, r.reason))
        ja, en = REFUSAL_MESSAGES.get(
            r.reason,
            ("この構成員には鍵を渡せませんでした。", "No key could be given to this member."),
        )
        out.append(
            {"code": f"grant_{r.reason}", "message": ja, "message_en": en, "member_id": r.member_id}
        )
    return out


def revoke_for_withdrawal(ctx: KeyContext, case: Case) -> list[dict]:
    """Consent withdrawn: drop jusou and tax wraps; reseal tax for escrow alone."""
    records = [case, *case_items(ctx.session, case.id)]
    # Open first: the tax text must be sealed again under a key nobody else holds.
    opened = open_records(ctx, records, (CONTENT, TAX), KINDS)
    ctx.session.execute(
        delete(Wrap).where(
            Wrap.record_id.in_([r.id for r in records]),
            or_(
                Wrap.audience == TAX, (Wrap.conference_kind == "jusou") & (Wrap.basis == "attendee")
            ),
        )
    )
    ctx.session.flush()
    warnings = []
    for rec in records:
        content, tax = opened.get((rec.id, CONTENT)), opened.get((rec.id, TAX))
        if content is None or tax is None:
            warnings.append(
                {
                    "code": "tax_not_resealed",
                    "message": (
                        "鍵がないため税情報を新しい鍵で封印し直せませんでした"
                        "（配布済みの鍵は削除しました）。"
                    ),
                    "message_en": (
                        "Could not reseal tax data under a new key (its wraps were deleted)."
                    ),
                }
            )
            continue
        seal(
            ctx,
            rec,
            {CONTENT: content, TAX: tax},
            {CONTENT: holders(ctx.session, rec, CONTENT), TAX: []},
        )
    return warnings[:1]


def drop_item_wraps(session: Session, item: AgendaItem) -> None:
    """An item leaves the agenda: every wrap of it goes."""
    session.execute(
        delete(Wrap).where(Wrap.record_id == item.id, Wrap.record_table == AgendaItem.__tablename__)
    )
