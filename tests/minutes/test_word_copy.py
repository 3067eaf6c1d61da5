"""The Word copy as downloaded: its file name, 主催, absentees with ×, clean properties."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import quote

from docx import Document

from tests.agenda.scenario import MEETING_TITLE, case_body, item_body, meeting_body
from tests.helpers import auth, check_minutes

SAID = "議事センチネルW7"
DECIDED = "決定センチネルW8"


def _meeting(coordinator, people, **extra: Any) -> tuple[str, str]:
    case = coordinator.ok(coordinator.post("/cases", case_body(people)), 201)
    attendees = [
        {"member_id": people.members[m], "required": True}
        for m in ("demo-member-1", "demo-member-2", "demo-member-3")
    ]
    body = meeting_body("shien", attendees, starts_at="2026-12-22T10:00:00+09:00", **extra)
    body["ends_at"] = "2026-12-22T11:00:00+09:00"
    meeting = coordinator.ok(coordinator.post("/meetings", body), 201)
    item = coordinator.ok(
        coordinator.post(f"/meetings/{meeting['id']}/items", item_body(case["id"], "shien")), 201
    )
    return meeting["id"], item["id"]


def _approved_minutes(suite, tokens, people, meeting_id: str, item_id: str) -> None:
    headers = auth(tokens["demo-coordinator"])
    base = f"/minutes/meetings/{meeting_id}/minutes"
    draft = {
        # Member 3 was invited and did not come.
        "attendance": [people.members["demo-member-1"], people.members["demo-member-2"]],
        "items": [{"agenda_item_id": item_id, "discussion": SAID, "decisions": DECIDED}],
    }
    assert suite.client.put(base, json=draft, headers=headers).status_code == 200
    assert suite.client.post(f"{base}/submit", headers=headers).status_code == 200
    check_minutes(suite.client, headers, meeting_id)
    assert suite.client.post(f"{base}/approve", headers=headers).status_code == 200


def _download(suite, token: str, meeting_id: str):
    response = suite.client.get(f"/minutes/meetings/{meeting_id}/minutes.docx", headers=auth(token))
    assert response.status_code == 200, response.text
    return response


def _directory(suite, token: str) -> tuple[dict[str, dict], dict[str, str]]:
    members = suite.client.get("/identity/members", headers=auth(token)).json()
    orgs = suite.client.get("/identity/organizations", headers=auth(token)).json()
    return {m["id"]: m for m in members}, {o["id"]: o["name"] for o in orgs}


def _facts(document) -> dict[str, str]:
    """The 会議の概要 table: label → value."""
    facts = {}
    for table in document.tables:
        for row in table.rows:
            cells = [c.text for c in row.cells]
            if len(cells) == 2:
                facts[cells[0]] = cells[1]
    return facts


def _attendance(document) -> dict[str, str]:
    """The attendance table: name → ○ or ×."""
    for table in document.tables:
        if [c.text for c in table.rows[0].cells] == ["氏名", "所属", "区分", "出欠"]:
            return {row.cells[0].text: row.cells[3].text for row in table.rows[1:]}
    raise AssertionError("no attendance table")


def test_file_name_host_and_absentees(suite, coordinator, people, tokens):
    meeting_id, item_id = _meeting(coordinator, people)
    _approved_minutes(suite, tokens, people, meeting_id, item_id)
    members, org_names = _directory(suite, tokens["demo-coordinator"])
    me = people.members["demo-coordinator"]
    for login in ("demo-member-1", "demo-coordinator"):
        response = _download(suite, tokens[login], meeting_id)
        disposition = response.headers["content-disposition"]
        assert disposition.startswith("attachment; ")
        assert 'filename="2026-12-22_minutes.docx"' in disposition
        name = quote("令和8年12月22日_支援会議_会議録.docx", safe="")
        assert f"filename*=UTF-8''{name}" in disposition
        document = Document(io.BytesIO(response.content))
        # No meeting without a host: the organizing coordinator's own organization.
        assert _facts(document)["主催"] == org_names[members[me]["organization_id"]]
        marks = _attendance(document)
        name_of = {who: members[mid]["display_name"] for who, mid in people.members.items()}
        assert marks[name_of["demo-member-1"]] == "○"
        assert marks[name_of["demo-member-2"]] == "○"
        assert marks[name_of["demo-member-3"]] == "×"
        text = "\n".join(p.text for p in document.paragraphs)
        assert SAID in text and DECIDED in text
        props = document.core_properties
        public = [props.author, props.last_modified_by, props.title, props.subject]
        public += [props.keywords, props.comments, props.category]
        for secret in (SAID, DECIDED, MEETING_TITLE, name_of[login]):
            assert all(secret not in (value or "") for value in public)


def test_host_organization_named_on_the_meeting(suite, coordinator, people, tokens):
    council = people.organizations["council"]
    meeting_id, item_id = _meeting(coordinator, people, host_organization_id=council)
    _approved_minutes(suite, tokens, people, meeting_id, item_id)
    _, org_names = _directory(suite, tokens["demo-coordinator"])
    document = Document(io.BytesIO(_download(suite, tokens["demo-member-2"], meeting_id).content))
    assert _facts(document)["主催"] == org_names[council]
    assert "—" not in _facts(document)["主催"]
