"""Split mode, run for real: identity, two agenda replicas and minutes as separate uvicorn
processes on their own PostgreSQL databases, behind nginx with the gateway's own locations.

Needs PostgreSQL (``KASANE_TEST_DATABASE_URL``) and nginx (``.ci/run`` installs it).
Select with ``pytest -m split``. Runs in the first pass of ``make test`` only.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlalchemy import create_engine, make_url, text

from kasane_shared.settings import SERVICES
from tests.helpers import PASSWORD, check_minutes, distribute

ROOT = Path(__file__).resolve().parents[2]
NGINX = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)
SERVER_URL = os.environ.get("KASANE_TEST_DATABASE_URL")
SECRETS = {"agenda": uuid.uuid4().hex * 2, "minutes": uuid.uuid4().hex * 2}

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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Process:
    """A process this test started, its log, and how to stop it."""

    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    def stop(self, sig: int = signal.SIGTERM) -> None:
        """Stop it (terminate, wait, then kill)."""
        if self.popen.poll() is None:
            self.popen.send_signal(sig)
            try:
                self.popen.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=15)


@dataclass
class Deployment:
    """The running split deployment as a client sees it: the TLS gateway."""

    base: str
    cert: Path
    processes: dict[str, Process] = field(default_factory=dict)
    people: object = None
    env: dict[str, str] = field(default_factory=dict)
    databases: dict[str, str] = field(default_factory=dict)
    key_file: Path | None = None

    def client(self) -> httpx.Client:
        """A client on the gateway that trusts the test's certificate."""
        return httpx.Client(base_url=self.base, verify=self.tls(), timeout=30)

    def tls(self) -> ssl.SSLContext:
        """A TLS context trusting only the test's self-signed certificate."""
        return ssl.create_default_context(cafile=str(self.cert))


def _self_signed(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    return cert_path, key_path


def _create_databases() -> tuple[dict[str, str], Callable[[], None]]:
    server = make_url(SERVER_URL)
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    run = uuid.uuid4().hex[:8]
    names = {s: f"kasane_split_{run}_{s}" for s in SERVICES}
    with admin.connect() as conn:
        for name in names.values():
            conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            for name in names.values():
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return {
        s: server.set(database=n).render_as_string(hide_password=False) for s, n in names.items()
    }, drop


def _service_env(service: str, urls: dict[str, str], folder: Path, internal: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KASANE_")}
    env.update(
        KASANE_DATA_DIR=str(folder / service),
        # Each process knows only its own database, as in compose.
        **{f"KASANE_{service.upper()}_DATABASE_URL": urls[service]},
        KASANE_IDENTITY_URL=f"{internal}/identity",
        KASANE_AGENDA_URL=f"{internal}/agenda",
        KASANE_MINUTES_URL=f"{internal}/minutes",
    )
    if service == "identity":
        env.update(
            KASANE_KEY_FILE=str(folder / "kek" / "kek.json"),
            KASANE_OAUTH_CLIENTS_DIR=str(folder / "clients"),
        )
    else:
        env.update(
            KASANE_OAUTH_CLIENT_ID=service,
            KASANE_OAUTH_CLIENT_SECRET_FILE=str(folder / "clients" / service),
        )
    return env


def _start(name: str, args: list[str], env: dict[str, str], folder: Path) -> Process:
    log = folder / f"{name}.log"
    with log.open("wb") as out:
        popen = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=folder)
    return Process(name, popen, log)


def _uvicorn(service: str, port: int) -> list[str]:
    # The same flags as deploy/entrypoint.sh, on loopback and a free port.
    return [
        sys.executable,
        "-m",
        "uvicorn",
        f"{service}.main:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--root-path",
        f"/{service}",
        "--proxy-headers",
        "--forwarded-allow-ips",
        "127.0.0.1",
        "--no-access-log",
    ]


def _wait_healthy(process: Process, url: str, verify: object = True) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.popen.poll() is not None:
            raise AssertionError(f"{process.name} exited:\n{process.log.read_text()[-4000:]}")
        try:
            if httpx.get(url, timeout=2, verify=verify).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{process.name} never became healthy:\n{process.log.read_text()[-4000:]}")


def _nginx_conf(
    folder: Path,
    tls_port: int,
    internal_port: int,
    ports: dict[str, list[int]],
    cert: Path,
    key: Path,
) -> Path:
    template = (ROOT / "deploy" / "nginx" / "split-test.conf.template").read_text()
    servers = {
        s: "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=10s;" for p in ps)
        for s, ps in ports.items()
    }
    values = {
        "PREFIX": str(folder),
        "TLS_PORT": str(tls_port),
        "INTERNAL_PORT": str(internal_port),
        "CERT": str(cert),
        "KEY": str(key),
        "LOCATIONS": str(ROOT / "deploy" / "nginx" / "locations.conf"),
        "IDENTITY_SERVERS": servers["identity"],
        "AGENDA_SERVERS": servers["agenda"],
        "MINUTES_SERVERS": servers["minutes"],
        "WEB_SERVERS": servers["web"],
    }
    for name, value in values.items():
        template = template.replace("{{" + name + "}}", value)
    if os.geteuid() == 0:
        # Workers would otherwise run as nobody and could not use the private temp folders.
        template = "user root;\n" + template
    for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / sub).mkdir(exist_ok=True)
    conf = folder / "nginx.conf"
    conf.write_text(template)
    return conf


def _seed(urls: dict[str, str], folder: Path):
    from identity.app import prepare_database
    from kasane_shared.crypto.kek import FileKeyProvider
    from kasane_shared.db import Database
    from tests.helpers import seed_people

    db = Database.from_url(urls["identity"])
    try:
        kek = FileKeyProvider(folder / "kek" / "kek.json")
        prepare_database(db, kek)
        return seed_people(db, kek)
    finally:
        db.dispose()


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    """Migrate, seed, start identity, agenda ×2, minutes and nginx; stop and drop all after."""
    folder = tmp_path_factory.mktemp("split")
    for sub in ("kek", "clients", *SERVICES):
        (folder / sub).mkdir()
    for name, secret in SECRETS.items():
        (folder / "clients" / name).write_text(secret)
    urls, drop = _create_databases()
    tls_port, internal_port = _free_port(), _free_port()
    internal = f"http://127.0.0.1:{internal_port}"
    ports = {
        "identity": [_free_port()],
        "agenda": [_free_port(), _free_port()],
        "minutes": [_free_port()],
        "web": [_free_port(), _free_port()],
    }
    cert, key = _self_signed(folder)
    deployed = Deployment(f"https://localhost:{tls_port}", cert, databases=urls)
    deployed.key_file = folder / "kek" / "kek.json"
    try:
        for service in SERVICES:
            env = _service_env(service, urls, folder, internal)
            # What the entrypoint does before uvicorn: migrations first.
            done = subprocess.run(
                [sys.executable, "-m", "kasane", "db", "upgrade", service],
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert done.returncode == 0, done.stderr
        deployed.people = _seed(urls, folder)
        for service in SERVICES:
            env = _service_env(service, urls, folder, internal)
            for index, port in enumerate(ports[service], start=1):
                name = f"{service}-{index}"
                deployed.processes[name] = process = _start(
                    name, _uvicorn(service, port), env, folder
                )
                _wait_healthy(process, f"http://127.0.0.1:{port}/healthz")
        # The web pages: two replicas sharing one data directory (the CSRF key), as in compose.
        web_env = {k: v for k, v in os.environ.items() if not k.startswith("KASANE_")}
        web_env.update(
            KASANE_DATA_DIR=str(folder / "web"),
            KASANE_IDENTITY_URL=f"{internal}/identity",
            KASANE_COOKIE_SECURE="true",
        )
        for index, port in enumerate(ports["web"], start=1):
            web_cmd = [
                sys.executable,
                "-m",
                "uvicorn",
                "web.main:app",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--no-access-log",
            ]
            deployed.processes[f"web-{index}"] = process = _start(
                f"web-{index}", web_cmd, web_env, folder
            )
            _wait_healthy(process, f"http://127.0.0.1:{port}/healthz")
        conf = _nginx_conf(folder, tls_port, internal_port, ports, cert, key)
        nginx = [
            NGINX,
            "-p",
            str(folder),
            "-e",
            str(folder / "error.log"),
            "-c",
            str(conf),
            "-g",
            "daemon off;",
        ]
        deployed.processes["nginx"] = gateway = _start("nginx", nginx, os.environ.copy(), folder)
        _wait_healthy(gateway, f"{deployed.base}/identity/healthz", verify=deployed.tls())
        yield deployed
    finally:
        for process in reversed(list(deployed.processes.values())):
            process.stop()
        drop()


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
