"""Retention on a real server: a closed case past its period is crypto-shredded everywhere."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess

import httpx
import pytest

from tests.helpers import check_minutes, distribute

pytestmark = pytest.mark.skipif(
    os.environ.get("KASANE_TEST_BACKEND") == "postgres",
    reason="SQLite data directory: runs in the SQLite pass",
)

SENTINEL = "廃棄センチネルR5"
TAX = "固定資産税を3年分滞納"


@pytest.fixture
def cli(monkeypatch, capsys):
    """The kasane command in this process, on a data directory."""
    from kasane.cli import main

    def run(args: list[str], data_dir):
        monkeypatch.setenv("KASANE_DATA_DIR", str(data_dir))
        code = main(args)
        out = capsys.readouterr()
        return subprocess.CompletedProcess(args, code, out.out, out.err)

    return run


def _login(client: httpx.Client, login: str) -> dict[str, str]:
    response = client.post("/identity/session", json={"login": login, "password": "demo-password"})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _ok(response: httpx.Response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


def _closed_case_with_minutes(client: httpx.Client) -> dict[str, str]:
    """A case on a 支援会議 with approved minutes, then closed in April 2019."""
    coordinator, member = _login(client, "demo-coordinator"), _login(client, "demo-member-1")
    me = _ok(client.get("/identity/me", headers=member))
    case = _ok(
        client.post(
            "/agenda/cases",
            headers=coordinator,
            json={
                "title": f"{SENTINEL}事例",
                "notes": f"{SENTINEL}記録。本人は{TAX}している。",
                "tax_notes": f"{SENTINEL}税",
                "lead_organization_id": me["organization_id"],
            },
        ),
        201,
    )
    meeting = _ok(
        client.post(
            "/agenda/meetings",
            headers=coordinator,
            json={
                "kind": "shien",
                "title": "4月 支援会議",
                "starts_at": "2026-12-02T10:00:00+09:00",
                "ends_at": "2026-12-02T11:00:00+09:00",
                "place": "会議室B",
                "attendees": [{"member_id": me["id"], "required": True}],
            },
        ),
        201,
    )
    item = _ok(
        client.post(
            f"/agenda/meetings/{meeting['id']}/items",
            headers=coordinator,
            json={
                "case_id": case["id"],
                "purpose": "info_sharing",
                "minutes": 20,
                "briefing": f"{SENTINEL}説明",
            },
        ),
        201,
    )
    distribute(client, coordinator, meeting["id"])
    view = client.get(f"/agenda/meetings/{meeting['id']}/agenda", headers=member)
    assert f"{SENTINEL}説明" in view.text  # the member reads it before
    base = f"/minutes/meetings/{meeting['id']}/minutes"
    draft = {
        "attendance": [me["id"]],
        "items": [{"agenda_item_id": item["id"], "discussion": f"{SENTINEL}協議。住民税を滞納。"}],
    }
    _ok(client.put(base, json=draft, headers=coordinator))
    _ok(client.post(f"{base}/submit", headers=coordinator))
    _ok(
        client.post(
            f"{base}/comments",
            json={"text": f"{SENTINEL}意見", "agenda_item_id": item["id"]},
            headers=member,
        ),
        201,
    )
    check_minutes(client, coordinator, meeting["id"])
    _ok(client.post(f"{base}/approve", headers=coordinator))
    assert SENTINEL in client.get(base, headers=member).text
    _ok(
        client.post(
            f"/agenda/cases/{case['id']}/status",
            headers=coordinator,
            json={"status": "closed", "on": "2019-04-10", "reason": "目標達成"},
        ),
        201,
    )
    return {"case": case["id"], "meeting": meeting["id"], "item": item["id"]}


def _rows(db, table: str, column: str, values: list[str]) -> list[tuple[str, str, str]]:
    marks = ",".join("?" * len(values))
    return db.execute(
        f"select id, sealed_fields, escrow_wraps from {table} where {column} in ({marks})", values
    ).fetchall()


def _key_material(data_dir, ids: dict[str, str]) -> set[str]:
    """Every wrap and every ciphertext of the case's records, as stored (base64 text)."""
    agenda = sqlite3.connect(data_dir / "agenda.db")
    minutes = sqlite3.connect(data_dir / "minutes.db")
    try:
        about = {
            agenda: [
                *_rows(agenda, "cases", "id", [ids["case"]]),
                *_rows(agenda, "agenda_items", "case_id", [ids["case"]]),
                *_rows(agenda, "plans", "case_id", [ids["case"]]),
                *_rows(agenda, "case_status_changes", "case_id", [ids["case"]]),
            ],
            minutes: [
                *_rows(minutes, "minutes_items", "case_id", [ids["case"]]),
                *_rows(minutes, "comments", "agenda_item_id", [ids["item"]]),
            ],
        }
        blocks = [
            block
            for (mapping,) in minutes.execute(
                "select tax_blocks from minutes_items where case_id=?", [ids["case"]]
            )
            for block in json.loads(mapping).values()
        ]
        about[minutes] += _rows(minutes, "tax_blocks", "id", blocks)
        found: set[str] = set()
        for db, rows in about.items():
            for _record_id, sealed, escrow in rows:
                for audience in json.loads(sealed).values():
                    found.update(audience.values())
                found.update(json.loads(escrow).values())
            record_ids = [r[0] for r in rows]
            marks = ",".join("?" * len(record_ids))
            found.update(
                r[0]
                for r in db.execute(
                    f"select wrapped from wraps where record_id in ({marks})", record_ids
                )
            )
    finally:
        agenda.close()
        minutes.close()
    assert len(found) > 10
    return found


def test_a_closed_case_past_its_period_is_shredded_everywhere(served, cli):
    base, data_dir = served
    with httpx.Client(base_url=base, timeout=120) as client:
        ids = _closed_case_with_minutes(client)
        material = _key_material(data_dir, ids)

        planned = cli(["retention", "plan", "--as-of", "2026-12-01"], data_dir)
        assert planned.returncode == 0, planned.stderr
        assert ids["case"] in planned.stdout and "2024-04-10" in planned.stdout
        # Not yet due the day before the period ends.
        early = cli(["retention", "plan", "--as-of", "2024-04-09"], data_dir)
        assert ids["case"] not in early.stdout
        assert cli(["retention", "apply", "--as-of", "2026-12-01"], data_dir).returncode == 2
        applied = cli(["retention", "apply", "--yes", "--as-of", "2026-12-01"], data_dir)
        assert applied.returncode == 0, applied.stderr
        assert ids["case"] in applied.stdout

        coordinator, member = _login(client, "demo-coordinator"), _login(client, "demo-member-1")
        gone = client.get(f"/agenda/cases/{ids['case']}", headers=coordinator)
        assert gone.status_code == 410
        assert gone.json()["code"] == "retention_shredded" and "保存期間" in gone.json()["detail"]
        english = client.get(
            f"/agenda/cases/{ids['case']}", headers={**coordinator, "Accept-Language": "en"}
        )
        assert "retention period" in english.json()["detail"]
        view = client.get(f"/agenda/meetings/{ids['meeting']}/agenda", headers=member)
        assert view.status_code == 200 and SENTINEL not in view.text
        minutes = client.get(f"/minutes/meetings/{ids['meeting']}/minutes", headers=member)
        assert SENTINEL not in minutes.text
        # Other cases stay.
        listed = _ok(client.get("/agenda/cases", headers=coordinator))
        assert listed and ids["case"] not in {c["id"] for c in listed}

    # Nothing of the record in any byte of the data directory: no wrap, no ciphertext, no text.
    for path in (p for p in data_dir.rglob("*") if p.is_file() and p.name != "serve.log"):
        content = path.read_bytes()
        assert SENTINEL.encode() not in content, path.name
        for value in material:
            # The tail: AEAD output, unique to this value (a wrap's head names its member).
            assert value[-40:].encode() not in content, path.name
    assert cli(["audit", "verify"], data_dir).returncode == 0
    agenda = sqlite3.connect(data_dir / "agenda.db")
    entry = agenda.execute(
        "select target_id, details from audit_log where action='retention.shred'"
    ).fetchone()
    agenda.close()
    assert entry[0] == ids["case"] and SENTINEL not in entry[1]
