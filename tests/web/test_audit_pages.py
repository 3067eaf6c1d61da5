"""The auditor's pages: names instead of codes, targets as people know them, one record per
search, paging, filters, CSV export and the tamper check."""

from __future__ import annotations

import csv
import io
import re

from fastapi.testclient import TestClient
from sqlalchemy import func, select

import agenda.base
import identity.base
import minutes.base
from tests.helpers import auth, token_for
from tests.web.conftest import sign_in

CHAINS = {"identity": identity.base, "agenda": agenda.base, "minutes": minutes.base}
RAW_CODE = re.compile(r"\b[a-z_]+\.[a-z_]+\b")
LONG_ID = re.compile(r"\b[0-9a-f]{32}\b")


def _counts(suite) -> dict[str, dict[str, int]]:
    """Entries per chain and action."""
    out: dict[str, dict[str, int]] = {}
    for name, module in CHAINS.items():
        model = module.AuditEntry
        with suite.dbs[name].session() as session:
            rows = session.execute(select(model.action, func.count()).group_by(model.action))
            out[name] = dict(rows.all())
    return out


def _added(before: dict, after: dict) -> dict[str, int]:
    """New entries of the audit log's own events (services signing in to each other aside)."""
    return {
        f"{chain}:{action}": n - before[chain].get(action, 0)
        for chain, actions in after.items()
        for action, n in actions.items()
        if n != before[chain].get(action, 0) and action.startswith("audit.")
    }


def _table_text(html: str) -> str:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.sub(r"<[^>]+>", " ", body)


def _seed(suite) -> None:
    """A case opened and read by the coordinator (through the API, as any client does)."""
    other = TestClient(suite.suite.app, raise_server_exceptions=False)
    token = token_for(other, "demo-coordinator")
    case = other.post(
        "/agenda/cases",
        json={"title": "監査試験の架空事例", "summary": "概要", "notes": "記録"},
        headers=auth(token),
    )
    assert case.status_code == 201, case.text
    assert other.get(f"/agenda/cases/{case.json()['id']}", headers=auth(token)).status_code == 200


def test_audit_page_reads_in_words_and_logs_once(web, people, suite):
    _seed(suite)
    sign_in(web, "demo-auditor")
    before = _counts(suite)
    page = web.get("/audit", params={"per_page": "20"})
    assert page.status_code == 200
    # One entry for the whole search (three services, names looked up): in identity's chain.
    assert _added(before, _counts(suite)) == {"identity:audit.search": 1}
    text = _table_text(page.text)
    assert not RAW_CODE.search(text), RAW_CODE.search(text)
    found = LONG_ID.search(text)
    assert not found, text[max(0, found.start() - 300) : found.end() + 50]
    for words in ("ログイン", "事例の登録", "事例の閲覧", "調整 一郎", "成功"):
        assert words in text, words
    assert re.search(r"事例 R\d+-\d{4}", text)
    assert "監査試験の架空事例" not in page.text  # no case content, ever
    # The next page reuses the recorded search: nothing more is logged.
    next_url = re.search(r'href="(/audit\?[^"]*c=[^"]+)"', page.text).group(1)
    before = _counts(suite)
    following = web.get(next_url.replace("&amp;", "&"))
    assert following.status_code == 200 and _added(before, _counts(suite)) == {}


def test_a_recorded_search_does_not_cover_other_filters(web, people, suite):
    token = token_for(TestClient(suite.suite.app, raise_server_exceptions=False), "demo-auditor")
    search = suite.client.post(
        "/identity/audit/searches",
        json={"filters": {"action": "case."}},
        headers=auth(token),
    ).json()["search_id"]
    same = suite.client.get(
        "/agenda/audit", params={"action": "case.", "search_id": search}, headers=auth(token)
    )
    assert same.status_code == 200
    other = suite.client.get(
        "/agenda/audit", params={"action": "meeting.", "search_id": search}, headers=auth(token)
    )
    assert other.status_code == 403 and other.json()["code"] == "unknown_search"
    forged = suite.client.get("/minutes/audit", params={"search_id": "0" * 32}, headers=auth(token))
    assert forged.status_code == 403


def test_filters_by_event_person_and_target(web, people, suite):
    _seed(suite)
    sign_in(web, "demo-auditor")
    coordinator = people.members["demo-coordinator"]
    page = web.get("/audit", params={"action": "case.create", "actor_id": coordinator})
    text = _table_text(page.text)
    assert "事例の登録" in text and "事例の閲覧" not in text and "ログイン" not in text
    target = re.search(r'href="/audit\?target_type=case&amp;target_id=([0-9a-f]+)"', page.text)
    only = web.get("/audit", params={"target_type": "case", "target_id": target.group(1)})
    text = _table_text(only.text)
    assert "事例の登録" in text and "事例の閲覧" in text and "ログイン" not in text
    bad = web.get("/audit", params={"since": "2026-13-40"})
    assert bad.status_code == 422 and 'href="#f-since"' in bad.text
    backwards = web.get("/audit", params={"since": "2026-12-02", "until": "2026-12-01"})
    assert backwards.status_code == 422 and 'href="#f-until"' in backwards.text


def test_csv_export_opens_as_utf8_with_a_header(web, people, suite):
    _seed(suite)
    sign_in(web, "demo-auditor")
    before = _counts(suite)
    response = web.get("/audit/export.csv", params={"action": "case."})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["日時", "サービス", "番号", "操作した人", "操作", "対象", "結果", "詳細"]
    assert {row[4] for row in rows[1:]} == {"事例の登録", "事例の閲覧"}
    assert _added(before, _counts(suite)) == {"identity:audit.export": 1}


def test_tamper_check_page(web, people, suite):
    sign_in(web, "demo-auditor")
    before = _counts(suite)
    page = web.get("/audit/verify")
    assert page.status_code == 200 and page.text.count("正常（") == 3
    assert _added(before, _counts(suite)) == {"identity:audit.verify": 1}
