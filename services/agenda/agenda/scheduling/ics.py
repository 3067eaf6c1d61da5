"""Calendar invitations (RFC 5545 iCalendar, iTIP METHOD REQUEST/CANCEL) for one attendee.

An invitation leaves Kasane's protection: it lands in mail systems and shared calendars.
It therefore carries time and place only. There is deliberately no parameter for case
data, a description or notes; ``title`` must be neutral (e.g. 「支援会議 4月22日」), never
a person's name, a household or an issue. CLASS:PRIVATE asks calendars to hide even that
from people who can see the attendee's calendar.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from .common import SchedulingError, is_int, require_aware

PRODID = "-//Kasane//Kasane 0.1//JA"
MAX_OCTETS = 75
# Kasane keeps no e-mail addresses, but iTIP needs a cal-address: these stand in.
ORGANIZER_ADDRESS = "urn:kasane:organizer"
ATTENDEE_ADDRESS = "urn:kasane:attendee"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_URL = re.compile(r"https?://[^\s\x00-\x1f\x7f]+")


def escape_text(value: str) -> str:
    """RFC 5545 TEXT escaping; other control characters (not allowed in TEXT) are dropped."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
    return _CONTROL.sub("", value)


def _param(value: str) -> str:
    """A quoted parameter value, with RFC 6868 caret encoding for ^, newline and DQUOTE."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = value.replace("^", "^^").replace("\n", "^n").replace('"', "^'")
    return '"' + _CONTROL.sub("", value) + '"'


def fold(line: str) -> str:
    """Fold a content line at 75 octets of UTF-8, never inside a character, CRLF-terminated."""
    parts: list[str] = []
    current, size = "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > MAX_OCTETS:
            parts.append(current)
            # The continuation's leading space counts towards its 75 octets.
            current, size = " ", 1
        current += char
        size += width
    parts.append(current)
    return "\r\n".join(parts) + "\r\n"


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _check(
    uid: str,
    starts_at: datetime,
    ends_at: datetime,
    title: str,
    online_url: str | None,
    sequence: int,
    stamp: datetime,
    texts: tuple[object, ...],
) -> None:
    if not all(isinstance(text, str) for text in texts):
        raise SchedulingError(
            "件名・場所・氏名は文字列で指定してください。",
            "title, location and names must be strings.",
        )
    for name, moment in (("starts_at", starts_at), ("ends_at", ends_at), ("stamp", stamp)):
        require_aware(moment, name)
    if not ends_at > starts_at:
        raise SchedulingError(
            "終了日時は開始日時より後にしてください。", "ends_at must be after starts_at."
        )
    if not isinstance(uid, str) or not uid.strip() or _CONTROL.search(uid) or "\n" in uid:
        raise SchedulingError("UIDが正しくありません。", "uid must be a non-empty single line.")
    if not isinstance(title, str) or not title.strip():
        raise SchedulingError("件名を入力してください。", "title must not be empty.")
    if online_url is not None and not _URL.fullmatch(online_url):
        raise SchedulingError(
            "オンライン会議のURLが正しくありません。", "online_url must be an http(s) URL."
        )
    if not is_int(sequence) or sequence < 0:
        raise SchedulingError(
            "SEQUENCEは0以上の整数にしてください。", "sequence must be a non-negative integer."
        )


def render_invitation(
    *,
    uid: str,
    starts_at: datetime,
    ends_at: datetime,
    title: str,
    location: str | None,
    online_url: str | None,
    organizer_name: str,
    attendee_name: str,
    sequence: int = 0,
    cancelled: bool = False,
    stamp: datetime,
) -> bytes:
    """One VEVENT invitation (or cancellation) as UTF-8 iCalendar; ``title`` must be neutral."""
    texts = (title, location or "", organizer_name, attendee_name)
    _check(uid, starts_at, ends_at, title, online_url, sequence, stamp, texts)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        f"METHOD:{'CANCEL' if cancelled else 'REQUEST'}",
        "BEGIN:VEVENT",
        f"UID:{escape_text(uid)}",
        f"DTSTAMP:{_utc(stamp)}",
        f"SEQUENCE:{sequence}",
        f"DTSTART:{_utc(starts_at)}",
        f"DTEND:{_utc(ends_at)}",
        f"SUMMARY:{escape_text(title)}",
    ]
    if location:
        lines.append(f"LOCATION:{escape_text(location)}")
    if online_url:
        lines.append(f"DESCRIPTION:{escape_text('オンライン参加: ' + online_url)}")
    lines += [
        f"ORGANIZER;CN={_param(organizer_name)}:{ORGANIZER_ADDRESS}",
        f"ATTENDEE;CN={_param(attendee_name)};ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION:{ATTENDEE_ADDRESS}",
        f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
        "CLASS:PRIVATE",
        "TRANSP:OPAQUE",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(fold(line) for line in lines).encode("utf-8")
