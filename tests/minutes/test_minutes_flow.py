"""Minutes end to end: sealed per audience, review, approval, corrections, Word copies."""

from __future__ import annotations

import io
import zipfile
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import select, text, update

from kasane_shared.redaction import TAX_PLACEHOLDER
from minutes.base import AuditEntry
from minutes.meeting_minutes.models import MinutesItem
from tests.agenda.scenario import case_body, item_body, meeting_body
from tests.helpers import assert_problem, auth, check_minutes

TAX_SAID = "住民税を2年分滞納"
GENERAL_SAID = "議事センチネルG5"
DECIDED = "決定センチネルD3"


def _minutes(
    suite, token: str, meeting_id: str, method: str = "GET", path: str = "", **kwargs: Any
):
    return suite.client.request(
        method, f"/minutes/meetings/{meeting_id}/minutes{path}", headers=auth(token), **kwargs
    )


def _draft(item_id: str, **extra: Any) -> dict[str, Any]:
    return {
        "agenda_item_id": item_id,
        "discussion": f"長男は{TAX_SAID}していると報告があった。{GENERAL_SAID}。",
        "decisions": DECIDED,
        "roles": [
            {"organization_id": extra.pop("org"), "duty": "月1回の訪問", "due": "2027-01-31"}
        ],
        "monitoring_on": "2027-02-15",
        **extra,
    }


def _setup(coordinator, people, kind: str, consent: dict[str, Any] | None) -> tuple[str, str, str]:
    case = coordinator.ok(coordinator.post("/cases", case_body(people)), 201)
    if consent is not None:
        coordinator.ok(coordinator.post(f"/cases/{case['id']}/consents", consent), 201)
    attendees = [
        {"member_id": people.members[m], "required": True}
        for m in ("demo-member-1", "demo-member-2", "demo-member-4")
    ]
    meeting = coordinator.ok(coordinator.post("/meetings", meeting_body(kind, attendees)), 201)
    item = coordinator.ok(
        coordinator.post(f"/meetings/{meeting['id']}/items", item_body(case["id"], kind)), 201
    )
    return case["id"], meeting["id"], item["id"]


def _write(suite, tokens, people, meeting_id, item_id, **extra):
    body = {
        "attendance": [people.members["demo-member-1"], people.members["demo-member-2"]],
        "items": [_draft(item_id, org=people.organizations["council"], **extra)],
    }
    return _minutes(suite, tokens["demo-coordinator"], meeting_id, "PUT", json=body)


@pytest.fixture
def shien(suite, coordinator, people, tokens):
    case_id, meeting_id, item_id = _setup(coordinator, people, "shien", None)
    response = _write(suite, tokens, people, meeting_id, item_id)
    assert response.status_code == 200, response.text
    return case_id, meeting_id, item_id


@pytest.fixture
def jusou(suite, coordinator, people, tokens):
    consent = {
        "obtained_on": "2026-11-01",
        "organization_ids": [people.organizations["council"], people.organizations["welfare"]],
        "covers_tax": True,
    }
    case_id, meeting_id, item_id = _setup(coordinator, people, "jusou", consent)
    response = _write(suite, tokens, people, meeting_id, item_id)
    assert response.status_code == 200, response.text
    return case_id, meeting_id, item_id


def test_coordinator_starts_from_the_points_of_each_purpose(suite, coordinator, people, tokens):
    _, meeting_id, _ = _setup(
        coordinator,
        people,
        "jusou",
        {
            "obtained_on": "2026-11-01",
            "organization_ids": [people.organizations["council"]],
            "covers_tax": False,
        },
    )
    skeleton = _minutes(suite, tokens["demo-coordinator"], meeting_id).json()
    assert skeleton["status"] == "new"
    item = skeleton["items"][0]
    assert (
        item["purpose"] == "plan_creation"
        and "【各機関の役割】" in item["discussion"]
        and "モニタリングの時期" in item["outline"]
    )


def _approve(suite, token: str, meeting_id: str):
    """Approve after the check (every suspect kept), as a coordinator does."""
    check_minutes(suite.client, auth(token), meeting_id)
    return _minutes(suite, token, meeting_id, "POST", "/approve")


def _submit(suite, tokens, meeting_id: str) -> None:
    response = _minutes(suite, tokens["demo-coordinator"], meeting_id, "POST", "/submit")
    assert response.status_code == 200, response.text


def test_shien_minutes_mask_tax_for_every_reader(suite, shien, tokens):
    _, meeting_id, _ = shien
    _submit(suite, tokens, meeting_id)
    for login in ("demo-member-1", "demo-member-2"):
        response = _minutes(suite, tokens[login], meeting_id)
        assert response.status_code == 200
        assert GENERAL_SAID in response.text and DECIDED in response.text
        assert TAX_SAID not in response.text and TAX_PLACEHOLDER in response.text
        assert response.json()["items"][0]["tax_masked"] is True
    # The author reads their own words in full, whatever the consent.
    own = _minutes(suite, tokens["demo-coordinator"], meeting_id).json()["items"][0]
    assert TAX_SAID in own["discussion"] and own["tax_masked"] is False and own["tax_spans"]


def test_member_without_pledge_gets_no_content(suite, shien, tokens):
    _, meeting_id, _ = shien
    _submit(suite, tokens, meeting_id)
    # Refused, not trimmed (tests/minutes/test_no_pledge_minutes.py walks every endpoint).
    response = _minutes(suite, tokens["demo-member-4"], meeting_id)
    assert "誓約書" in assert_problem(response, 403, "no_pledge")["detail"]
    for secret in (GENERAL_SAID, DECIDED, TAX_SAID, "月1回の訪問"):
        assert secret not in response.text


def test_save_warns_about_attendees_without_pledge(suite, coordinator, people, tokens):
    _, meeting_id, item_id = _setup(coordinator, people, "shien", None)
    warnings = _write(suite, tokens, people, meeting_id, item_id).json()["warnings"]
    assert {w["member_id"] for w in warnings if w["code"] == "no_pledge"} == {
        people.members["demo-member-4"]
    }


def test_jusou_scope_and_tax_consent(suite, jusou, tokens):
    _, meeting_id, _ = jusou
    _submit(suite, tokens, meeting_id)
    in_scope = _minutes(suite, tokens["demo-member-1"], meeting_id)
    assert TAX_SAID in in_scope.text and in_scope.json()["items"][0]["tax_masked"] is False
    out_of_scope = _minutes(suite, tokens["demo-member-2"], meeting_id)
    assert out_of_scope.json()["items"][0]["redacted"] == "consent_scope"
    for secret in (GENERAL_SAID, DECIDED, TAX_SAID):
        assert secret not in out_of_scope.text


def test_nothing_stored_in_clear(suite, shien):
    with suite.dbs["minutes"].session() as session:
        tables = (
            [
                row[0]
                for row in session.execute(
                    text("SELECT name FROM sqlite_master WHERE type='table'")
                )
            ]
            if session.get_bind().dialect.name == "sqlite"
            else [
                row[0]
                for row in session.execute(
                    text("SELECT tablename FROM pg_tables WHERE schemaname='public'")
                )
            ]
        )
        dump = "".join(
            str(row)
            for table in tables
            for row in session.execute(text(f'SELECT * FROM "{table}"'))
        )
    for secret in (GENERAL_SAID, DECIDED, TAX_SAID, "月1回の訪問"):
        assert secret not in dump


def test_review_approve_and_immutability(suite, jusou, tokens, people, coordinator):
    case_id, meeting_id, item_id = jusou
    coordinator_token = tokens["demo-coordinator"]
    assert_problem(
        _minutes(suite, coordinator_token, meeting_id, "POST", "/approve"), 409, "wrong_status"
    )
    assert (
        _minutes(suite, coordinator_token, meeting_id, "POST", "/submit").json()["status"]
        == "in_review"
    )
    comment = _minutes(
        suite,
        tokens["demo-member-1"],
        meeting_id,
        "POST",
        "/comments",
        json={"text": "訂正をお願いします"},
    )
    assert comment.status_code == 201
    assert_problem(
        _minutes(
            suite, tokens["demo-member-4"], meeting_id, "POST", "/comments", json={"text": "x"}
        ),
        403,
        "no_pledge",
    )
    approved = _approve(suite, coordinator_token, meeting_id).json()
    assert approved["status"] == "approved" and len(approved["content_hash"]) == 64
    assert approved["approved_by"] == people.members["demo-coordinator"]
    assert_problem(_write(suite, tokens, people, meeting_id, item_id), 409, "approved")
    # The approved plan item became the case's next support-plan version.
    plans = coordinator.ok(coordinator.get(f"/cases/{case_id}/plans"))
    latest = max(plans, key=lambda p: p["version"])
    assert latest["status"] == "plan_creation" and latest["monitoring_on"] == "2027-02-15"
    # The 重層的支援会議's decision moved the case as it says (潜在 → 支援中).
    assert coordinator.ok(coordinator.get(f"/cases/{case_id}"))["status"] == "active"


@pytest.mark.parametrize("approved", [False, True], ids=["in_review", "approved"])
def test_flipped_bit_fails_closed(suite, shien, tokens, approved):
    _, meeting_id, _ = shien
    token = tokens["demo-coordinator"]
    _minutes(suite, token, meeting_id, "POST", "/submit")
    if approved:
        assert _approve(suite, token, meeting_id).status_code == 200
    with suite.dbs["minutes"].session() as session:
        item = session.scalar(select(MinutesItem))
        fields = {aud: dict(values) for aud, values in item.sealed_fields.items()}
        audience = item.audience
        ct = fields[audience]["item"]  # the body sealed with its tax-block pointers
        fields[audience]["item"] = ct[:40] + ("A" if ct[40] != "A" else "B") + ct[41:]
        session.execute(
            update(MinutesItem).where(MinutesItem.id == item.id).values(sealed_fields=fields)
        )
    response = _minutes(suite, tokens["demo-member-1"], meeting_id)
    assert_problem(response, 409, "integrity_failure")
    assert GENERAL_SAID not in response.text


def _docx_text(content: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name).decode("utf-8", "replace") for name in archive.namelist()}


def test_word_copy_holds_only_what_the_reader_may_read(suite, jusou, tokens):
    _, meeting_id, _ = jusou
    token = tokens["demo-coordinator"]
    _minutes(suite, token, meeting_id, "POST", "/submit")
    assert _approve(suite, token, meeting_id).status_code == 200
    entitled = suite.client.get(
        f"/minutes/meetings/{meeting_id}/minutes.docx", headers=auth(tokens["demo-member-1"])
    )
    assert entitled.status_code == 200 and "attachment" in entitled.headers["content-disposition"]
    # RFC 6266: the Japanese name in filename*, an ASCII fallback in filename.
    disposition = entitled.headers["content-disposition"]
    assert 'filename="2026-12-01_minutes.docx"' in disposition
    assert "filename*=UTF-8''" + quote("令和8年12月1日_重層的支援会議_会議録.docx") in disposition
    parts = _docx_text(entitled.content)
    body = parts["word/document.xml"]
    assert GENERAL_SAID in body and TAX_SAID in body and "令和" in body
    headers = [v for k, v in parts.items() if k.startswith("word/header")]
    assert headers and all("社会福祉法第106条の6" in h for h in headers)
    props = parts["docProps/core.xml"] + parts.get("docProps/app.xml", "")
    for secret in (GENERAL_SAID, TAX_SAID, "会議名センチネルM1"):
        assert secret not in props
    outside = suite.client.get(
        f"/minutes/meetings/{meeting_id}/minutes.docx", headers=auth(tokens["demo-member-2"])
    )
    everything = "".join(_docx_text(outside.content).values())
    for secret in (GENERAL_SAID, DECIDED, TAX_SAID):
        assert secret not in everything
    assert "同意の範囲外" in everything


def test_word_copy_without_tax_entitlement(suite, shien, tokens):
    _, meeting_id, _ = shien
    _submit(suite, tokens, meeting_id)
    content = suite.client.get(
        f"/minutes/meetings/{meeting_id}/minutes.docx", headers=auth(tokens["demo-member-1"])
    ).content
    everything = "".join(_docx_text(content).values())
    assert (
        TAX_SAID not in everything and TAX_PLACEHOLDER in everything and GENERAL_SAID in everything
    )
    with suite.dbs["minutes"].session() as session:
        exports = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "minutes.export")
        ).all()
    assert len(exports) == 1 and exports[0].details["document_id"]


def test_mark_a_missed_span(suite, coordinator, people, tokens):
    _, meeting_id, item_id = _setup(coordinator, people, "shien", None)
    missed = "差押えの話も出た"
    body = {
        "attendance": [],
        "items": [
            {
                "agenda_item_id": item_id,
                "discussion": f"近況の共有。{missed}。",
                "decisions": "見守り",
            }
        ],
    }
    assert (
        _minutes(suite, tokens["demo-coordinator"], meeting_id, "PUT", json=body).status_code == 200
    )
    start = body["items"][0]["discussion"].index(missed)
    marked = _minutes(
        suite,
        tokens["demo-coordinator"],
        meeting_id,
        "POST",
        "/tax-marks",
        json={
            "agenda_item_id": item_id,
            "field": "discussion",
            "action": "mark",
            "start": start,
            "end": start + len(missed),
        },
    )
    assert marked.status_code == 200, marked.text
    _submit(suite, tokens, meeting_id)
    member = _minutes(suite, tokens["demo-member-1"], meeting_id)
    assert missed not in member.text and TAX_PLACEHOLDER in member.text
    # The author still reads the marked words and can take the mark off again.
    own = _minutes(suite, tokens["demo-coordinator"], meeting_id).json()["items"][0]
    assert missed in own["discussion"] and own["tax_spans"] == [
        [start, start + len(missed), "discussion"]
    ]
    unmarked = _minutes(
        suite,
        tokens["demo-coordinator"],
        meeting_id,
        "POST",
        "/tax-marks",
        json={
            "agenda_item_id": item_id,
            "field": "discussion",
            "action": "unmark",
            "start": start,
            "end": start + len(missed),
        },
    )
    assert unmarked.status_code == 200, unmarked.text
    assert missed in _minutes(suite, tokens["demo-member-1"], meeting_id).text
    with suite.dbs["minutes"].session() as session:
        assert (
            session.scalar(select(AuditEntry).where(AuditEntry.action == "minutes.tax_mark"))
            is not None
        )


@pytest.mark.parametrize(
    "who,body,status",
    [
        ("demo-member-1", {"attendance": [], "items": []}, 403),
        ("demo-coordinator", {"attendance": ["someone-else"], "items": []}, 422),
        ("demo-coordinator", {"attendance": [], "items": [{"agenda_item_id": "nope"}]}, 422),
        ("demo-coordinator", {"attendance": [], "items": [], "extra": 1}, 422),
        (
            "demo-coordinator",
            {"attendance": [], "items": [{"agenda_item_id": "x", "monitoring_on": "someday"}]},
            422,
        ),
        (
            "demo-coordinator",
            {"attendance": [], "items": [{"agenda_item_id": "x", "discussion": "長" * 20001}]},
            422,
        ),
    ],
    ids=["member-writes", "not-invited", "unknown-item", "unknown-field", "bad-date", "over-long"],
)
def test_bad_drafts_change_nothing(suite, shien, tokens, who, body, status):
    _, meeting_id, _ = shien
    before = _minutes(suite, tokens["demo-coordinator"], meeting_id).json()
    assert_problem(_minutes(suite, tokens[who], meeting_id, "PUT", json=body), status)
    assert _minutes(suite, tokens["demo-coordinator"], meeting_id).json() == before


def test_unknown_meeting_and_malformed_json(suite, people, tokens):
    assert_problem(_minutes(suite, tokens["demo-coordinator"], "no-such-meeting"), 404)
    response = suite.client.put(
        "/minutes/meetings/x/minutes",
        content=b"{",
        headers={**auth(tokens["demo-coordinator"]), "Content-Type": "application/json"},
    )
    assert_problem(response, 400, "malformed_json")
