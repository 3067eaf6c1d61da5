"""Calendar invitations: parsed back, folded at 75 octets, CRLF, escaped, in UTC."""

from __future__ import annotations

import inspect
import re
from datetime import UTC, datetime

import pytest

from agenda.scheduling import JST, SchedulingError, render_invitation
from agenda.scheduling.ics import escape_text, fold

STAMP = datetime(2027, 1, 10, 8, 0, tzinfo=UTC)
LONG_TITLE = (
    "重層的支援会議（第12回）令和9年1月26日開催分・多機関協働事業・社会福祉協議会主催・定例"
)
LONG_PLACE = (
    "市役所本庁舎3階 第1会議室（東側エレベーター前）、"
    "分室：保健福祉センター2階 研修室; 駐車場はございません"
)


def invite(**kwargs) -> bytes:
    base = {
        "uid": "meeting-42@kasane",
        "starts_at": datetime(2027, 1, 26, 14, 0, tzinfo=JST),
        "ends_at": datetime(2027, 1, 26, 15, 30, tzinfo=JST),
        "title": "支援会議 1月26日",
        "location": "市役所本庁舎3階 第1会議室",
        "online_url": None,
        "organizer_name": "福祉企画室",
        "attendee_name": "山田 花子",
        "stamp": STAMP,
    }
    return render_invitation(**{**base, **kwargs})


def unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def parse(data: bytes) -> list[tuple[str, str, str]]:
    """(name, params, raw value) per content line, after unfolding."""
    text = data.decode("utf-8")
    assert text.endswith("\r\n")
    unfolded = re.sub(r"\r\n[ \t]", "", text)
    rows = []
    for line in unfolded.split("\r\n")[:-1]:
        # The value starts after the first colon outside a quoted parameter value.
        head = re.match(r'([A-Z-]+)((?:;[A-Z-]+=(?:"[^"]*"|[^;:"]*))*):', line)
        assert head, line
        rows.append((head.group(1), head.group(2), line[head.end() :]))
    return rows


def fields(data: bytes) -> dict[str, str]:
    return {name: unescape(value) for name, _, value in parse(data)}


def test_request_fields_round_trip():
    got = fields(invite(online_url="https://meet.example.jp/r/abc?x=1,2", sequence=3))
    assert got["PRODID"] == "-//Kasane//Kasane 0.1//JA"
    assert got["VERSION"] == "2.0"
    assert got["METHOD"] == "REQUEST"
    assert got["UID"] == "meeting-42@kasane"
    assert got["SEQUENCE"] == "3"
    assert got["DTSTART"] == "20270126T050000Z"
    assert got["DTEND"] == "20270126T063000Z"
    assert got["DTSTAMP"] == "20270110T080000Z"
    assert got["SUMMARY"] == "支援会議 1月26日"
    assert got["LOCATION"] == "市役所本庁舎3階 第1会議室"
    assert "https://meet.example.jp/r/abc?x=1,2" in got["DESCRIPTION"]
    assert got["STATUS"] == "CONFIRMED"
    assert got["CLASS"] == "PRIVATE"


def test_structure_is_one_event_in_one_calendar():
    rows = [(name, value) for name, _, value in parse(invite())]
    assert rows[0] == ("BEGIN", "VCALENDAR") and rows[-1] == ("END", "VCALENDAR")
    assert rows.count(("BEGIN", "VEVENT")) == 1 and rows.count(("END", "VEVENT")) == 1


def test_cancellation():
    got = fields(invite(cancelled=True, sequence=4))
    assert (got["METHOD"], got["STATUS"], got["SEQUENCE"]) == ("CANCEL", "CANCELLED", "4")


def test_optional_location_and_url_are_left_out():
    got = fields(invite(location=None))
    assert "LOCATION" not in got and "DESCRIPTION" not in got


def test_organizer_and_attendee_names_are_quoted_params():
    rows = {
        name: params for name, params, _ in parse(invite(attendee_name='山田 "花子"; 係長, 主任'))
    }
    assert rows["ORGANIZER"] == ';CN="福祉企画室"'
    assert rows["ATTENDEE"].startswith(""";CN="山田 ^'花子^'; 係長, 主任";""")


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("a,b", "a\\,b"),
        ("a;b", "a\\;b"),
        ("a\\b", "a\\\\b"),
        ("a\nb", "a\\nb"),
        ("a\r\nb", "a\\nb"),
        ("\\n", "\\\\n"),
        ("a\x07b", "ab"),
    ],
)
def test_text_escaping(raw, escaped):
    assert escape_text(raw) == escaped


def test_escaped_values_parse_back():
    tricky = "会議室A,B; 2階\\別館\n（受付で「支援会議」とお伝えください）"
    assert fields(invite(location=tricky))["LOCATION"] == tricky
    assert fields(invite(title="支援会議, 第2回; 定例"))["SUMMARY"] == "支援会議, 第2回; 定例"


def test_lines_are_crlf_and_at_most_75_octets():
    data = invite(
        title=LONG_TITLE * 3,
        location=LONG_PLACE * 2,
        online_url="https://meet.example.jp/" + "x" * 200,
        attendee_name="寿限無寿限無五劫の擦り切れ" * 4,
    )
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert b"\r" not in data.replace(b"\r\n", b"")
    for line in data.split(b"\r\n")[:-1]:
        assert len(line) <= 75
        line.decode("utf-8")  # no multi-byte character split across a fold
    got = fields(data)
    assert got["SUMMARY"] == LONG_TITLE * 3
    assert got["LOCATION"] == LONG_PLACE * 2


@pytest.mark.parametrize(
    "text", ["a" * 200, "あ" * 100, "a" + "あ" * 100, "ab" + "🙂" * 60, "x" * 75, "x" * 76]
)
def test_fold_boundaries(text):
    folded = fold("SUMMARY:" + text).encode("utf-8")
    pieces = folded.split(b"\r\n")[:-1]
    assert all(len(p) <= 75 for p in pieces)
    assert all(p.startswith(b" ") for p in pieces[1:])
    assert b"".join([pieces[0], *(p[1:] for p in pieces[1:])]).decode("utf-8") == "SUMMARY:" + text
    # folds only when needed: every piece but the last is full to within one character
    assert all(len(p) > 71 for p in pieces[:-1])


def test_times_from_any_zone_are_written_in_utc():
    got = fields(
        invite(
            starts_at=datetime(2027, 1, 26, 5, 0, tzinfo=UTC),
            ends_at=datetime(2027, 1, 26, 6, 0, tzinfo=UTC),
        )
    )
    assert (got["DTSTART"], got["DTEND"]) == ("20270126T050000Z", "20270126T060000Z")
    # a meeting at 08:00 JST falls on the previous day in UTC
    early = fields(
        invite(
            starts_at=datetime(2027, 1, 26, 8, 0, tzinfo=JST),
            ends_at=datetime(2027, 1, 26, 9, 0, tzinfo=JST),
        )
    )
    assert early["DTSTART"] == "20270125T230000Z"


def test_no_parameter_can_carry_case_data():
    params = set(inspect.signature(render_invitation).parameters)
    assert params == {
        "uid",
        "starts_at",
        "ends_at",
        "title",
        "location",
        "online_url",
        "organizer_name",
        "attendee_name",
        "sequence",
        "cancelled",
        "stamp",
    }


@pytest.mark.parametrize(
    "kwargs",
    [
        {"starts_at": datetime(2027, 1, 26, 14)},
        {"stamp": datetime(2027, 1, 10)},
        {"ends_at": datetime(2027, 1, 26, 14, 0, tzinfo=JST)},
        {"uid": ""},
        {"uid": "a\r\nATTENDEE:x"},
        {"title": " "},
        {"online_url": "javascript:alert(1)"},
        {"online_url": "https://a.example/\r\nX-INJECT:1"},
        {"sequence": -1},
        {"attendee_name": None},
        {"location": 3},
    ],
)
def test_bad_input_is_refused(kwargs):
    with pytest.raises(SchedulingError):
        invite(**kwargs)


def test_newlines_cannot_inject_properties():
    data = invite(
        title="支援会議\r\nATTENDEE:mailto:evil@example.com", attendee_name='x"\r\nX-EVIL:1'
    )
    names = [name for name, _, _ in parse(data)]
    assert names.count("ATTENDEE") == 1 and "X-EVIL" not in names
