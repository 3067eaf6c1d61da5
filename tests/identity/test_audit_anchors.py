"""Audit heads anchored at identity and in the anchor file; truncation found through the API."""

from __future__ import annotations

from sqlalchemy import delete, func, select

from agenda.base import AuditEntry as AgendaAudit
from identity.integrity.models import AuditAnchor
from kasane_shared.audit_anchor import ANCHOR_KEY_LABEL, AnchorFile
from kasane_shared.integrity import ServiceKeys
from kasane_shared.service_integrity import wire_service_integrity
from tests.helpers import auth, token_for


def _agenda_head(suite) -> int:
    with suite.dbs["agenda"].session() as session:
        return session.scalar(select(func.max(AgendaAudit.seq)))


def _write_in_agenda(suite, people) -> None:
    token = token_for(suite.client, "demo-coordinator")
    body = {
        "title": "アンカーの確認",
        "summary": "",
        "notes": "",
        "tax_notes": "",
        "lead_organization_id": people.organizations["welfare"],
        "issues": [],
    }
    response = suite.client.post("/agenda/cases", json=body, headers=auth(token))
    assert response.status_code == 201, response.text


def test_every_committed_head_is_anchored(suite, people):
    _write_in_agenda(suite, people)
    head = _agenda_head(suite)
    kek = suite.suite.identity.state.kek
    lines = list(AnchorFile(suite.settings.resolved_anchor_file).read())
    key = kek.derive_key(ANCHOR_KEY_LABEL)
    assert lines and all(a is not None and a.verifies(key) for a in lines)
    assert {a.service for a in lines} >= {"identity", "agenda"}
    assert max(a.seq for a in lines if a.service == "agenda") == head
    with suite.dbs["identity"].session() as session:
        rows = session.scalars(select(AuditAnchor).where(AuditAnchor.service == "agenda")).all()
    assert rows and max(r.seq for r in rows) == head


def test_deleting_the_newest_entries_fails_verification(suite, people):
    """Issue 14, finding 4: the three newest entries deleted, verify says so."""
    for _ in range(3):
        _write_in_agenda(suite, people)
    auditor = auth(token_for(suite.client, "demo-auditor"))
    assert suite.client.get("/agenda/audit/verify", headers=auditor).json()["ok"] is True
    head = _agenda_head(suite)
    with suite.dbs["agenda"].session() as session:
        session.execute(delete(AgendaAudit).where(AgendaAudit.seq > head - 3))
    report = suite.client.get("/agenda/audit/verify", headers=auditor).json()
    assert report["ok"] is False and report["anchored_seq"] >= head
    assert report["broken_at"] == head - 2 and "missing" in report["reason"]


def test_keys_come_from_identity_with_the_service_credentials(suite, people):
    agenda = suite.suite.agenda
    local = ServiceKeys.local("agenda", suite.suite.identity.state.kek)
    wire_service_integrity(agenda, "agenda", AgendaAudit, suite.settings)  # split mode's path
    assert agenda.state.db.keys.key("audit") == local.key("audit")
    assert agenda.state.db.keys.key("rows") == local.key("rows")
    _write_in_agenda(suite, people)  # appends with the fetched key, anchors over HTTP
    auditor = auth(token_for(suite.client, "demo-auditor"))
    assert suite.client.get("/agenda/audit/verify", headers=auditor).json()["ok"] is True


def test_a_member_or_another_client_gets_no_keys(suite, people):
    member = token_for(suite.client, "demo-member-1")
    assert suite.client.get("/identity/integrity/keys", headers=auth(member)).status_code == 401
    response = suite.client.post(
        "/identity/integrity/anchors",
        json={"seq": 1, "entry_hash": "0" * 64},
        headers=auth(member),
    )
    assert response.status_code == 401
