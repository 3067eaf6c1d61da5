"""Demo data for ``kasane serve --demo``: a fictional city, its partners and its people."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from identity.members.models import Member
from identity.members.schemas import MemberCreate
from identity.members.service import create_member, find_by_login
from identity.organizations.models import Organization
from identity.organizations.schemas import OrganizationCreate
from identity.organizations.service import create_organization
from identity.passwords import hash_password
from identity.pledges.service import current_template, sign
from kasane_shared.crypto import KeyProvider
from kasane_shared.db import Database

DEMO_PASSWORD = "demo-password"

ORGANIZATIONS = [
    ("welfare", "かさね市 福祉企画室", "municipal"),
    ("elderly", "かさね市 長寿介護課", "municipal"),
    ("tax", "かさね市 税務課", "tax"),
    ("council", "かさね市社会福祉協議会", "council"),
    ("houkatsu", "かさね市中央地域包括支援センター", "consultation"),
    ("minsei", "かさね市民生委員児童委員協議会", "community"),
]

# login, display name, organization key, roles, signs pledges
MEMBERS = [
    ("demo-admin", "管理 花子", "welfare", ["admin"], False),
    ("demo-coordinator", "調整 一郎", "welfare", ["coordinator", "member"], True),
    ("demo-member-1", "社協 二郎", "council", ["member"], True),
    ("demo-member-2", "包括 三枝", "houkatsu", ["member"], True),
    ("demo-member-3", "長寿 四郎", "elderly", ["member"], True),
    ("demo-member-4", "民生 五月", "minsei", ["member"], False),
    ("demo-auditor", "監査 六実", "welfare", ["auditor"], False),
]


@lru_cache(maxsize=4)
def _shared_hash(password: str) -> str:
    # Every demo person has the same published password; hash it once, not seven times.
    return hash_password(password)


@dataclass
class DemoIdentity:
    """Ids of the demo organizations and members, for seeding the other services."""

    organizations: dict[str, str] = field(default_factory=dict)
    members: dict[str, str] = field(default_factory=dict)


def seed_identity(db: Database, kek: KeyProvider, password: str = DEMO_PASSWORD) -> DemoIdentity:
    """Create the demo organizations, members and pledges (once)."""
    ids = DemoIdentity()
    with db.session() as session:
        if find_by_login(session, "demo-admin") is not None:
            for key, name, _kind in ORGANIZATIONS:
                org = session.query(Organization).filter_by(name=name).one()
                ids.organizations[key] = org.id
            for login, *_ in MEMBERS:
                ids.members[login] = session.query(Member).filter_by(login=login).one().id
            return ids
        for key, name, kind in ORGANIZATIONS:
            ids.organizations[key] = create_organization(
                session, OrganizationCreate(name=name, kind=kind), None
            ).id  # type: ignore[arg-type]
        for login, display_name, org_key, roles, pledges in MEMBERS:
            member = create_member(
                session,
                MemberCreate(
                    login=login,
                    display_name=display_name,
                    organization_id=ids.organizations[org_key],
                    roles=roles,
                    password=password,
                ),  # type: ignore[arg-type]
                None,
                kek=kek,
                demo=password == DEMO_PASSWORD,
                password_hash=_shared_hash(password),
            )
            ids.members[login] = member.id
            if pledges:
                for kind in ("shien", "jusou"):
                    template = current_template(session, kind)
                    assert template is not None
                    sign(session, member, template.id)
    return ids


@contextmanager
def in_process(suite: Any) -> Iterator[Any]:
    """A client on the suite, with every service-to-service call routed through it too.

    Demo seeding runs before the server listens, so the services cannot reach each other
    at their configured URLs yet; for the duration, they call through this client instead.
    """
    from fastapi.testclient import TestClient

    from kasane.suite import route_service_calls

    states = [(app.state, dict(app.state._state)) for app in (suite.agenda, suite.minutes)]
    tokens = [
        (t, t.http, t.token_url)
        for app in (suite.agenda, suite.minutes)
        if (t := getattr(app.state, "service_tokens", None))
    ]
    anchorers = [a for app in (suite.agenda, suite.minutes) if (a := app.state.db.anchorer)]
    with TestClient(suite.app) as client, TestClient(suite.app) as service_http:
        route_service_calls(suite, service_http)
        try:
            # Seeding anchors each commit at once, through these clients while they run: an
            # anchor timer firing as they shut down called into a stopping portal, and the
            # shutdown then waited for that call for ever (`kasane serve --demo` never listened).
            with ExitStack() as at_once:
                for anchorer in anchorers:
                    at_once.enter_context(anchorer.at_once())
                yield client
        finally:
            for state, saved in states:
                state._state.update(saved)
            for source, http, url in tokens:
                source.http, source.token_url = http, url
                source.invalidate()


def seed_demo(suite: Any) -> None:
    """All demo data: people, cases and meetings, and approved minutes of the 支援会議."""
    from agenda.demo import seed_agenda
    from minutes.demo import seed_minutes

    people = seed_identity(suite.identity.state.db, suite.identity.state.kek)
    with in_process(suite) as client:
        seeded = seed_agenda(client, people)
        if seeded:
            seed_minutes(client, people, seeded["shien_meeting"])
