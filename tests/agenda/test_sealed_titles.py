"""Meeting titles and consent form references are sealed at rest (issue 14, finding 5).

Agenda runs here on a database file of its own (committed, WAL mode), so the test can read
the bytes an attacker with a copy of the file (and its -wal) would read. The second test
starts from a database an older release wrote (plain columns) and checks that the upgrade
leaves no plaintext once the service has sealed what the migration set aside.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from fastapi.testclient import TestClient
from sqlalchemy import inspect, select, text

from agenda.keys.models import UnsealedText
from kasane_shared.db import Database, upgrade_database
from tests.agenda import scenario as sc
from tests.conftest import BACKEND, SuiteUnderTest

pytestmark = pytest.mark.skipif(BACKEND != "sqlite", reason="reads the SQLite file's bytes")

TITLE = "センチネル会議名M7の世帯"
REFERENCE = "センチネル同意書F9"
NEW_TITLE = "センチネル会議名M8の世帯"
OLD_TITLE = "センチネル旧会議名M9"
OLD_REFERENCE = "センチネル旧同意書F0"


def _bytes(path: Path) -> bytes:
    found = b""
    for name in (path, Path(f"{path}-wal")):
        if name.exists():
            found += name.read_bytes()
    return found


def _absent(path: Path, *sentinels: str) -> None:
    raw = _bytes(path)
    assert len(raw) > 10_000  # the file is there, with the rows in it
    for sentinel in sentinels:
        assert sentinel.encode() not in raw, sentinel


def _build(dbs, settings, kek, agenda_db: Database) -> Iterator[SuiteUnderTest]:
    import agenda.app
    import identity.app
    import minutes.app
    from kasane.suite import create_suite, route_service_calls

    identity_app = identity.app.create_app(settings, db=dbs["identity"], kek=kek)
    jwks = identity_app.state.signing_keys
    agenda_app = agenda.app.create_app(settings, jwks=jwks, db=agenda_db)
    minutes_app = minutes.app.create_app(settings, jwks=jwks, db=dbs["minutes"])
    built = create_suite(
        settings, identity_app=identity_app, agenda_app=agenda_app, minutes_app=minutes_app
    )
    mixed = {**dbs, "agenda": agenda_db}
    with TestClient(built.app, raise_server_exceptions=False) as client:
        with TestClient(built.app, raise_server_exceptions=False) as service_http:
            route_service_calls(built, service_http)
            yield SuiteUnderTest(client, built, mixed, settings)


@pytest.fixture
def agenda_file(tmp_path: Path) -> Path:
    """Where agenda's database file lives in this test."""
    return tmp_path / "agenda.db"


@pytest.fixture
def agenda_db(agenda_file: Path, request: pytest.FixtureRequest) -> Iterator[Database]:
    """Agenda's own database file at the newest schema (or as ``old_rows`` left it)."""
    url = f"sqlite:///{agenda_file}"
    if "old_rows" in request.fixturenames:
        request.getfixturevalue("old_rows")
    if not agenda_file.exists():
        upgrade_database("agenda:migrations", url)
    db = Database.from_url(url)
    yield db
    db.dispose()


@pytest.fixture
def suite(dbs, settings, kek, agenda_db) -> Iterator[SuiteUnderTest]:
    """The suite with agenda on its own committed database file."""
    yield from _build(dbs, settings, kek, agenda_db)


def test_title_and_form_reference_are_in_no_byte_of_the_database(
    suite, agenda_file, coordinator, people, api
):
    m1 = people.members["demo-member-1"]
    case = coordinator.ok(coordinator.post("/cases", sc.case_body(people)), 201)
    consent = coordinator.ok(
        coordinator.post(
            f"/cases/{case['id']}/consents",
            {
                "obtained_on": "2026-04-01",
                "organization_ids": [people.organizations["council"]],
                "covers_tax": False,
                "form_reference": REFERENCE,
            },
        ),
        201,
    )
    assert consent["form_reference"] == REFERENCE
    body = sc.meeting_body("shien", [{"member_id": m1, "required": True}], title=TITLE)
    meeting = coordinator.ok(coordinator.post("/meetings", body), 201)
    assert meeting["title"] == TITLE
    _absent(agenda_file, TITLE, REFERENCE)

    # Coordinators and pledged invitees still read the title; the consent list its reference.
    assert coordinator.ok(coordinator.get(f"/meetings/{meeting['id']}"))["title"] == TITLE
    member = api("demo-member-1")
    assert member.ok(member.get(f"/meetings/{meeting['id']}"))["title"] == TITLE
    assert [m["title"] for m in member.ok(member.get("/meetings"))] == [TITLE]
    coordinator.distribute(meeting["id"])
    view = member.ok(member.get(f"/meetings/{meeting['id']}/agenda"))
    assert view["meeting"]["title"] == TITLE
    listed = coordinator.ok(coordinator.get(f"/cases/{case['id']}/consents"))
    assert [c["form_reference"] for c in listed] == [REFERENCE]
    # A changed title is sealed anew, for the same readers.
    changed = coordinator.ok(coordinator.patch(f"/meetings/{meeting['id']}", {"title": NEW_TITLE}))
    assert changed["title"] == NEW_TITLE
    assert member.ok(member.get(f"/meetings/{meeting['id']}"))["title"] == NEW_TITLE
    _absent(agenda_file, TITLE, NEW_TITLE, REFERENCE)


def test_a_member_without_a_pledge_reads_the_kind_label(suite, coordinator, people, api):
    m4 = people.members["demo-member-4"]
    body = sc.meeting_body("shien", [{"member_id": m4, "required": True}], title=TITLE)
    meeting = coordinator.ok(coordinator.post("/meetings", body), 201)
    member = api("demo-member-4")
    assert member.ok(member.get(f"/meetings/{meeting['id']}"))["title"] == "支援会議"
    assert TITLE not in member.get("/meetings").text


def test_invitees_added_later_read_the_title_and_removed_ones_lose_it(
    suite, coordinator, people, api
):
    m1, m2 = people.members["demo-member-1"], people.members["demo-member-2"]
    body = sc.meeting_body("shien", [{"member_id": m1, "required": True}], title=TITLE)
    meeting = coordinator.ok(coordinator.post("/meetings", body), 201)
    coordinator.ok(
        coordinator.post(f"/meetings/{meeting['id']}/attendees", {"attendees": [{"member_id": m2}]})
    )
    member = api("demo-member-2")
    assert member.ok(member.get(f"/meetings/{meeting['id']}"))["title"] == TITLE
    assert coordinator.delete(f"/meetings/{meeting['id']}/attendees/{m2}").status_code == 204
    with suite.dbs["agenda"].session() as session:
        left = session.execute(
            text("SELECT count(*) FROM wraps WHERE record_id = :m AND member_id = :who"),
            {"m": meeting["id"], "who": m2},
        ).scalar()
    assert left == 0


@pytest.fixture
def old_rows(agenda_file: Path) -> None:
    """A database as release 0008 wrote it: a meeting and a consent in clear, then upgraded."""
    config = Config()
    config.set_main_option("script_location", "agenda:migrations")
    config.set_main_option("sqlalchemy.url", f"sqlite:///{agenda_file}")
    command.upgrade(config, "0008")
    db = Database.from_url(f"sqlite:///{agenda_file}")
    now = "2026-11-01 00:00:00.000000"
    with db.session() as session:
        for statement in (
            "INSERT INTO cases (id, status, issue_codes, created_by, created_at, updated_at,"
            " seal_version, sealed_fields, escrow_wraps)"
            f" VALUES ('c1', 'potential', '[]', 'x', '{now}', '{now}', 1, '{{}}', '{{}}')",
            "INSERT INTO consents (id, case_id, obtained_on, organization_ids, covers_tax,"
            f" form_reference, created_by, created_at) VALUES ('k1', 'c1', '2026-04-01', '[]',"
            f" 0, '{OLD_REFERENCE}', 'x', '{now}')",
            "INSERT INTO meetings (id, kind, title, starts_at, ends_at, tz_offset_minutes,"
            " place, created_by, created_at) VALUES ('m1', 'shien',"
            f" '{OLD_TITLE}', '2026-12-01 01:00:00.000000', '2026-12-01 02:00:00.000000', 540,"
            f" '会議室A', 'x', '{now}')",
            "INSERT INTO attendees (id, meeting_id, member_id, required, case_ids)"
            " VALUES ('a1', 'm1', 'invitee', 1, '[]')",
        ):
            session.execute(text(statement))
    db.dispose()
    upgrade_database("agenda:migrations", f"sqlite:///{agenda_file}")


def test_upgrade_seals_what_older_releases_kept_in_clear(
    old_rows, suite, agenda_file, people, coordinator, api
):
    with suite.dbs["agenda"].session() as session:
        columns = {c["name"] for c in inspect(session.connection()).get_columns("meetings")}
        assert "title" not in columns
        assert len(session.scalars(select(UnsealedText)).all()) == 2
        # The invitee of the old meeting is demo-member-1 (seeded after the old rows).
        session.execute(
            text("UPDATE attendees SET member_id = :m WHERE id = 'a1'"),
            {"m": people.members["demo-member-1"]},
        )
    assert coordinator.ok(coordinator.get("/meetings/m1"))["title"] == OLD_TITLE
    consents = coordinator.ok(coordinator.get("/cases/c1/consents"))
    assert consents[0]["form_reference"] == OLD_REFERENCE
    member = api("demo-member-1")
    assert member.ok(member.get("/meetings/m1"))["title"] == OLD_TITLE
    with suite.dbs["agenda"].session() as session:
        assert session.scalars(select(UnsealedText)).all() == []
    _absent(agenda_file, OLD_TITLE, OLD_REFERENCE)
