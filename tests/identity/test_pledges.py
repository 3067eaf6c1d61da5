"""Confidentiality pledges: versioned texts, signing, fiscal-year validity, revocation."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from identity.pledges.models import Pledge
from identity.pledges.service import JST, fiscal_year_end, today_jst
from tests.helpers import assert_problem, auth, token_for


@pytest.mark.parametrize(
    "day,end",
    [
        (date(2026, 4, 1), date(2027, 3, 31)),
        (date(2026, 11, 23), date(2027, 3, 31)),
        (date(2026, 12, 31), date(2027, 3, 31)),
        (date(2027, 1, 1), date(2027, 3, 31)),
        (date(2027, 3, 31), date(2027, 3, 31)),
        (date(2027, 4, 1), date(2028, 3, 31)),
    ],
)
def test_fiscal_year_end(day, end):
    assert fiscal_year_end(day) == end


def test_today_is_counted_in_japan():
    # 2027-03-31 20:00 UTC is already 1 April in Japan: a new fiscal year.
    assert today_jst(
        datetime(2027, 3, 31, 20, 0, tzinfo=JST).replace(tzinfo=None).astimezone(JST)
    ) in (date(2027, 3, 31), date(2027, 4, 1))
    from datetime import UTC

    assert today_jst(datetime(2027, 3, 31, 20, 0, tzinfo=UTC)) == date(2027, 4, 1)


def _template(suite, headers, kind):
    templates = suite.client.get(f"/identity/pledge-templates?kind={kind}", headers=headers).json()
    return next(t for t in templates if t["current"])


def test_default_templates_are_japanese(suite, people):
    headers = auth(token_for(suite.client, "demo-member-4"))
    for kind, law in (("shien", "社会福祉法第106条の6"), ("jusou", "重層的支援会議")):
        template = _template(suite, headers, kind)
        assert law in template["text"] and template["version"] == 1
        assert template["text_sha256"] == hashlib.sha256(template["text"].encode()).hexdigest()


def test_member_signs_and_holds_valid_pledge(suite, people):
    member_id = people.members["demo-member-4"]
    headers = auth(token_for(suite.client, "demo-member-4"))
    status = suite.client.get(
        f"/identity/members/{member_id}/pledges/status?kind=shien", headers=headers
    ).json()
    assert status["valid"] is False
    template = _template(suite, headers, "shien")
    signed = suite.client.post(
        f"/identity/members/{member_id}/pledges",
        json={"template_id": template["id"]},
        headers=headers,
    )
    assert signed.status_code == 201
    pledge = signed.json()
    assert pledge["valid_until"] == fiscal_year_end(today_jst()).isoformat()
    assert pledge["text_sha256"] == template["text_sha256"] and pledge["template_version"] == 1
    assert (
        suite.client.get(
            f"/identity/members/{member_id}/pledges/status?kind=shien", headers=headers
        ).json()["valid"]
        is True
    )
    # A pledge for one kind says nothing about the other.
    assert (
        suite.client.get(
            f"/identity/members/{member_id}/pledges/status?kind=jusou", headers=headers
        ).json()["valid"]
        is False
    )


def test_only_the_member_signs(suite, people):
    headers = auth(token_for(suite.client, "demo-coordinator"))
    template = _template(suite, headers, "shien")
    assert_problem(
        suite.client.post(
            f"/identity/members/{people.members['demo-member-4']}/pledges",
            json={"template_id": template["id"]},
            headers=headers,
        ),
        403,
    )


def test_superseded_template_cannot_be_signed(suite, people):
    admin = auth(token_for(suite.client, "demo-admin"))
    old = _template(suite, admin, "shien")
    new = suite.client.post(
        "/identity/pledge-templates",
        json={"conference_kind": "shien", "text": old["text"] + "\n6. 追加条項。"},
        headers=admin,
    )
    assert new.status_code == 201 and new.json()["version"] == 2
    member = auth(token_for(suite.client, "demo-member-4"))
    assert_problem(
        suite.client.post(
            f"/identity/members/{people.members['demo-member-4']}/pledges",
            json={"template_id": old["id"]},
            headers=member,
        ),
        409,
        "template_superseded",
    )
    assert (
        suite.client.post(
            f"/identity/members/{people.members['demo-member-4']}/pledges",
            json={"template_id": new.json()["id"]},
            headers=member,
        ).status_code
        == 201
    )


def test_revoked_pledge_is_not_valid(suite, people):
    member_id = people.members["demo-member-1"]
    headers = auth(token_for(suite.client, "demo-member-1"))
    pledges = suite.client.get(f"/identity/members/{member_id}/pledges", headers=headers).json()
    shien = next(p for p in pledges if p["conference_kind"] == "shien")
    admin = auth(token_for(suite.client, "demo-admin"))
    revoked = suite.client.post(
        f"/identity/members/{member_id}/pledges/{shien['id']}/revoke",
        json={"reason": "異動"},
        headers=admin,
    )
    assert revoked.status_code == 200 and revoked.json()["valid"] is False
    assert (
        suite.client.get(
            f"/identity/members/{member_id}/pledges/status?kind=shien", headers=headers
        ).json()["valid"]
        is False
    )
    assert_problem(
        suite.client.post(
            f"/identity/members/{member_id}/pledges/{shien['id']}/revoke", json={}, headers=admin
        ),
        409,
    )


def test_expired_pledge_is_not_valid(suite, people):
    member_id = people.members["demo-member-2"]
    with suite.dbs["identity"].session() as session:
        for pledge in session.scalars(select(Pledge).where(Pledge.member_id == member_id)):
            pledge.valid_until = today_jst() - timedelta(days=1)
    headers = auth(token_for(suite.client, "demo-coordinator"))
    status = suite.client.get(
        f"/identity/pledge-status?kind=jusou&member_id={member_id}&member_id={people.members['demo-member-1']}",
        headers=headers,
    ).json()
    assert [s["valid"] for s in status] == [False, True]


def test_members_cannot_read_others_pledges(suite, people):
    headers = auth(token_for(suite.client, "demo-member-4"))
    assert_problem(
        suite.client.get(
            f"/identity/members/{people.members['demo-member-1']}/pledges", headers=headers
        ),
        403,
    )
    assert_problem(
        suite.client.get(
            f"/identity/pledge-status?kind=shien&member_id={people.members['demo-member-1']}",
            headers=headers,
        ),
        403,
    )


def test_template_text_must_be_substantial(suite, people):
    admin = auth(token_for(suite.client, "demo-admin"))
    assert_problem(
        suite.client.post(
            "/identity/pledge-templates",
            json={"conference_kind": "shien", "text": "短い"},
            headers=admin,
        ),
        422,
    )
    assert_problem(
        suite.client.post(
            "/identity/pledge-templates",
            json={"conference_kind": "other", "text": "誓約します。" * 10},
            headers=admin,
        ),
        422,
    )
