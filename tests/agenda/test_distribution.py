"""Distribution (配布): members read an agenda only as the coordinator checked and handed it out.

Suspects are taken from what the redactor says of each text at test time (its model is
retrained now and then), never from hard-coded offsets.
"""

from __future__ import annotations

import json

from sqlalchemy import select

from agenda.base import AuditEntry
from kasane_shared.redaction import find_tax_spans, mask
from kasane_shared.redaction.suspects import find_suspects
from kasane_shared.text_check import check_locked
from tests.agenda import scenario as sc
from tests.helpers import assert_problem

# Sentences near tax data whose clear parts the redactor flags (which parts, and how many,
# change as its model learns): a text is built from them until it has enough suspects.
CANDIDATES = (
    "長男は先週収税課へ行ったが、差押と言われたと話している。",
    "電気料金の滞納もある。",
    "祖母の軽自動車税が未納との話もある。",
    "母は国民健康保険料の支払いに困っている。",
    "税務課から聞いた話では住民税の分納中。訪問しても応答がない。",
)
LATER = "追記センチネルL3。次回は家計の見直しを話し合う。"


def expected_suspects(text: str) -> list[list]:
    """What the check must list for a text nobody has decided on yet."""
    return [[s.start, s.end, s.reason] for s in find_suspects(text, find_tax_spans(text))]


def suspect_text(at_least: int = 2, prefix: str = "") -> str:
    """A text the redactor flags at least ``at_least`` times today."""
    text = prefix
    for sentence in CANDIDATES:
        text += sentence
        if len(expected_suspects(text)) >= at_least:
            return text
    raise AssertionError("the redactor no longer flags these sentences: add clearer ones")


CLEAR = suspect_text()


def locked_suspect_text() -> str:
    """A text whose masked form, all a reader without the tax key sees, still has a suspect."""
    text = ""
    for sentence in CANDIDATES:
        text += sentence
        if check_locked("case", "-", "notes", mask(text, find_tax_spans(text))).suspects:
            return text
    raise AssertionError("no suspect is left once these sentences are masked: add clearer ones")


def _meeting(coordinator, people, *, notes: str | None = None, briefing: str | None = None):
    case = coordinator.ok(
        coordinator.post("/cases", sc.case_body(people, **({"notes": notes} if notes else {}))),
        201,
    )
    m1 = people.members["demo-member-1"]
    meeting = coordinator.ok(
        coordinator.post("/meetings", sc.meeting_body("shien", [{"member_id": m1}])), 201
    )
    extra = {"briefing": briefing} if briefing is not None else {}
    item = coordinator.ok(
        coordinator.post(
            f"/meetings/{meeting['id']}/items", sc.item_body(case["id"], "shien", **extra)
        ),
        201,
    )
    return case, meeting, item


def _field(check: dict, record: str, name: str) -> dict:
    return next(
        f
        for i in check["items"]
        for f in i["fields"]
        if f["record"] == record and f["field"] == name
    )


def _actions(suite) -> list[AuditEntry]:
    with suite.dbs["agenda"].session() as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
        session.expunge_all()
        return list(entries)


def test_members_see_nothing_before_the_first_distribution(coordinator, people, api):
    _, meeting, item = _meeting(coordinator, people)
    member = api("demo-member-1")
    before = member.get(f"/meetings/{meeting['id']}/agenda")
    body = member.ok(before)
    assert body["distributed"] is False and body["items"] == []
    assert body["notice"] == "議題は配布前です。"
    assert body["meeting"]["title"] == "支援会議" and body["meeting"]["place"]
    for sentinel in sc.ALL_SENTINELS:
        assert sentinel not in before.text, sentinel
    check = coordinator.ok(coordinator.get(f"/meetings/{meeting['id']}/distribution"))
    assert check["status"] == "draft" and check["distributed_at"] is None
    assert [(i["item_id"], i["distributed"]) for i in check["items"]] == [(item["id"], False)]

    done = coordinator.distribute(meeting["id"])
    assert done["status"] == "distributed" and done["unresolved"] == 0
    after = member.ok(member.get(f"/meetings/{meeting['id']}/agenda"))
    assert after["distributed"] is True and after["meeting"]["title"] == sc.MEETING_TITLE
    [shown] = after["items"]
    assert shown["id"] == item["id"] and shown["title"] == sc.TITLE and shown["redacted"] is None
    listed = member.ok(member.get("/meetings"))
    assert listed[0]["distribution_status"] == "distributed" and listed[0]["distributed_at"]


def test_an_item_changed_or_added_later_is_updating_until_distributed_again(
    coordinator, people, api
):
    case, meeting, item = _meeting(coordinator, people)
    coordinator.distribute(meeting["id"])
    member, mid = api("demo-member-1"), meeting["id"]
    # The same text again changes nothing members read.
    same = sc.item_body(case["id"], "shien")["briefing"]
    coordinator.ok(coordinator.patch(f"/meetings/{mid}/items/{item['id']}", {"briefing": same}))
    coordinator.ok(coordinator.patch(f"/cases/{case['id']}", {"title": sc.TITLE}))
    assert member.ok(member.get(f"/meetings/{mid}/agenda"))["items"][0]["redacted"] is None
    assert coordinator.ok(coordinator.get(f"/meetings/{mid}"))["distribution_status"] == (
        "distributed"
    )

    coordinator.ok(coordinator.patch(f"/meetings/{mid}/items/{item['id']}", {"briefing": LATER}))
    other = coordinator.ok(coordinator.post("/cases", sc.case_body(people, title="別の事例")), 201)
    added = coordinator.ok(
        coordinator.post(f"/meetings/{mid}/items", sc.item_body(other["id"], "shien")), 201
    )
    response = member.get(f"/meetings/{mid}/agenda")
    view = member.ok(response)
    assert [(i["id"], i["redacted"]) for i in view["items"]] == [
        (item["id"], "updating"),
        (added["id"], "updating"),
    ]
    assert {i["status_label"] for i in view["items"]} == {"更新中"}
    for hidden in (LATER, "別の事例", sc.BRIEF_GENERAL, sc.TITLE):
        assert hidden not in response.text
    assert coordinator.ok(coordinator.get(f"/meetings/{mid}"))["distribution_status"] == "changed"
    check = coordinator.ok(coordinator.get(f"/meetings/{mid}/distribution"))
    assert check["status"] == "changed"
    assert [i["distributed"] for i in check["items"]] == [False, False]

    coordinator.distribute(mid)
    again = member.ok(member.get(f"/meetings/{mid}/agenda"))
    assert [i["redacted"] for i in again["items"]] == [None, None]
    assert again["items"][0]["briefing"] == LATER and again["items"][1]["title"] == "別の事例"
    # A case rewritten later hides every item of it, here as anywhere.
    coordinator.ok(coordinator.patch(f"/cases/{case['id']}", {"title": "改題センチネルT8"}))
    later = member.get(f"/meetings/{mid}/agenda")
    assert member.ok(later)["items"][0]["redacted"] == "updating"
    assert "改題センチネルT8" not in later.text


def test_suspects_block_distribution_until_kept_or_masked(suite, coordinator, people, api):
    expected = expected_suspects(CLEAR)
    case, meeting, _ = _meeting(coordinator, people, notes=CLEAR)
    mid = meeting["id"]
    check = coordinator.ok(coordinator.get(f"/meetings/{mid}/distribution"))
    notes = _field(check, "case", "notes")
    assert notes["text"] == CLEAR and notes["suspects"] == expected
    assert all(reason for _, _, reason in notes["suspects"]) and not notes["locked"]
    fields = [f for i in check["items"] for f in i["fields"]]
    assert [(f["record"], f["field"]) for f in fields] == [
        ("case", "title"),
        ("case", "summary"),
        ("case", "notes"),
        ("item", "briefing"),
    ]
    assert check["unresolved"] == sum(len(expected_suspects(f["text"])) for f in fields)
    refused = assert_problem(coordinator.post(f"/meetings/{mid}/distribute"), 409)
    assert refused["code"] == "unresolved_suspects" and "疑い箇所" in refused["detail"]
    assert (
        api("demo-member-1").ok(api("demo-member-1").get(f"/meetings/{mid}/agenda"))["distributed"]
        is False
    )

    (k_start, k_end, _), (m_start, m_end, _) = expected[0], expected[1]
    path = f"/cases/{case['id']}/tax-marks"
    coordinator.ok(
        coordinator.post(path, {"field": "notes", "action": "keep", "start": k_start, "end": k_end})
    )
    coordinator.ok(
        coordinator.post(path, {"field": "notes", "action": "mark", "start": m_start, "end": m_end})
    )
    check = coordinator.ok(coordinator.get(f"/meetings/{mid}/distribution"))
    notes = _field(check, "case", "notes")
    open_ranges = [(s, e) for s, e, _ in notes["suspects"]]
    assert (k_start, k_end) not in open_ranges and (m_start, m_end) not in open_ranges
    [kept] = notes["kept"]
    coordinator_id = people.members["demo-coordinator"]
    assert kept[:3] == [k_start, k_end, coordinator_id] and kept[3].startswith("20")
    assert any(s <= m_start and m_end <= e for s, e, _ in notes["masked"])
    coordinator.distribute(mid)
    view = api("demo-member-1").ok(api("demo-member-1").get(f"/meetings/{mid}/agenda"))
    shown = view["items"][0]["notes"]
    assert CLEAR[k_start:k_end] in shown and "［税情報］" in shown
    assert CLEAR[m_start:m_end] not in shown

    entries = _actions(suite)
    by_action = {e.action: e for e in entries}
    assert by_action["case.tax_keep"].details == {"field": "notes", "start": k_start, "end": k_end}
    assert by_action["case.tax_keep"].actor_id == coordinator_id
    assert by_action["case.tax_mark"].details["start"] == m_start
    distributed = [e for e in entries if e.action == "meeting.distribute"]
    assert distributed[-1].target_id == mid and distributed[-1].details["first"] is True
    details = json.dumps([e.details for e in entries], ensure_ascii=False)
    for phrase in (CLEAR[k_start:k_end], CLEAR[m_start:m_end], *sc.ALL_SENTINELS):
        assert phrase not in details


def test_item_suspects_kept_leave_the_case_fields_to_decide(coordinator, people):
    expected = expected_suspects(CLEAR)
    _, meeting, item = _meeting(coordinator, people, briefing=CLEAR)
    mid, path = meeting["id"], f"/meetings/{meeting['id']}/items/{item['id']}/tax-marks"
    for start, end, _ in expected:
        body = {"field": "briefing", "action": "keep", "start": start, "end": end}
        coordinator.ok(coordinator.post(path, body))
    check = coordinator.ok(coordinator.get(f"/meetings/{mid}/distribution"))
    briefing = _field(check, "item", "briefing")
    assert briefing["suspects"] == [] and len(briefing["kept"]) == len(expected)
    fields = [f for i in check["items"] for f in i["fields"]]
    assert check["unresolved"] == sum(len(f["suspects"]) for f in fields)
    coordinator.distribute(mid)


def test_decisions_hold_while_the_text_is_unchanged(coordinator, people):
    expected = expected_suspects(CLEAR)
    case, meeting, _ = _meeting(coordinator, people, notes=CLEAR)
    path = f"/cases/{case['id']}/tax-marks"
    for start, end, _ in expected:
        coordinator.ok(
            coordinator.post(path, {"field": "notes", "action": "keep", "start": start, "end": end})
        )
    url = f"/meetings/{meeting['id']}/distribution"
    assert _field(coordinator.ok(coordinator.get(url)), "case", "notes")["suspects"] == []
    coordinator.ok(coordinator.patch(f"/cases/{case['id']}", {"notes": CLEAR, "title": "新題"}))
    assert _field(coordinator.ok(coordinator.get(url)), "case", "notes")["suspects"] == []
    rewritten = CLEAR + "本人は落ち着いている。"
    coordinator.ok(coordinator.patch(f"/cases/{case['id']}", {"notes": rewritten}))
    notes = _field(coordinator.ok(coordinator.get(url)), "case", "notes")
    assert notes["kept"] == [] and notes["suspects"] == expected_suspects(rewritten)


def test_a_field_nobody_can_open_in_full_waits_for_a_rewrite(coordinator, people):
    """After a withdrawal even the author lost the tax key: what members would read is checked."""
    case, meeting, item = _meeting(coordinator, people, notes=locked_suspect_text())
    consent = coordinator.ok(
        coordinator.post(
            f"/cases/{case['id']}/consents",
            {
                "obtained_on": "2026-04-01",
                "organization_ids": [people.organizations["council"]],
                "covers_tax": True,
            },
        ),
        201,
    )
    coordinator.ok(coordinator.post(f"/cases/{case['id']}/consents/{consent['id']}/withdraw", {}))
    url = f"/meetings/{meeting['id']}/distribution"
    notes = _field(coordinator.ok(coordinator.get(url)), "case", "notes")
    assert notes["locked"] is True and notes["suspects"]
    assert all("全文" in reason for _, _, reason in notes["suspects"])
    start, end, _ = notes["suspects"][0]
    assert_problem(
        coordinator.post(
            f"/cases/{case['id']}/tax-marks",
            {"field": "notes", "action": "keep", "start": start, "end": end},
        ),
        409,
        "tax_access_required",
    )
    assert_problem(coordinator.post(f"/meetings/{meeting['id']}/distribute"), 409)
    coordinator.ok(
        coordinator.patch(
            f"/cases/{case['id']}",
            {
                "title": "訪問を続ける世帯",
                "summary": "状況は安定している。",
                "notes": "次回も訪問する。",
                "tax_notes": "",
            },
        )
    )
    coordinator.ok(
        coordinator.patch(
            f"/meetings/{meeting['id']}/items/{item['id']}", {"briefing": "前回の続き。"}
        )
    )
    coordinator.distribute(meeting["id"])
