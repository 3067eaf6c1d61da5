"""Demo seeding (`kasane serve --demo`): what it commits is anchored while its clients run.

An anchor timer left armed by seeding fired while the seeding's test clients shut down,
called into a portal that was stopping, and the shutdown then waited on it for ever: the
server never listened (seen in a third of demo starts under load).
"""

from __future__ import annotations

from pathlib import Path

from kasane_shared.settings import Settings


def test_seeding_anchors_each_commit_at_once_and_leaves_no_timer(tmp_path: Path) -> None:
    from kasane.demo import DEMO_PASSWORD, in_process, seed_identity
    from kasane.serve import close_suite
    from kasane.suite import create_suite

    settings = Settings(
        data_dir=tmp_path / "var", key_file=tmp_path / "keys" / "kek.json", demo=True
    )
    suite = create_suite(settings)
    anchorers = [app.state.db.anchorer for app in (suite.agenda, suite.minutes)]
    assert all(a.interval > 0 for a in anchorers)
    try:
        seed_identity(suite.identity.state.db, suite.identity.state.kek)
        with in_process(suite) as client:
            login = {"login": "demo-coordinator", "password": DEMO_PASSWORD}
            signed_in = client.post("/identity/session", json=login)
            assert signed_in.status_code == 200, signed_in.text
            token = signed_in.json()["access_token"]
            created = client.post(
                "/agenda/cases",
                json={"title": "種まきの事例", "notes": "訪問を継続。"},
                headers={"Authorization": f"Bearer {token}"},
            )
            assert created.status_code == 201, created.text
            agenda = anchorers[0]
            assert agenda.lag() == (0.0, 0)  # anchored on commit, not later
            assert agenda._timer is None  # no timer to fire as the clients shut down
        assert [a.interval for a in anchorers] == [settings.audit_anchor_seconds] * 2
    finally:
        close_suite(suite)
