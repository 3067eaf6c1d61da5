"""The caller's Word copy: their own view of the minutes, rendered, stamped and audited."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from kasane_shared.auth.deps import Caller
from kasane_shared.custody import IdentityClient
from kasane_shared.db import new_id, utcnow
from kasane_shared.errors import conflict
from minutes.agenda_client import AgendaClient
from minutes.audit import record
from minutes.export import AttendanceRow, ItemSection, MinutesDocument, RoleRow, render_minutes_docx
from minutes.meeting_minutes.schemas import ItemOut, MinutesOut
from minutes.meeting_minutes.reading import caller_view

TITLES = {"shien": "支援会議 会議録", "jusou": "重層的支援会議 会議録"}
NOTICES = {
    "consent_scope": "本人の同意の範囲外のため、この議題の内容は表示されません。",
    "no_pledge": "誓約書が未提出のため、この議題の内容は表示されません。",
    "not_attending": "この議題には招集されていないため、内容は表示されません。",
}


def _parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _section(item: ItemOut, case_titles: dict[str, str], org_names: dict[str, str]) -> ItemSection:
    heading = f"議題{item.position} {item.purpose_label}"
    if item.redacted:
        return ItemSection(
            order=item.position,
            heading=heading,
            purpose_label=item.purpose_label,
            notice=NOTICES[item.redacted],
        )
    return ItemSection(
        order=item.position,
        heading=heading,
        purpose_label=item.purpose_label,
        case_label=case_titles.get(item.case_id or ""),
        discussion=item.discussion,
        decisions=item.decisions,
        roles=[
            RoleRow(org_names.get(r.organization_id, "（不明な機関）"), r.duty, r.due)
            for r in item.roles
        ],
        monitoring_on=item.monitoring_on if isinstance(item.monitoring_on, date) else None,
        action_items=[a.text for a in item.action_items],
    )


def _host(meeting: dict, people: dict[str, dict], org_names: dict[str, str]) -> str | None:
    """主催: the meeting's host organization, else the organizing coordinator's own."""
    host = meeting.get("host_organization_id")
    if not host:
        host = people.get(meeting.get("organizer_id") or "", {}).get("organization_id")
    return org_names.get(host or "")


def build_document(
    view: MinutesOut,
    agenda_view: dict,
    members: list[dict],
    organizations: list[dict],
    recipient: str,
) -> MinutesDocument:
    """Map the caller's view (already limited to what they may read) onto the Word layout."""
    meeting = agenda_view["meeting"]
    org_names = {o["id"]: o["name"] for o in organizations}
    people = {m["id"]: m for m in members}
    case_titles = {i["case_id"]: i["title"] for i in agenda_view.get("items", []) if i.get("title")}
    present = [m for m in view.attendance if m in people]
    # Invited and not recorded as present: listed with × (the agenda lists invitees).
    invited = [i["member_id"] for i in meeting.get("invitees", [])]
    absent = [m for m in invited if m in people and m not in set(present)]
    attendance = [
        AttendanceRow(
            people[m]["display_name"],
            org_names.get(people[m]["organization_id"], ""),
            "構成員",
            m in present,
        )
        for m in [*present, *absent]
    ]
    return MinutesDocument(
        document_id=new_id()[:16].upper(),
        conference_kind=view.conference_kind,  # type: ignore[arg-type]
        title=TITLES[view.conference_kind],
        meeting_title=meeting["title"],
        starts_at=_parse(meeting["starts_at"]),  # type: ignore[arg-type]
        ends_at=_parse(meeting["ends_at"]),  # type: ignore[arg-type]
        place=meeting.get("place"),
        online=bool(meeting.get("online_url")),
        host_organization=_host(meeting, people, org_names),
        status="approved" if view.status == "superseded" else view.status,  # type: ignore[arg-type]
        version=view.version,
        approved_by=people.get(view.approved_by or "", {}).get("display_name"),
        approved_at=view.approved_at,
        content_hash=view.content_hash,
        attendance=attendance,
        items=[_section(i, case_titles, org_names) for i in view.items],
        next_meeting=view.next_meeting_at,
        recipient_name=recipient,
        issued_at=utcnow(),
    )


def export_docx(
    session: Session,
    identity: IdentityClient,
    agenda: AgendaClient,
    caller: Caller,
    meeting_id: str,
    version: int | None,
) -> tuple[bytes, MinutesDocument]:
    """The caller's redacted Word copy; every export is audited with its document id."""
    view = caller_view(
        session, identity, agenda, caller, meeting_id, version=version, audit=False, action="export"
    )
    if view.status == "new" or view.id is None:
        raise conflict("no_minutes", "会議録がまだ作成されていません。", "No minutes yet.")
    me = identity.me(caller.token)
    document = build_document(
        view,
        agenda.agenda_view(caller.token, meeting_id),
        identity.members(caller.token),
        identity.organizations(caller.token),
        me["display_name"],
    )
    content = render_minutes_docx(document)
    record(
        session,
        "minutes.export",
        caller.member_id,
        "minutes",
        view.id,
        version=view.version,
        document_id=document.document_id,
        format="docx",
    )
    return content, document
