"""配布前確認 and 承認前確認 pages: every text in full, suspects decided by the two buttons."""

from __future__ import annotations

import re
from typing import Any

from tests.agenda.scenario import TITLE, case_body, item_body, meeting_body
from tests.agenda.test_distribution import CLEAR, expected_suspects
from tests.helpers import auth, check_minutes, distribute, token_for
from tests.web.conftest import csrf_of, sign_in


def _meeting(web, people, notes: str = CLEAR) -> tuple[str, str, str]:
    coordinator = auth(token_for(web, "demo-coordinator"))
    case = web.post(
        "/agenda/cases", json=case_body(people, notes=notes), headers=coordinator
    ).json()
    attendees = [{"member_id": people.members["demo-member-1"], "required": True}]
    meeting = web.post(
        "/agenda/meetings", json=meeting_body("shien", attendees), headers=coordinator
    ).json()
    item = web.post(
        f"/agenda/meetings/{meeting['id']}/items",
        json=item_body(case["id"], "shien"),
        headers=coordinator,
    ).json()
    return case["id"], meeting["id"], item["id"]


def _keep_forms(html: str) -> list[tuple[str, dict[str, str]]]:
    """(action URL, hidden fields) of every 「税情報ではない」 form, as a browser would send it."""
    out = []
    for url, inner in re.findall(
        r'<form method="post" action="([^"]+)" class="inline-form">(.*?)</form>', html, re.S
    ):
        fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', inner))
        if fields.get("action") == "keep":
            out.append((url, fields))
    return out


def _suspect_rows(html: str) -> list[tuple[str, str]]:
    """(record.field, "start-end") of every suspect listed with its buttons."""
    return [
        (f"{f.get('record', 'minutes')}.{f['field']}", f"{f['start']}-{f['end']}")
        for _, f in _keep_forms(html)
    ]


def _decide(web, url: str, token: str, fields: dict[str, Any], action: str, start, end):
    data = {"csrf_token": token, **fields, "action": action, "start": start, "end": end}
    return web.post(url, data=data)


def test_distribution_check_page_decides_suspects_and_distributes(web, people):
    case_id, meeting_id, _ = _meeting(web, people)
    expected = expected_suspects(CLEAR)
    sign_in(web, "demo-coordinator")
    manage = web.get(f"/meetings/{meeting_id}/manage")
    assert f'href="/meetings/{meeting_id}/distribution"' in manage.text and "配布前" in manage.text
    page = web.get(f"/meetings/{meeting_id}/distribution")
    assert page.status_code == 200 and "<h1>" in page.text and "配布前確認" in page.text
    notes = [r for r in _suspect_rows(page.text) if r[0] == "case.notes"]
    assert [span for _, span in notes] == [f"{s}-{e}" for s, e, _ in expected]
    for start, end, reason in expected:
        assert f'<mark class="suspect">{CLEAR[start:end]}</mark>' in page.text
        assert reason in page.text
    assert page.text.count(">伏せる</button>") == page.text.count(">税情報ではない</button>") >= 2
    assert 'class="mask-auto"' in page.text and "配布する" in page.text
    token = csrf_of(page.text)

    refused = web.post(f"/meetings/{meeting_id}/distribute", data={"csrf_token": token})
    assert refused.status_code == 409 and "確認が済んでいない疑い箇所が" in refused.text
    sign_in(web, "demo-member-1")
    before = web.get(f"/meetings/{meeting_id}")
    assert "議題は配布前です。" in before.text and TITLE not in before.text
    assert web.get(f"/meetings/{meeting_id}/distribution").status_code == 403

    sign_in(web, "demo-coordinator")
    token = csrf_of(web.get(f"/meetings/{meeting_id}/distribution").text)
    url = f"/meetings/{meeting_id}/distribution/decide"
    notes_field = {"record": "case", "record_id": case_id, "field": "notes"}
    (k_start, k_end, _), (m_start, m_end, _) = expected[0], expected[1]
    kept = _decide(web, url, token, notes_field, "keep", k_start, k_end)
    assert kept.status_code == 200 and "「税情報ではない」と記録しました。" in kept.text
    masked = _decide(web, url, token, notes_field, "mark", m_start, m_end)
    assert masked.status_code == 200 and "伏せる箇所に加えました。" in masked.text
    assert 'class="mask-manual"' in masked.text
    left = [span for f, span in _suspect_rows(masked.text) if f == "case.notes"]
    assert f"{k_start}-{k_end}" not in left and f"{m_start}-{m_end}" not in left
    again = _decide(web, url, token, notes_field, "keep", k_start, k_end)
    assert again.status_code == 422 and "疑い箇所ではありません" in again.text
    nonsense = _decide(web, url, token, notes_field, "delete", "x", "")
    assert nonsense.status_code == 422 and "受け付けられませんでした" in nonsense.text

    with_token = auth(token_for(web, "demo-coordinator"))
    distribute(web, with_token, meeting_id)  # the rest kept, then distributed
    page = web.get(f"/meetings/{meeting_id}/distribution")
    assert "確認待ちの疑い箇所はありません。" in page.text
    assert 'id="distribution-status">配布済み' in page.text
    sign_in(web, "demo-member-1")
    after = web.get(f"/meetings/{meeting_id}")
    assert TITLE in after.text and CLEAR[k_start:k_end] in after.text
    assert CLEAR[m_start:m_end] not in after.text


def test_distribute_button_goes_through_once_nothing_is_open(web, people):
    _, meeting_id, item_id = _meeting(web, people, notes="見守りを続ける。")
    coordinator = auth(token_for(web, "demo-coordinator"))
    distribute(web, coordinator, meeting_id)  # keeps whatever the redactor flags elsewhere
    web.patch(
        f"/agenda/meetings/{meeting_id}/items/{item_id}",
        json={"briefing": "追記センチネルW3。"},
        headers=coordinator,
    )
    sign_in(web, "demo-member-1")
    updating = web.get(f"/meetings/{meeting_id}")
    assert updating.status_code == 200 and "更新中" in updating.text
    assert "追記センチネルW3" not in updating.text
    sign_in(web, "demo-coordinator")
    page = web.get(f"/meetings/{meeting_id}/distribution")
    assert "変更あり" in page.text and "未配布" in page.text
    for url, fields in _keep_forms(page.text):  # the new briefing may have some
        assert web.post(url, data=fields).status_code == 200
    page = web.get(f"/meetings/{meeting_id}/distribution")
    done = web.post(f"/meetings/{meeting_id}/distribute", data={"csrf_token": csrf_of(page.text)})
    assert done.status_code == 200 and "議題を配布しました。" in done.text
    sign_in(web, "demo-member-1")
    assert "追記センチネルW3" in web.get(f"/meetings/{meeting_id}").text


def test_minutes_page_shows_the_check_before_approval(web, people):
    _, meeting_id, item_id = _meeting(web, people, notes="見守りを続ける。")
    coordinator = auth(token_for(web, "demo-coordinator"))
    member = people.members["demo-member-1"]
    body = {"attendance": [member], "items": [{"agenda_item_id": item_id, "discussion": CLEAR}]}
    base = f"/minutes/meetings/{meeting_id}/minutes"
    assert web.put(base, json=body, headers=coordinator).status_code == 200
    assert web.post(f"{base}/submit", headers=coordinator).status_code == 200
    sign_in(web, "demo-coordinator")
    page = web.get(f"/meetings/{meeting_id}/minutes")
    assert "承認前確認" in page.text and "承認する" in page.text
    assert page.text.index('id="check"') < page.text.index('id="review"')
    rows = [span for f, span in _suspect_rows(page.text) if f == "minutes.discussion"]
    expected = expected_suspects(CLEAR)
    assert rows == [f"{s}-{e}" for s, e, _ in expected]
    token = csrf_of(page.text)
    refused = web.post(f"/meetings/{meeting_id}/minutes/approve", data={"csrf_token": token})
    assert refused.status_code == 409 and "確認が済んでいない疑い箇所が" in refused.text
    fields = {"agenda_item_id": item_id, "field": "discussion"}
    url = f"/meetings/{meeting_id}/minutes/tax-marks"
    (k_start, k_end, _), (m_start, m_end, _) = expected[0], expected[1]
    kept = _decide(web, url, token, fields, "keep", k_start, k_end)
    assert kept.status_code == 200 and "「税情報ではない」と記録しました。" in kept.text
    masked = _decide(web, url, token, fields, "mark", m_start, m_end)
    assert masked.status_code == 200 and 'class="mask-manual"' in masked.text
    check_minutes(web, coordinator, meeting_id)
    approved = web.post(f"/meetings/{meeting_id}/minutes/approve", data={"csrf_token": token})
    assert approved.status_code == 200 and "会議録を承認しました。" in approved.text
    assert 'id="check"' not in approved.text
