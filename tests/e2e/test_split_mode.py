"""Split mode, run for real: identity, two agenda replicas and minutes as separate uvicorn
processes on their own PostgreSQL databases, behind nginx with the gateway's own locations.

Needs PostgreSQL (``KASANE_TEST_DATABASE_URL``) and nginx (``.ci/run`` installs it).
Select with ``pytest -m split``. Runs in the first pass of ``make test`` only.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import make_url

from kasane_shared.settings import SERVICES
from tests.e2e.split_deployment import NGINX, SECRETS, SERVER_URL, Deployment, deploy
from tests.helpers import PASSWORD, check_minutes, distribute

pytestmark = [
    pytest.mark.split,
    pytest.mark.skipif(NGINX is None, reason="nginx is not installed (.ci/run installs it)"),
    pytest.mark.skipif(
        not SERVER_URL, reason="needs KASANE_TEST_DATABASE_URL (a PostgreSQL server)"
    ),
    pytest.mark.skipif(
        os.environ.get("KASANE_TEST_BACKEND") == "postgres", reason="runs once, in the first pass"
    ),
]


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    """The split deployment, started once for this module and stopped after."""
    with deploy(tmp_path_factory.mktemp("split")) as deployed:
        yield deployed


def _login(client: httpx.Client, login: str) -> dict[str, str]:
    response = client.post("/identity/session", json={"login": login, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_health_and_docs_through_the_gateway(deployment):
    with deployment.client() as client:
        for service in SERVICES:
            body = client.get(f"/{service}/healthz").json()
            assert body == {"status": "ok", "service": service}
        assert client.get("/identity/docs").status_code == 200
        # The pages answer at / through the same gateway, in Japanese.
        page = client.get("/login")
        assert (
            page.status_code == 200
            and "text/html" in page.headers["content-type"]
            and 'lang="ja"' in page.text
        )
        # --root-path keeps the OpenAPI link under the service's prefix.
        assert client.get("/agenda/openapi.json").json()["info"]["title"] == "Kasane agenda"
        assert (
            client.get("/", headers={"Accept": "application/json"}).json()["services"]["agenda"]
            == "/agenda/docs"
        )


def test_metrics_stay_inside_and_request_ids_cross_the_gateway(deployment):
    import json

    with deployment.client() as client:
        for service in SERVICES:
            assert client.get(f"/{service}/metrics").status_code == 404
        traced = "feedc0de" * 4
        answer = client.get("/agenda/healthz", headers={"X-Request-ID": traced})
        assert answer.headers["x-request-id"] == traced
        minted = client.get("/minutes/healthz").headers["x-request-id"]  # nginx's $request_id
    time.sleep(0.5)
    lines = [
        json.loads(line)
        for name, process in deployment.processes.items()
        if name.split("-")[0] in SERVICES
        for line in process.log.read_text().splitlines()
        if line.startswith("{")
    ]
    seen = {(r.get("service"), r.get("request_id")) for r in lines if r.get("route") == "/healthz"}
    assert ("agenda", traced) in seen and ("minutes", minted) in seen


def test_member_tokens_verify_in_every_process(deployment):
    with deployment.client() as client:
        coordinator = _login(client, "demo-coordinator")
        assert client.get("/identity/me", headers=coordinator).json()["login"] == "demo-coordinator"
        # Agenda and minutes fetch identity's JWKS over HTTP (through the gateway) to check it.
        assert client.get("/agenda/cases", headers=coordinator).status_code == 200
        assert (
            client.get("/agenda/cases", headers={"Authorization": "Bearer forged"}).status_code
            == 401
        )
        minutes = client.get("/minutes/meetings/nothing/minutes", headers=coordinator)
        assert minutes.status_code in (403, 404), minutes.text


def test_service_token_and_rewrap(deployment):
    from kasane_shared.auth.service_tokens import ServiceTokenSource
    from kasane_shared.custody import IdentityClient
    from kasane_shared.crypto.kek import FileKeyProvider
    from kasane_shared.sealing import RecordRef, seal_audience
    from tests.helpers import stated

    with deployment.client() as client:
        coordinator = _login(client, "demo-coordinator")["Authorization"].split()[1]
        identity = IdentityClient(client, "/identity")
        escrow = identity.escrow_key(coordinator, "agenda")
        sealed = seal_audience(
            RecordRef("agenda", "cases", "split-case"), "content", 1, {"notes": "秘密"}, [], escrow
        )
        source = ServiceTokenSource(
            "/identity/oauth/token", "agenda", SECRETS["agenda"], ["custody:rewrap"], http=client
        )
        member_1 = deployment.people.members["demo-member-1"]
        # The statement agenda would make (its grants key: here from the deployment's key file).
        kek = FileKeyProvider(deployment.key_file)
        item = stated(kek, sealed.escrow_wrap, member_1, "shien")
        [grant] = identity.rewrap(source.token(), [item])
        assert grant.error is None and grant.wrapped
        # The service token is never a member's: unwrap refuses it.
        refused = client.post(
            "/identity/keys/unwrap",
            json={"wrapped": [grant.wrapped]},
            headers={"Authorization": f"Bearer {source.token()}"},
        )
        assert refused.status_code == 401
        wrong = client.post(
            "/identity/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=("agenda", "x" * 40),
        )
        assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"


def test_agenda_replica_killed_mid_run(deployment):
    with deployment.client() as client:
        coordinator = _login(client, "demo-coordinator")
        statuses = []
        for round_ in range(40):
            if round_ == 10:
                deployment.processes["agenda-1"].stop(signal.SIGKILL)
            statuses.append(client.get("/agenda/healthz").status_code)
            statuses.append(client.get("/agenda/cases", headers=coordinator).status_code)
        assert deployment.processes["agenda-1"].popen.poll() is not None
        assert statuses == [200] * len(statuses)
        created = client.post("/agenda/cases", json=_case(deployment.people), headers=coordinator)
        assert created.status_code in (201, 404, 405, 422), created.text


TAX_FACT = "固定資産税を3年分滞納"


def _case(people) -> dict[str, object]:
    return {
        "title": "長男のひきこもりと母の介護",
        "summary": "80代の母と50代の長男の世帯。",
        "notes": f"本人は{TAX_FACT}している。訪問を続ける。",
        "tax_notes": "納税相談の記録あり",
        "lead_organization_id": people.organizations["council"],
        "issues": ["8050", "hikikomori"],
    }


def _step(response: httpx.Response, expected: int = 200) -> dict:
    assert response.status_code == expected, response.text
    return response.json() if "json" in response.headers.get("content-type", "") else {}


def _pg_dump(url: str) -> bytes:
    libpq = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    done = subprocess.run(["pg_dump", "--no-owner", libpq], capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    return done.stdout


def test_scenario_through_the_gateway(deployment):
    """Coordinator schedules a 支援会議; member 1 sees tax masked; minutes approved and exported."""
    people = deployment.people
    m1, m4 = people.members["demo-member-1"], people.members["demo-member-4"]
    with deployment.client() as client:
        coordinator, member = _login(client, "demo-coordinator"), _login(client, "demo-member-1")
        case = _step(client.post("/agenda/cases", json=_case(people), headers=coordinator), 201)
        meeting = _step(
            client.post(
                "/agenda/meetings",
                json={
                    "kind": "shien",
                    "title": "12月 支援会議",
                    "starts_at": "2026-12-01T10:00:00+09:00",
                    "ends_at": "2026-12-01T11:00:00+09:00",
                    "place": "かさね市役所 3階 会議室A",
                    "attendees": [
                        {"member_id": m1, "required": True},
                        {"member_id": m4, "required": False},
                    ],
                },
                headers=coordinator,
            ),
            201,
        )
        item = _step(
            client.post(
                f"/agenda/meetings/{meeting['id']}/items",
                json={
                    "case_id": case["id"],
                    "purpose": "info_sharing",
                    "minutes": 20,
                    "briefing": "住民税非課税世帯で、見守りを続ける。",
                },
                headers=coordinator,
            ),
            201,
        )
        distribute(client, coordinator, meeting["id"])
        view = _step(client.get(f"/agenda/meetings/{meeting['id']}/agenda", headers=member))
        text_seen = str(view)
        assert (
            "見守り" in text_seen
            and TAX_FACT not in text_seen
            and "納税相談の記録あり" not in text_seen
        )
        draft = {
            "attendance": [m1],
            "items": [
                {
                    "agenda_item_id": item["id"],
                    "discussion": "訪問を継続する。",
                    "decisions": "月1回の訪問",
                    "roles": [],
                    "monitoring_on": "2027-01-15",
                }
            ],
        }
        _step(
            client.put(
                f"/minutes/meetings/{meeting['id']}/minutes", json=draft, headers=coordinator
            )
        )
        _step(client.post(f"/minutes/meetings/{meeting['id']}/minutes/submit", headers=coordinator))
        check_minutes(client, coordinator, meeting["id"])
        _step(
            client.post(f"/minutes/meetings/{meeting['id']}/minutes/approve", headers=coordinator)
        )
        docx = client.get(f"/minutes/meetings/{meeting['id']}/minutes.docx", headers=member)
        _step(docx)
        assert docx.content[:2] == b"PK"
    # What was written through the API is in no database dump and no process log in the clear.
    secrets = (
        TAX_FACT,
        "納税相談の記録あり",
        "長男のひきこもりと母の介護",
        "住民税非課税世帯",
        "訪問を継続する。",
    )
    if shutil.which("pg_dump"):
        for service, url in deployment.databases.items():
            dump = _pg_dump(url)
            assert b"CREATE TABLE" in dump, service
            for secret in secrets:
                assert secret.encode() not in dump, (service, secret)
    for process in deployment.processes.values():
        log = process.log.read_bytes()
        for secret in secrets:
            assert secret.encode() not in log, (process.name, secret)
