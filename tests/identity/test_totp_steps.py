"""TOTP codes are accepted for strictly increasing time steps only."""

from __future__ import annotations

from datetime import timedelta

import pyotp

from identity.members.models import Member
from identity.sessions.service import totp_aad
from kasane_shared.db import utcnow
from tests.helpers import assert_problem, login


def _enable_totp(suite, member_id: str) -> pyotp.TOTP:
    secret = pyotp.random_base32()
    kek = suite.suite.identity.state.kek
    with suite.dbs["identity"].session() as session:
        member = session.get(Member, member_id)
        member.totp_secret_sealed = kek.seal(secret.encode(), totp_aad(member_id))
        member.totp_enabled, member.totp_last_step = True, None
    return pyotp.TOTP(secret)


def test_a_code_of_an_older_step_is_refused_after_a_newer_one(suite, people):
    totp = _enable_totp(suite, people.members["demo-member-1"])
    now = utcnow()
    newer, older = totp.at(now + timedelta(seconds=30)), totp.at(now)
    if newer == older:  # one chance in a million: the attack below would be the replay
        return
    assert login(suite.client, "demo-member-1", totp=newer).status_code == 200
    # The current step's code, seen by an onlooker, is older than the one just used.
    assert_problem(login(suite.client, "demo-member-1", totp=older), 401, "invalid_credentials")
    with suite.dbs["identity"].session() as session:
        member = session.get(Member, people.members["demo-member-1"])
        assert member.totp_last_step == totp.timecode(now + timedelta(seconds=30))
