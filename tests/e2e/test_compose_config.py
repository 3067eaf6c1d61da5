"""docker-compose.yml names only things that exist: files, commands, modules, ports, settings."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
import yaml

from kasane_shared.settings import SERVICES, Settings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
KASANE_SERVICES = [name for name in COMPOSE["services"] if name in SERVICES]
MAKE_SECRETS = (ROOT / "deploy" / "make-secrets.sh").read_text()


def _volume_sources(service: dict) -> list[str]:
    return [v.split(":")[0] for v in service.get("volumes", []) if v.startswith("./")]


def test_every_kasane_service_is_there():
    assert sorted(KASANE_SERVICES) == sorted(SERVICES)
    assert {"postgres", "gateway"} <= set(COMPOSE["services"])


def test_referenced_files_exist():
    for name, service in COMPOSE["services"].items():
        for source in _volume_sources(service):
            path = ROOT / source
            # ./secrets/ is made by deploy/make-secrets.sh, never committed.
            if source.startswith("./secrets/"):
                assert source.removeprefix("./secrets/") in MAKE_SECRETS or "kek" in source, (
                    name,
                    source,
                )
                continue
            assert path.exists(), (name, source)
    for secret in COMPOSE["secrets"].values():
        relative = secret["file"].removeprefix("./secrets/")
        assert (
            secret["file"].startswith("./secrets/")
            and Path(relative).name.split(".")[0] in MAKE_SECRETS
        ), secret


def test_build_and_commands_exist():
    dockerfile = (ROOT / "Dockerfile").read_text()
    copied = re.findall(r"^COPY (?!--from)(\S+)", dockerfile, re.M)
    for source in copied:
        assert (ROOT / source).exists(), source
    assert "USER 10001:10001" in dockerfile and 'ENTRYPOINT ["kasane-entrypoint"]' in dockerfile
    entrypoint = (ROOT / "deploy" / "entrypoint.sh").read_text()
    for name in KASANE_SERVICES:
        service = COMPOSE["services"][name]
        assert service["command"] == [name]
        assert service["user"] == "10001:10001"
        assert service["healthcheck"]["test"] == ["CMD", "kasane-entrypoint", "healthcheck", name]
        # The module uvicorn serves exists.
        assert importlib.util.find_spec(f"{name}.main") is not None
    assert 'kasane db upgrade "$service"' in entrypoint and '"${service}.main:app"' in entrypoint
    from kasane.cli import build_parser

    build_parser().parse_args(["db", "upgrade", "identity"])


@pytest.mark.parametrize("name", SERVICES)
def test_environment_variables_are_settings(name):
    fields = set(Settings.model_fields)
    for variable in COMPOSE["services"][name]["environment"]:
        assert variable.startswith("KASANE_"), variable
        assert variable.removeprefix("KASANE_").lower() in fields, variable
    env = COMPOSE["services"][name]["environment"]
    assert env[f"KASANE_{name.upper()}_DATABASE_URL"].endswith(f"/kasane_{name}")


def test_secrets_used_are_declared_and_mounted_where_settings_read_them():
    declared = set(COMPOSE["secrets"])
    for name, service in COMPOSE["services"].items():
        for entry in service.get("secrets", []):
            source = entry if isinstance(entry, str) else entry["source"]
            assert source in declared, (name, source)
    for name in KASANE_SERVICES:
        service = COMPOSE["services"][name]
        mounted = {
            f"/run/secrets/{e if isinstance(e, str) else e.get('target', e['source'])}"
            for e in service["secrets"]
        }
        for variable, value in service["environment"].items():
            if variable.endswith("_FILE") and value.startswith("/run/secrets/"):
                assert value in mounted, (name, variable)
    identity = COMPOSE["services"]["identity"]
    targets = {e["target"] for e in identity["secrets"] if isinstance(e, dict)}
    from identity.oauth.service import SERVICE_SCOPES

    assert targets == set(SERVICE_SCOPES)


def test_ports_match_the_gateway_config():
    nginx = (ROOT / "deploy" / "nginx" / "kasane.conf").read_text()
    locations = (ROOT / "deploy" / "nginx" / "locations.conf").read_text()
    listens = set(re.findall(r"listen (\d+)", nginx))
    published = {p.split(":")[1] for p in COMPOSE["services"]["gateway"]["ports"]}
    assert published <= listens
    for name in KASANE_SERVICES:
        assert f"server {name}:8000" in nginx
        assert (
            f"location /{name}/" in locations and f"proxy_pass http://kasane_{name}/;" in locations
        )
        for variable, value in COMPOSE["services"][name]["environment"].items():
            match = re.match(r"https?://gateway:(\d+)/(\w+)$", str(value))
            if match:
                assert match.group(1) in listens and match.group(2) in SERVICES, variable
    assert "--port 8000" in (ROOT / "deploy" / "entrypoint.sh").read_text()
    gateway_volumes = COMPOSE["services"]["gateway"]["volumes"]
    assert any(v.endswith("/etc/nginx/kasane/locations.conf:ro") for v in gateway_volumes)
    assert "include /etc/nginx/kasane/locations.conf;" in nginx


def test_postgres_init_makes_each_services_database():
    script = (ROOT / "deploy" / "postgres" / "init-databases.sh").read_text()
    assert "for service in identity agenda minutes" in script
    for name in SERVICES:
        assert f"{name}_db_password" in COMPOSE["secrets"]
