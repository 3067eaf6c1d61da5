"""The split deployment the split-mode tests run against: identity, two agenda replicas and
minutes as separate uvicorn processes on their own PostgreSQL databases, two web replicas, and
nginx in front with the gateway's own locations and a self-signed certificate.
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
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlalchemy import create_engine, make_url, text

from kasane_shared.settings import SERVICES

ROOT = Path(__file__).resolve().parents[2]
NGINX = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)
SERVER_URL = os.environ.get("KASANE_TEST_DATABASE_URL")
SECRETS = {"agenda": uuid.uuid4().hex * 2, "minutes": uuid.uuid4().hex * 2}


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


@contextmanager
def deploy(folder: Path) -> Iterator[Deployment]:
    """Migrate, seed, start identity, agenda ×2, minutes and nginx; stop and drop all after."""
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
