"""Plain pages: errors as Japanese pages with a way back, tab titles that name the page and never
a case or meeting, forms with an error summary, no engineers' words for members."""

from __future__ import annotations

import re

from tests.web.conftest import csrf_of, sign_in

MEETING_TITLE = "タブに出てはいけない会議名"
CASE_TITLE = "タブに出てはいけない事例名"


def _title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1)


def _meeting(web, people) -> str:
    page = web.get("/meetings/new")
    made = web.post(
        "/meetings/new",
        data={
            "csrf_token": csrf_of(page.text),
            "kind": "shien",
            "title": MEETING_TITLE,
            "date": "2030-12-03",
            "start_time": "10:00",
            "end_time": "11:00",
            "place": "会議室A",
            "attendees": [people.members["demo-member-1"]],
            "rhythm": "adhoc",
            "action": "create",
            "confirmed": "1",
        },
        follow_redirects=False,
    )
    assert made.status_code == 303, made.text
    return made.headers["location"].split("/")[2]


def test_word_link_without_minutes_is_a_japanese_page_with_a_way_back(web, people):
    sign_in(web, "demo-coordinator")
    meeting = _meeting(web, people)
    response = web.get(
        f"/meetings/{meeting}/word", headers={"Referer": f"http://testserver/meetings/{meeting}"}
    )
    assert 400 <= response.status_code < 500
    assert response.headers["content-type"].startswith("text/html")
    assert 'lang="ja"' in response.text and "problem" not in response.headers["content-type"]
    assert f'href="/meetings/{meeting}"' in response.text and "前の画面に戻る" in response.text
    # Without a page to return to, the list of meetings is the way back.
    alone = web.get(f"/meetings/{meeting}/word")
    assert 'href="/meetings"' in alone.text and "会議の一覧に戻る" in alone.text


def test_unknown_pages_and_methods_read_as_pages(web, people):
    sign_in(web, "demo-member-1")
    for response in (web.get("/no-such-page"), web.get("/meetings/0123/nothing-here")):
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("text/html")
        assert "見つかりません" in response.text and 'href="/"' in response.text
    refused = web.get("/admin")
    assert refused.status_code == 403 and "権限がありません" in refused.text


def test_tab_titles_name_the_page_never_the_case_or_meeting(web, people):
    sign_in(web, "demo-coordinator")
    meeting = _meeting(web, people)
    form = web.get("/cases/new")
    created = web.post(
        "/cases/new",
        data={"csrf_token": csrf_of(form.text), "title": CASE_TITLE, "summary": "概要"},
        follow_redirects=False,
    )
    case = created.headers["location"]
    for path in (f"/meetings/{meeting}", f"/meetings/{meeting}/manage", case):
        page = web.get(path)
        assert page.status_code == 200, path
        title = _title(page.text)
        assert MEETING_TITLE not in title and CASE_TITLE not in title, (path, title)
    assert _title(web.get(case).text).startswith("事例の詳細")
    assert _title(web.get(f"/meetings/{meeting}/manage").text).startswith("会議の管理")


def test_forms_with_errors_start_with_a_linked_summary(web, people):
    sign_in(web, "demo-coordinator")
    page = web.get("/meetings/new")
    bad = web.post(
        "/meetings/new",
        data={"csrf_token": csrf_of(page.text), "kind": "shien", "action": "create"},
    )
    assert bad.status_code == 422
    summary = bad.text.split('id="form-errors"', 1)[1].split("</div>", 1)[0]
    for field, words in (
        ("title", "会議名を入力してください。"),
        ("place", "場所を入力してください。"),
    ):
        assert f'href="#f-{field}"' in summary and words in summary
    assert "入力してください。</p>" not in bad.text.replace("を入力してください。</p>", "")


def test_no_engineers_words_on_a_coordinators_pages(web, people):
    sign_in(web, "demo-coordinator")
    meeting = _meeting(web, people)
    pages = [web.get(p).text for p in ("/", f"/meetings/{meeting}/manage", "/pledges")]
    for html in pages:
        for word in ("鍵を配り直", "KEK", "SHA-256", "ハッシュ", "招集者"):
            assert word not in html, word


def test_new_pages_in_english_on_request(web, people):
    web.cookies.set("kasane_lang", "en")
    sign_in(web, "demo-admin")
    member = people.members["demo-member-1"]
    for path, words in (
        ("/account", "Two-step sign-in"),
        ("/account/password", "Change password"),
        ("/admin", "Sign-in paused"),
        ("/admin/pledges", "Pledges of everyone"),
        (f"/admin/members/{member}", "Departure"),
    ):
        page = web.get(path)
        assert page.status_code == 200 and words in page.text, path
        assert 'lang="en"' in page.text
    web.cookies.clear()
    web.cookies.set("kasane_lang", "en")
    sign_in(web, "demo-auditor")
    page = web.get("/audit")
    assert page.status_code == 200 and "Sign-in" in page.text.split("<tbody>", 1)[1]
