"""No lost text: a long form sent after the time-out is kept as a sealed draft, sign-in leads
back to it, the text comes back for its writer only; the countdown and 「続ける」."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

from sqlalchemy import select

from identity.drafts.models import Draft
from identity.sessions.models import LoginSession
from kasane_shared.db import utcnow
from tests.agenda.scenario import case_body, item_body, meeting_body
from tests.helpers import PASSWORD, auth, token_for
from tests.web.conftest import csrf_of, sign_in
from web.core.page import safe_next

SENTINEL = "見張り文字列・時間切れでも消えない議事メモ-9c41"


def _meeting_with_minutes(web, people) -> tuple[str, str]:
    coordinator = auth(token_for(web, "demo-coordinator"))
    case = web.post("/agenda/cases", json=case_body(people), headers=coordinator).json()
    member = people.members["demo-member-1"]
    attendees = [{"member_id": member, "required": True}]
    meeting = web.post(
        "/agenda/meetings", json=meeting_body("shien", attendees), headers=coordinator
    ).json()
    item = web.post(
        f"/agenda/meetings/{meeting['id']}/items",
        json=item_body(case["id"], "shien"),
        headers=coordinator,
    ).json()
    body = {"attendance": [member], "items": [{"agenda_item_id": item["id"]}]}
    path = f"/minutes/meetings/{meeting['id']}/minutes"
    assert web.put(path, json=body, headers=coordinator).status_code == 200
    return meeting["id"], item["id"]


def _sign_in_to(web, login: str, next_path: str):
    page = web.get("/login", params={"next": next_path})
    return web.post(
        "/login",
        data={
            "csrf_token": csrf_of(page.text),
            "login": login,
            "password": PASSWORD,
            "next": next_path,
        },
        follow_redirects=False,
    )


def _time_out(suite, minutes_ago: int = 1) -> None:
    idle = suite.settings.session_idle_minutes
    with suite.dbs["identity"].session() as session:
        for row in session.scalars(select(LoginSession)):
            row.last_seen_at = utcnow() - timedelta(minutes=idle + minutes_ago)


def _no_sentinel_stored(suite) -> None:
    with suite.dbs["identity"].session() as session:
        rows = list(session.scalars(select(Draft)))
        assert rows, "a draft was kept"
        for row in rows:
            assert SENTINEL not in row.body + row.wrapped_key + row.form


def test_minutes_sent_after_the_time_out_come_back_to_their_writer_only(web, suite, people):
    meeting_id, item_id = _meeting_with_minutes(web, people)
    form_path = f"/meetings/{meeting_id}/minutes"
    sign_in(web, "demo-coordinator")
    editor = web.get(form_path)
    assert f'data-draft="{form_path}"' in editor.text
    _time_out(suite)
    late = web.post(
        form_path,
        data={
            "csrf_token": csrf_of(editor.text),
            "attendance": people.members["demo-member-1"],
            f"{item_id}.discussion": SENTINEL,
            f"{item_id}.decisions": "",
        },
        follow_redirects=False,
    )
    assert late.status_code == 303
    assert late.headers["location"] == f"/login?reason=draft_kept&next={quote(form_path)}"
    assert SENTINEL not in late.text and SENTINEL not in str(late.headers)
    _no_sentinel_stored(suite)
    notice = web.get(late.headers["location"])
    assert "下書きとして残しています" in notice.text and SENTINEL not in notice.text
    # The next person at the same PC signs in to the same page: nothing of the draft.
    other = _sign_in_to(web, "demo-member-1", form_path)
    assert other.headers["location"] == form_path
    seen = web.get(form_path)
    assert seen.status_code == 200 and SENTINEL not in seen.text
    assert "下書きから戻しました" not in seen.text
    # The writer signs in and is back on the form with the text.
    back = _sign_in_to(web, "demo-coordinator", form_path)
    assert back.headers["location"] == form_path
    restored = web.get(form_path)
    assert SENTINEL in restored.text and "下書きから戻しました" in restored.text
    # Saving it deletes the draft.
    saved = web.post(
        form_path,
        data={
            "csrf_token": csrf_of(restored.text),
            "attendance": people.members["demo-member-1"],
            f"{item_id}.discussion": SENTINEL,
            f"{item_id}.decisions": "",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303 and saved.headers["location"] == form_path
    again = web.get(form_path)
    assert "下書きから戻しました" not in again.text and SENTINEL in again.text
    with suite.dbs["identity"].session() as session:
        assert session.scalar(select(Draft)) is None


def test_case_notes_kept_then_discarded(web, suite, people):
    sign_in(web, "demo-coordinator")
    form = web.get("/cases/new")
    assert 'data-draft="/cases/new"' in form.text
    _time_out(suite)
    late = web.post(
        "/cases/new",
        data={"csrf_token": csrf_of(form.text), "title": "事例", "notes": SENTINEL},
        follow_redirects=False,
    )
    assert "reason=draft_kept" in late.headers["location"]
    assert _sign_in_to(web, "demo-coordinator", "/cases/new").headers["location"] == "/cases/new"
    restored = web.get("/cases/new")
    assert SENTINEL in restored.text
    thrown = web.post(
        "/drafts/discard",
        data={"csrf_token": csrf_of(restored.text), "draft_form": "/cases/new"},
        follow_redirects=False,
    )
    assert thrown.status_code == 303 and thrown.headers["location"] == "/cases/new"
    assert SENTINEL not in web.get("/cases/new").text


def test_a_late_post_without_this_browsers_token_keeps_nothing(web, suite, people):
    sign_in(web, "demo-coordinator")
    web.get("/cases/new")
    _time_out(suite)
    late = web.post(
        "/cases/new",
        data={"csrf_token": "0" * 64, "title": "x", "notes": SENTINEL},
        follow_redirects=False,
    )
    assert late.status_code == 303 and "reason=expired" in late.headers["location"]
    assert SENTINEL not in late.text
    with suite.dbs["identity"].session() as session:
        assert session.scalar(select(Draft)) is None


def test_a_signed_out_session_keeps_nothing(web, suite, people):
    sign_in(web, "demo-coordinator")
    form = web.get("/cases/new")
    token = csrf_of(form.text)
    with suite.dbs["identity"].session() as session:
        for row in session.scalars(select(LoginSession)):  # row by row: each keeps its MAC
            row.ended_at, row.end_reason = utcnow(), "logout"
    late = web.post(
        "/cases/new", data={"csrf_token": token, "notes": SENTINEL}, follow_redirects=False
    )
    assert late.status_code == 303 and "reason=expired" in late.headers["location"]
    with suite.dbs["identity"].session() as session:
        assert session.scalar(select(Draft)) is None


def test_script_keeps_while_typing_and_countdown_and_continue(web, suite, people):
    sign_in(web, "demo-coordinator")
    form = web.get("/cases/new")
    token = csrf_of(form.text)
    assert 'name="kasane-csrf"' in form.text and "/static/session.js" in form.text
    assert 'id="session-warning"' in form.text and "続ける" in form.text
    english = web.post("/lang", data={"csrf_token": token, "lang": "en", "next": "/cases/new"}).text
    assert "You will be signed out soon" in english and "Continue" in english
    web.post("/lang", data={"csrf_token": token, "lang": "ja", "next": "/"})
    kept = web.post(
        "/drafts/keep",
        data={"csrf_token": token, "draft_form": "/cases/new", "notes": SENTINEL},
    )
    assert kept.status_code == 200 and kept.json() == {"kept": True}
    refused = web.post("/drafts/keep", data={"csrf_token": token, "draft_form": "/admin"})
    assert refused.status_code == 400
    _no_sentinel_stored(suite)
    # 25 of 30 minutes idle: the countdown says about 5 minutes, and asking does not extend.
    _time_out(suite, minutes_ago=-5)
    left = web.get("/session/left").json()
    assert 270 <= left["left"] <= 300 and left["warn"] == 120
    assert web.get("/session/left").json()["left"] <= left["left"]
    extended = web.post("/session/extend", data={"csrf_token": token}).json()
    assert extended["left"] > 1700
    # After the time-out the countdown says 0; keeping still works, extending does not.
    _time_out(suite)
    assert web.get("/session/left").json()["left"] == 0
    assert web.post("/session/extend", data={"csrf_token": token}).status_code == 401
    late = web.post("/drafts/keep", data={"csrf_token": token, "draft_form": "/cases/new"})
    assert late.status_code == 200 and late.json() == {"kept": False}  # nothing typed


def test_next_after_sign_in_is_a_same_site_path_only(web, people):
    for evil in (
        "//evil.example/x",
        "/\\evil.example",
        "/\t/evil.example",
        "https://evil.example",
        "/%2F/evil.example",
        "/../admin",
        "javascript:alert(1)",
        "/a b",
    ):
        assert safe_next(evil) == "/", evil
        response = _sign_in_to(web, "demo-member-1", evil)
        assert response.status_code == 303 and response.headers["location"] == "/", evil
    for fine in ("/meetings/abc/minutes", "/cases?status=active&sort=number"):
        assert safe_next(fine) == fine
