"""Warnings on a meeting's invitees and agenda: no pledge, outside consent scope, over time."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from agenda import access
from agenda.keys.service import KeyContext
from agenda.meetings.models import AgendaItem, Meeting
from agenda.meetings.service import attendees_of, meeting_case_ids
from agenda.schemas_common import KIND_LABELS


def pledge_warnings(ctx: KeyContext, kind: str, member_ids: list[str]) -> list[dict]:
    """Invitees without a valid pledge for the kind see time and place only."""
    if not member_ids:
        return []
    status = ctx.identity.pledge_status(ctx.caller.token, kind, member_ids)
    return [
        {
            "code": "no_pledge",
            "message": (
                f"有効な誓約書（{KIND_LABELS[kind]}）がない構成員です。"
                "日時と場所しか表示されません。"
            ),
            "message_en": (
                "This invitee has no valid pledge for this conference kind "
                "and will see only time and place."
            ),
            "member_id": m,
        }
        for m in dict.fromkeys(member_ids)
        if not status.get(m, False)
    ]


def _dedupe(warnings: list[dict]) -> list[dict]:
    seen, out = set(), []
    for w in warnings:
        key = (w["code"], w.get("member_id"), w.get("organization_id"))
        if key not in seen:
            seen.add(key)
            out.append(w)
    return out


def item_warnings(ctx: KeyContext, meeting: Meeting, case_id: str) -> list[dict]:
    """Scope, pledge and time warnings for a meeting's invitees of a case."""
    invited = [a for a in attendees_of(ctx.session, meeting.id) if access.attends_for(a, case_id)]
    warnings = scope_warnings(ctx, meeting, [a.member_id for a in invited], case_ids=[case_id])
    warnings += pledge_warnings(ctx, meeting.kind, [a.member_id for a in invited])
    return warnings + time_warnings(ctx.session, meeting)


def scope_warnings(
    ctx: KeyContext, meeting: Meeting, member_ids: list[str], case_ids: list[str] | None = None
) -> list[dict]:
    """重層: invitees whose organization is outside a case's consent scope see the item redacted."""
    if meeting.kind != "jusou":
        return []
    out = []
    rows = {a.member_id: a for a in attendees_of(ctx.session, meeting.id)}
    for case_id in case_ids or meeting_case_ids(ctx.session, meeting.id):
        consent = access.active_consent(ctx.session, case_id)
        for member_id in member_ids:
            a = rows.get(member_id)
            if (
                a is None
                or not access.attends_for(a, case_id)
                or access.in_scope(consent, a.organization_id)
            ):
                continue
            out.append(
                {
                    "code": "outside_consent_scope",
                    "message": (
                        "この構成員の所属組織は本人同意の範囲外です。この議題は伏せて表示されます。"
                    ),
                    "message_en": (
                        "This invitee's organization is outside the consent's scope; "
                        "the item will be redacted for them."
                    ),
                    "member_id": member_id,
                    "organization_id": a.organization_id,
                }
            )
    return out


def time_warnings(session: Session, meeting: Meeting) -> list[dict]:
    """The allotted minutes must fit the meeting (or its 支援会議 segment)."""
    total = (
        session.scalar(
            select(func.coalesce(func.sum(AgendaItem.minutes), 0)).where(
                AgendaItem.meeting_id == meeting.id
            )
        )
        or 0
    )
    begin, end = (
        (meeting.segment_starts_at, meeting.segment_ends_at)
        if meeting.segment_body
        else (meeting.starts_at, meeting.ends_at)
    )
    length = int((end - begin).total_seconds() // 60)
    if total <= length:
        return []
    return [
        {
            "code": "over_time",
            "message": (
                f"議題の割当時間の合計（{total}分）が会議の長さ（{length}分）を超えています。"
            ),
            "message_en": f"Allotted minutes ({total}) exceed the meeting length ({length}).",
        }
    ]
