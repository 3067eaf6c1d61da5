"""Without a valid pledge the minutes are refused (403 with the reason), not trimmed.

Each row takes one pledge state (none, expired, revoked) of an invitee recorded as attending
approved minutes, then walks THE table of minutes endpoints: every one answers 403
``no_pledge`` in Japanese, and no response holds the meeting's title, case or item ids, the
purpose, attendees' ids or names, the approver or the content hash.
"""

from __future__ import annotations

import io
import zipfile

import pytest

from tests.agenda import scenario as sc
from tests.helpers import approve_minutes, assert_problem, auth

SAID = "議事センチネルN7"
MEMBERS = {"none": "demo-member-4", "expired": "demo-member-2", "revoked": "demo-member-3"}
INVITED = ("demo-member-1", "demo-member-2", "demo-member-3", "demo-member-4")
# attendees and the approver, as the Word copy names them
NAMES = {
    "demo-member-1": "社協 二郎",
    "demo-member-2": "包括 三枝",
    "demo-member-3": "長寿 四郎",
    "demo-member-4": "民生 五月",
    "demo-coordinator": "調整 一郎",
}
ENDPOINTS = [
    ("GET", "/minutes", None),
    ("GET", "/minutes?version=1", None),
    ("GET", "/minutes.docx", None),
    ("GET", "/minutes.docx?version=1", None),
    ("GET", "/minutes/versions", None),
    ("GET", "/minutes/comments", None),
    ("POST", "/minutes/confirmations", None),
    ("POST", "/minutes/comments", {"text": "コメント"}),
]


def _approved(suite, coordinator, people, tokens) -> dict[str, str]:
    attendees = [{"member_id": people.members[m], "required": True} for m in INVITED]
    case = coordinator.ok(coordinator.post("/cases", sc.case_body(people)), 201)
    meeting = coordinator.ok(
        coordinator.post("/meetings", sc.meeting_body("shien", attendees)), 201
    )
    item = coordinator.ok(
        coordinator.post(
            f"/meetings/{meeting['id']}/items",
            sc.item_body(case["id"], "shien", purpose="emergency"),
        ),
        201,
    )
    coordinator.distribute(meeting["id"])
    headers = auth(tokens["demo-coordinator"])
    base = f"/minutes/meetings/{meeting['id']}/minutes"
    body = {
        "attendance": [people.members[m] for m in INVITED],
        "items": [{"agenda_item_id": item["id"], "discussion": SAID, "decisions": SAID}],
    }
    approved = approve_minutes(suite.client, headers, base, body)
    return {
        "meeting": meeting["id"],
        "case": case["id"],
        "number": case["number"],
        "item": item["id"],
        "hash": approved["content_hash"],
    }


def _call(suite, token: str, world: dict[str, str], method: str, path: str, json=None):
    url = f"/minutes/meetings/{world['meeting']}{path}"
    return suite.client.request(method, url, json=json, headers=auth(token))


def _text(response) -> str:
    """The whole response as text: a Word copy's XML parts, or the body itself."""
    if response.content[:2] != b"PK":
        return response.text
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        return "".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())


def _secrets(world: dict[str, str], people, reader: str) -> list[str]:
    others = [people.members[m] for m in (*INVITED, "demo-coordinator") if m != reader]
    return [
        sc.MEETING_TITLE,
        world["case"],
        world["number"],
        world["item"],
        world["hash"],
        "emergency",
        "緊急対応",
        SAID,
        *others,
        *[name for login, name in NAMES.items() if login != reader],
        *sc.ALL_SENTINELS,
    ]


@pytest.mark.parametrize("pledge", list(MEMBERS))
def test_minutes_refused_without_a_pledge(suite, people, tokens, coordinator, pledge):
    world = _approved(suite, coordinator, people, tokens)
    login = MEMBERS[pledge]
    if pledge == "expired":
        sc.expire_pledges(suite, people.members[login])
    elif pledge == "revoked":
        sc.revoke_pledges(suite, people.members[login], tokens[login])
    for method, path, json in ENDPOINTS:
        response = _call(suite, tokens[login], world, method, path, json)
        body = assert_problem(response, 403, "no_pledge")
        assert "誓約書" in body["detail"] and "支援会議" in body["detail"], (path, body)
        for secret in _secrets(world, people, login):
            assert secret not in response.text, (method, path, secret)


def test_with_a_pledge_the_same_endpoints_hold_what_is_searched(suite, people, tokens, coordinator):
    """The searches above find what is there: an attendee with a pledge reads it all."""
    world = _approved(suite, coordinator, people, tokens)
    token = tokens["demo-member-1"]
    view = _call(suite, token, world, "GET", "/minutes")
    assert view.status_code == 200, view.text
    for shown in (world["case"], world["item"], world["hash"], "emergency", SAID):
        assert shown in view.text, shown
    copy = _text(_call(suite, token, world, "GET", "/minutes.docx"))
    for shown in ("長寿 四郎", "調整 一郎", "緊急対応", world["hash"]):
        assert shown in copy, shown
    assert world["hash"] in _call(suite, token, world, "GET", "/minutes/versions").text
