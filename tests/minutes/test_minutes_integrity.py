"""Finding 11: an item pointed at another case's tax block, with the unkeyed hash recomputed.

The approved version's content hash is a MAC under the minutes' rows key: whoever can write
the database can repoint a tax block and recompute a SHA-256, not the MAC. Views and Word
copies refuse the altered version (409) and the refusal is audited.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from sqlalchemy import insert, select, update

from minutes.base import AuditEntry
from minutes.meeting_minutes.models import Minutes, MinutesItem, TaxBlock
from tests.helpers import assert_problem, auth, check_minutes
from tests.minutes.test_minutes_flow import TAX_SAID, _minutes, _setup, _write

OTHER_TAX = "固定資産税を3年分滞納"


def _approved(suite, coordinator, people, tokens, discussion: str | None = None) -> str:
    """Minutes of a new case's 支援会議, written, checked and approved; the meeting id."""
    _, meeting_id, item_id = _setup(coordinator, people, "shien", None)
    extra = {"discussion": discussion} if discussion else {}
    assert _write(suite, tokens, people, meeting_id, item_id, **extra).status_code == 200
    token = tokens["demo-coordinator"]
    assert _minutes(suite, token, meeting_id, "POST", "/submit").status_code == 200
    check_minutes(suite.client, auth(token), meeting_id)
    response = _minutes(suite, token, meeting_id, "POST", "/approve")
    assert response.status_code == 200, response.text
    return meeting_id


def unkeyed_hash(session, minutes: Minutes) -> str:
    """The SHA-256 the minutes stored as their content hash before it was a MAC."""
    items = list(
        session.scalars(
            select(MinutesItem)
            .where(MinutesItem.minutes_id == minutes.id)
            .order_by(MinutesItem.position)
        )
    )
    document: dict[str, Any] = {
        "meeting_id": minutes.meeting_id,
        "version": minutes.version,
        "kind": minutes.conference_kind,
        "attendance": sorted(minutes.attendance),
        "next_meeting_at": minutes.next_meeting_at.isoformat() if minutes.next_meeting_at else None,
        "items": [
            {
                "agenda_item_id": i.agenda_item_id,
                "position": i.position,
                "purpose": i.purpose,
                "sealed": i.sealed_fields,
                "tax": {
                    path: session.get(TaxBlock, b).sealed_fields
                    for path, b in sorted((i.tax_blocks or {}).items())
                },
            }
            for i in items
        ],
    }
    text = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _item_of(session, meeting_id: str) -> MinutesItem:
    minutes = session.scalar(select(Minutes).where(Minutes.meeting_id == meeting_id))
    return session.scalar(select(MinutesItem).where(MinutesItem.minutes_id == minutes.id))


def _repoint(suite, meeting_id: str, other_meeting_id: str, rehash: bool = True) -> str:
    """What a database writer does: point the item at the other case's block, re-hash."""
    with suite.dbs["minutes"].session() as session:
        other = _item_of(session, other_meeting_id).tax_blocks["discussion"]
        item = _item_of(session, meeting_id)
        session.execute(
            update(MinutesItem)
            .where(MinutesItem.id == item.id)
            .values(tax_blocks={"discussion": other})
        )
        session.expire_all()
        minutes = session.scalar(select(Minutes).where(Minutes.meeting_id == meeting_id))
        if rehash:
            session.execute(
                update(Minutes)
                .where(Minutes.id == minutes.id)
                .values(content_hash=unkeyed_hash(session, minutes))
            )
        return minutes.id


def _failures(suite, minutes_id: str) -> list[AuditEntry]:
    with suite.dbs["minutes"].session() as session:
        return list(
            session.scalars(
                select(AuditEntry).where(
                    AuditEntry.action == "minutes.integrity_failure",
                    AuditEntry.target_id == minutes_id,
                )
            )
        )


def test_a_repointed_tax_block_with_a_recomputed_hash_is_refused(
    suite, coordinator, people, tokens
):
    meeting_id = _approved(suite, coordinator, people, tokens)
    other_id = _approved(
        suite, coordinator, people, tokens, discussion=f"本人は{OTHER_TAX}していると報告があった。"
    )
    token = tokens["demo-coordinator"]
    assert OTHER_TAX in _minutes(suite, token, other_id).text
    shown = _minutes(suite, token, meeting_id)
    assert TAX_SAID in shown.text and OTHER_TAX not in shown.text
    minutes_id = _repoint(suite, meeting_id, other_id)

    for reader in ("demo-coordinator", "demo-member-1"):
        response = _minutes(suite, tokens[reader], meeting_id)
        problem = assert_problem(response, 409, "integrity_failure")
        assert "会議録" in problem["title"] and OTHER_TAX not in response.text
    word = suite.client.get(f"/minutes/meetings/{meeting_id}/minutes.docx", headers=auth(token))
    assert_problem(word, 409, "integrity_failure")
    # Each refusal is audited (the request's own transaction was rolled back).
    assert len(_failures(suite, minutes_id)) == 3
    # The other case's minutes are untouched and still served.
    assert OTHER_TAX in _minutes(suite, token, other_id).text


@pytest.mark.parametrize("content_hash", [None, "0" * 64], ids=["nulled", "zeros"])
def test_an_approved_version_without_its_mac_is_refused(
    suite, coordinator, people, tokens, content_hash
):
    meeting_id = _approved(suite, coordinator, people, tokens)
    with suite.dbs["minutes"].session() as session:
        session.execute(
            update(Minutes)
            .where(Minutes.meeting_id == meeting_id)
            .values(content_hash=content_hash)
        )
    assert_problem(_minutes(suite, tokens["demo-member-1"], meeting_id), 409, "integrity_failure")


def test_the_approver_is_part_of_the_mac(suite, coordinator, people, tokens):
    meeting_id = _approved(suite, coordinator, people, tokens)
    with suite.dbs["minutes"].session() as session:
        session.execute(
            update(Minutes)
            .where(Minutes.meeting_id == meeting_id)
            .values(approved_by=people.members["demo-member-2"])
        )
    assert_problem(_minutes(suite, tokens["demo-member-1"], meeting_id), 409, "integrity_failure")


def test_a_repointed_tax_block_in_review_is_refused(suite, coordinator, people, tokens):
    """No content hash yet: the item's own sealed pointers refuse another case's block."""
    other_id = _approved(
        suite, coordinator, people, tokens, discussion=f"本人は{OTHER_TAX}していると報告があった。"
    )
    _, meeting_id, item_id = _setup(coordinator, people, "shien", None)
    assert _write(suite, tokens, people, meeting_id, item_id).status_code == 200
    token = tokens["demo-coordinator"]
    assert _minutes(suite, token, meeting_id, "POST", "/submit").status_code == 200
    minutes_id = _repoint(suite, meeting_id, other_id, rehash=False)

    for reader in ("demo-coordinator", "demo-member-1"):
        response = _minutes(suite, tokens[reader], meeting_id)
        assert_problem(response, 409, "integrity_failure")
        assert OTHER_TAX not in response.text
    check = suite.client.get(f"/minutes/meetings/{meeting_id}/minutes/check", headers=auth(token))
    assert_problem(check, 409, "integrity_failure")
    assert OTHER_TAX not in check.text
    with suite.dbs["minutes"].session() as session:
        repointed = _item_of(session, meeting_id).id
    # The item's origin MAC covers its pointers: refused before it is opened, the item named.
    assert _failures(suite, minutes_id) == []
    assert len(_failures(suite, repointed)) == 3


def test_a_dropped_pointer_is_refused_too(suite, coordinator, people, tokens):
    """Removing the pointer would show the masked text as if nothing were hidden."""
    _, meeting_id, item_id = _setup(coordinator, people, "shien", None)
    assert _write(suite, tokens, people, meeting_id, item_id).status_code == 200
    with suite.dbs["minutes"].session() as session:
        item = _item_of(session, meeting_id)
        session.execute(update(MinutesItem).where(MinutesItem.id == item.id).values(tax_blocks={}))
    assert_problem(
        _minutes(suite, tokens["demo-coordinator"], meeting_id), 409, "integrity_failure"
    )


def test_an_item_sealed_before_the_pointers_still_opens(suite, coordinator, people, tokens):
    """Items sealed before 0006 hold their body alone ("body"): they open as before."""
    from kasane_shared.crypto import seal_field
    from minutes.integrity.models import RecordOriginBackfill
    from minutes.meeting_minutes.sealing import ITEM_FIELD, open_for, ref

    _, meeting_id, item_id = _setup(coordinator, people, "shien", None)
    assert _write(suite, tokens, people, meeting_id, item_id).status_code == 200
    token = tokens["demo-coordinator"]
    identity = suite.suite.minutes.state.identity
    with suite.dbs["minutes"].session() as session:
        item = _item_of(session, meeting_id)
        kind = session.get(Minutes, item.minutes_id).conference_kind
        author = people.members["demo-coordinator"]
        opened = open_for(session, identity, token, author, kind, [("minutes_items", item.id)])
        body = opened.open("minutes_items", item, item.audience)["body"]
        key = opened.keys[("minutes_items", item.id, item.audience)]
        legacy = seal_field(
            key,
            ref("minutes_items", item.id).binding(item.audience),
            "body",
            item.seal_version,
            body,
        )
        assert ITEM_FIELD in item.sealed_fields[item.audience]
        session.execute(
            update(MinutesItem)
            .where(MinutesItem.id == item.id)
            .values(sealed_fields={item.audience: {"body": legacy}}, origin_mac=None)
        )
        # As migration 0007 leaves such an item: listed, its origin made on the first request.
        session.execute(
            insert(RecordOriginBackfill).values(table_name="minutes_items", row_id=item.id)
        )
    suite.suite.minutes.state.origin_backfill = True
    shown = _minutes(suite, token, meeting_id)
    assert shown.status_code == 200 and TAX_SAID in shown.text
