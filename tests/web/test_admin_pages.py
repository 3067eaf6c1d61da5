"""Admin pages: edit a member's organization and roles, departure, locks lifted, everyone's pledges,
key status in plain words."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.helpers import PASSWORD, auth, login, token_for
from tests.web.conftest import csrf_of, sign_in


def test_admin_edits_organization_and_roles(web, people, suite):
    sign_in(web, "demo-admin")
    member_id = people.members["demo-member-2"]
    page = web.get(f"/admin/members/{member_id}")
    assert page.status_code == 200 and "包括 三枝" in page.text
    assert "<title>構成員の情報 |" in page.text
    none = web.post(
        f"/admin/members/{member_id}",
        data={
            "csrf_token": csrf_of(page.text),
            "display_name": "包括 三枝",
            "organization_id": people.organizations["welfare"],
        },
    )
    assert none.status_code == 422
    assert "役割を1つ以上選んでください。" in none.text and 'href="#f-member-roles"' in none.text
    saved = web.post(
        f"/admin/members/{member_id}",
        data={
            "csrf_token": csrf_of(page.text),
            "display_name": "包括 三枝",
            "organization_id": people.organizations["welfare"],
            "roles": ["member", "coordinator"],
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303
    other = _other_browser(suite)
    me = other.get("/identity/me", headers=auth(token_for(other, "demo-member-2")))
    assert me.json()["organization_id"] == people.organizations["welfare"]
    assert set(me.json()["roles"]) == {"member", "coordinator"}


def _other_browser(suite) -> TestClient:
    """A client with its own cookies (the web fixture's client is the suite's)."""
    return TestClient(suite.suite.app, raise_server_exceptions=False)


def test_departure_asks_for_confirmation(web, people, suite):
    other = _other_browser(suite)
    sign_in(web, "demo-admin")
    member_id = people.members["demo-member-3"]
    page = web.get(f"/admin/members/{member_id}")
    unconfirmed = web.post(
        f"/admin/members/{member_id}/active",
        data={"csrf_token": csrf_of(page.text), "active": "no"},
    )
    assert unconfirmed.status_code == 422 and "確認のチェック" in unconfirmed.text
    assert login(other, "demo-member-3").status_code == 200
    left = web.post(
        f"/admin/members/{member_id}/active",
        data={"csrf_token": csrf_of(page.text), "active": "no", "confirm": "yes"},
        follow_redirects=False,
    )
    assert left.status_code == 303
    assert login(other, "demo-member-3").status_code == 401
    assert "在籍に戻す" in web.get(f"/admin/members/{member_id}").text


def test_admin_sees_and_lifts_a_lock(web, people, suite):
    other = _other_browser(suite)
    for _ in range(suite.settings.login_max_failures):
        login(other, "demo-member-4", "wrong-password")
    assert login(other, "demo-member-4").status_code == 429
    sign_in(web, "demo-admin")
    overview = web.get("/admin").text
    lifts = re.findall(r'action="(/admin/locks/[0-9a-f]+/lift)"', overview)
    assert len(lifts) == 1 and "民生 五月" in overview
    lifted = web.post(
        lifts[0], data={"csrf_token": csrf_of(overview), "back": "overview"}, follow_redirects=False
    )
    assert lifted.status_code == 303
    assert login(other, "demo-member-4", PASSWORD).status_code == 200
    assert "ログインが一時停止中の人はいません" in web.get("/admin").text


def test_pledges_of_everyone_and_keys_in_plain_words(web, people):
    sign_in(web, "demo-admin")
    pledges = web.get("/admin/pledges").text
    row = re.search(r"<tr>\s*<td[^>]*><a[^>]*>民生 五月</a>.*?</tr>", pledges, re.S).group(0)
    assert row.count("未提出") == 2
    row = re.search(r"<tr>\s*<td[^>]*><a[^>]*>包括 三枝</a>.*?</tr>", pledges, re.S).group(0)
    assert row.count("提出済み") == 2 and "まで" in row
    overview = web.get("/admin").text
    for word in ("KEK", "FileKeyProvider", "封印", "ローテーション", "SHA-256"):
        assert word not in overview, word
    # The generation depends on rotations earlier in the run (the test KEK is shared).
    assert "サーバー上の鍵ファイル" in overview and re.search(r"第\d+世代", overview)
