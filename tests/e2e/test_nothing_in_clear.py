"""A sentinel written through the API is in no byte of the data directory and no log line.

Suite mode, real server process: the SQLite files (with their WAL), the key file, and the
server's own output are searched whole, after the sentinels went through every service.
"""

from __future__ import annotations

import httpx

from tests.helpers import check_minutes, distribute

SENTINELS = {
    "title": "センチネル事例名Q1",
    "notes": "センチネル記録N2。本人は固定資産税を3年分滞納している。",
    "tax_notes": "センチネル税メモT3",
    "briefing": "センチネル説明B4",
    "discussion": "センチネル協議D5。住民税を2年分滞納。",
    "comment": "センチネル意見C6",
    "meeting_title": "センチネル会議名M7",
    "form_reference": "センチネル同意書F8",
}


def _login(client: httpx.Client, login: str) -> dict[str, str]:
    response = client.post("/identity/session", json={"login": login, "password": "demo-password"})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _write_everything(client: httpx.Client) -> None:
    coordinator, member = _login(client, "demo-coordinator"), _login(client, "demo-member-1")
    me = client.get("/identity/me", headers=member).json()
    case = client.post(
        "/agenda/cases",
        headers=coordinator,
        json={
            "title": SENTINELS["title"],
            "summary": "概要",
            "notes": SENTINELS["notes"],
            "tax_notes": SENTINELS["tax_notes"],
            "lead_organization_id": me["organization_id"],
            "issues": ["8050"],
        },
    ).json()
    consent = client.post(
        f"/agenda/cases/{case['id']}/consents",
        headers=coordinator,
        json={
            "obtained_on": "2026-04-01",
            "organization_ids": [me["organization_id"]],
            "form_reference": SENTINELS["form_reference"],
        },
    )
    assert consent.status_code == 201, consent.text
    meeting = client.post(
        "/agenda/meetings",
        headers=coordinator,
        json={
            "kind": "shien",
            "title": SENTINELS["meeting_title"],
            "starts_at": "2026-12-01T10:00:00+09:00",
            "ends_at": "2026-12-01T11:00:00+09:00",
            "place": "会議室A",
            "attendees": [{"member_id": me["id"], "required": True}],
        },
    ).json()
    item = client.post(
        f"/agenda/meetings/{meeting['id']}/items",
        headers=coordinator,
        json={
            "case_id": case["id"],
            "purpose": "info_sharing",
            "minutes": 20,
            "briefing": SENTINELS["briefing"],
        },
    ).json()
    distribute(client, coordinator, meeting["id"])
    view = client.get(f"/agenda/meetings/{meeting['id']}/agenda", headers=member)
    assert SENTINELS["briefing"] in view.text  # the member does read it: the path is real
    base = f"/minutes/meetings/{meeting['id']}/minutes"
    draft = {
        "attendance": [me["id"]],
        "items": [{"agenda_item_id": item["id"], "discussion": SENTINELS["discussion"]}],
    }
    assert client.put(base, json=draft, headers=coordinator).status_code == 200
    assert client.post(f"{base}/submit", headers=coordinator).status_code == 200
    assert (
        client.post(
            f"{base}/comments", json={"text": SENTINELS["comment"]}, headers=member
        ).status_code
        == 201
    )
    check_minutes(client, coordinator, meeting["id"])
    assert client.post(f"{base}/approve", headers=coordinator).status_code == 200
    assert (
        client.get(f"/minutes/meetings/{meeting['id']}/minutes.docx", headers=member).status_code
        == 200
    )


def test_sentinels_absent_from_data_directory_and_log(served):
    base, data_dir = served
    with httpx.Client(base_url=base, timeout=60) as client:
        _write_everything(client)
    files = [p for p in data_dir.rglob("*") if p.is_file()]
    assert any(p.name == "agenda.db" for p in files) and any(p.name.endswith("-wal") for p in files)
    for path in files:
        content = path.read_bytes()
        for name, sentinel in SENTINELS.items():
            for fragment in (sentinel, sentinel[:8]):
                assert fragment.encode() not in content, (path.name, name)
