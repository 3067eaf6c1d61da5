"""Suite mode's in-process unwrap: the checks and audit of ``POST /keys/unwrap``, no HTTP.

Whatever the HTTP call refuses, the in-process call refuses the same way: forged and ended
tokens, members without a pledge, wraps of others, flipped bits, tampered trust rows.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from identity.base import AuditEntry
from identity.custody.local import LocalUnwrap
from identity.members.models import Member
from kasane_shared.crypto import from_text, to_text
from kasane_shared.custody import IdentityClient
from kasane_shared.errors import KasaneError
from kasane_shared.sealing import RecordRef, seal_audience
from tests.agenda import scenario as sc
from tests.helpers import auth, token_for, unwrap_audits

REF = RecordRef("agenda", "cases", "case-local")


@pytest.fixture
def local(suite):
    return LocalUnwrap(suite.suite.identity.state)


@pytest.fixture
def over_http(suite):
    return IdentityClient(suite.client, "/identity")


@pytest.fixture
def in_process(suite, local):
    return IdentityClient(suite.client, "/identity", local)


@pytest.fixture
def member(people):
    return people.members["demo-member-1"]


@pytest.fixture
def token(suite, people):
    return token_for(suite.client, "demo-member-1")


@pytest.fixture
def sealed(suite, people, over_http, member):
    coordinator = token_for(suite.client, "demo-coordinator")
    recipients = over_http.public_keys(coordinator, [member, people.members["demo-member-2"]])
    return seal_audience(
        REF,
        "content",
        1,
        {"notes": "秘密の記録"},
        [(r, "shien") for r in recipients.values()],
        over_http.escrow_key(coordinator, "agenda"),
    )


def _wrap_for(sealed, member_id):
    return next(w for m, _, _, w in sealed.wraps if m == member_id)


def _flipped(wrap: str) -> str:
    raw = bytearray(from_text(wrap))
    raw[len(raw) // 2] ^= 0x01
    return to_text(bytes(raw))


def test_the_suite_unwraps_in_process(suite):
    for app in (suite.suite.agenda, suite.suite.minutes):
        assert isinstance(app.state.identity.local_unwrap, LocalUnwrap)


@pytest.mark.parametrize(
    "wraps",
    [
        pytest.param(lambda s, m, o: [_wrap_for(s, m)], id="own"),
        pytest.param(lambda s, m, o: [_wrap_for(s, o)], id="another member's"),
        pytest.param(lambda s, m, o: [_flipped(_wrap_for(s, m))], id="flipped bit"),
        pytest.param(lambda s, m, o: ["not base64 !!"], id="garbage"),
        pytest.param(lambda s, m, o: [_wrap_for(s, m), _wrap_for(s, o)], id="mixed"),
    ],
)
def test_opens_what_the_http_call_opens_and_audits_it_alike(
    suite, people, sealed, member, token, over_http, in_process, wraps
):
    wrapped = wraps(sealed, member, people.members["demo-member-2"])
    expected = over_http.unwrap_if_pledged(token, wrapped, "shien")
    http_audit = unwrap_audits(suite.dbs["identity"], member)[-1]
    assert in_process.unwrap_if_pledged(token, wrapped, "shien") == expected
    local_audit = unwrap_audits(suite.dbs["identity"], member)[-1]
    assert local_audit.seq > http_audit.seq
    assert (local_audit.outcome, local_audit.details) == (http_audit.outcome, http_audit.details)
    assert [k is not None for k in expected[1]] == [w == _wrap_for(sealed, member) for w in wrapped]


def test_without_the_pledge_nothing_opens(suite, sealed, member, token, in_process):
    sc.revoke_pledges(suite, member, token)
    assert in_process.unwrap_if_pledged(token, [_wrap_for(sealed, member)], "shien") == (
        False,
        [None],
    )
    last = unwrap_audits(suite.dbs["identity"], member)[-1]
    assert last.outcome == "refused" and last.details["refused"] == {"no_pledge": 1}


@pytest.mark.parametrize("forge", ["garbage", "flipped signature", "too long", "signed out"])
def test_a_token_identity_would_refuse_is_refused(suite, sealed, member, token, local, forge):
    wrap = _wrap_for(sealed, member)
    if forge == "signed out":
        assert suite.client.delete("/identity/session", headers=auth(token)).status_code == 204
        presented = token
    else:
        presented = {
            "garbage": "not-a-token",
            "flipped signature": token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB"),
            "too long": token + "A" * 9000,
        }[forge]
    before = len(unwrap_audits(suite.dbs["identity"], member))
    with pytest.raises(KasaneError) as refused:
        local(presented, [wrap], "shien")
    assert refused.value.status == 401
    assert len(unwrap_audits(suite.dbs["identity"], member)) == before  # nothing opened
    # Agenda and minutes read it as they read identity's 401 over HTTP.
    with pytest.raises(KasaneError) as passed_on:
        IdentityClient(suite.client, "/identity", local).unwrap_if_pledged(
            presented, [wrap], "shien"
        )
    assert (passed_on.value.status, passed_on.value.code) == (401, "session_ended")


def test_a_tampered_member_row_is_refused_and_audited(suite, sealed, member, token, in_process):
    with suite.dbs["identity"].session() as session:
        session.execute(update(Member).where(Member.id == member).values(roles=["admin"]))
    with pytest.raises(KasaneError) as refused:
        in_process.unwrap_if_pledged(token, [_wrap_for(sealed, member)], "shien")
    # As over HTTP: identity could not answer usefully, so the view cannot be served (503).
    assert (refused.value.status, refused.value.code) == (503, "identity_unavailable")
    with suite.dbs["identity"].session() as session:
        failures = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "trust_row.integrity_failure")
        ).all()
    assert [(f.target_type, f.target_id) for f in failures] == [("member", member)]


def test_a_malformed_batch_is_refused_before_anything_is_read(
    suite, sealed, member, token, local, in_process
):
    for wrapped in ([], ["x" * 100_000]):
        with pytest.raises(KasaneError) as refused:
            local(token, wrapped, "shien")
        assert refused.value.status == 422
    with pytest.raises(KasaneError) as refused:
        local(token, [_wrap_for(sealed, member)], "other-kind")
    assert refused.value.status == 422
    assert unwrap_audits(suite.dbs["identity"], member) == []
    with pytest.raises(KasaneError) as passed_on:
        in_process.unwrap_if_pledged(token, ["x" * 100_000], "shien")
    assert passed_on.value.status == 503


def test_identity_pool_admits_the_services_that_unwrap_in_process(tmp_path):
    from kasane.serve import close_suite
    from kasane.suite import create_suite
    from kasane_shared.settings import Settings

    settings = Settings(
        data_dir=tmp_path / "var",
        key_file=tmp_path / "keys" / "kek.json",
        max_concurrent_requests=4,
    )
    built = create_suite(settings)
    try:
        sizes = {
            name: app.state.db.bind.pool.size()
            for name, app in (("identity", built.identity), ("agenda", built.agenda))
        }
    finally:
        close_suite(built)
    # Identity's own requests, and agenda's and minutes' unwraps: never a wait for a connection.
    assert sizes == {"identity": 4 * 3 + 2, "agenda": 4 + 2}


def test_identity_failing_reads_as_identity_unavailable(suite, sealed, member, token, caplog):
    def broken(*_args):
        raise RuntimeError("センチネル失敗")

    with pytest.raises(KasaneError) as refused:
        IdentityClient(suite.client, "/identity", broken).unwrap_if_pledged(
            token, [_wrap_for(sealed, member)], "shien"
        )
    # As when identity answers 500 over HTTP; the log names the error's type, not its text.
    assert (refused.value.status, refused.value.code) == (503, "identity_unavailable")
    assert "RuntimeError" in caplog.text and "センチネル失敗" not in caplog.text
