"""The suite started by `kasane serve` on a SoftHSM2 token, chosen through the settings alone."""

from __future__ import annotations

import os
import shutil
import subprocess
import time

import httpx
import pytest

from tests.e2e.conftest import KASANE, free_port

pytestmark = pytest.mark.pkcs11

MODULE = "/usr/lib/softhsm/libsofthsm2.so"
TOKEN_LABEL, USER_PIN, SO_PIN = "kasane-suite", "4321", "8765"


@pytest.fixture
def token_env(tmp_path):
    """A fresh SoftHSM2 token and the environment that points Kasane at it."""
    if not os.path.exists(MODULE) or shutil.which("softhsm2-util") is None:
        if os.environ.get("CI"):
            pytest.fail("CI must run the PKCS#11 tests: apt-get install softhsm2")
        pytest.skip("SoftHSM2 missing (apt-get install softhsm2)")
    tokens = tmp_path / "tokens"
    tokens.mkdir()
    conf = tmp_path / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tokens}\nobjectstore.backend = file\n")
    env = {**os.environ, "SOFTHSM2_CONF": str(conf)}
    subprocess.run(
        ["softhsm2-util", "--init-token", "--free", "--label", TOKEN_LABEL]
        + ["--pin", USER_PIN, "--so-pin", SO_PIN],
        check=True,
        capture_output=True,
        env=env,
    )
    pin_file = tmp_path / "pin"
    pin_file.write_text(USER_PIN + "\n")
    pin_file.chmod(0o600)
    env.update(
        KASANE_DATA_DIR=str(tmp_path / "var"),
        KASANE_KEY_PROVIDER="pkcs11",
        KASANE_PKCS11_MODULE=MODULE,
        KASANE_PKCS11_TOKEN_LABEL=TOKEN_LABEL,
        KASANE_PKCS11_PIN_FILE=str(pin_file),
    )
    for name in ("KASANE_DEMO", "KASANE_IDENTITY_URL", "KASANE_KEY_FILE", "KASANE_PKCS11_PIN"):
        env.pop(name, None)
    return env


def _serve(env: dict[str, str], port: int, log_path) -> subprocess.Popen[bytes]:
    with log_path.open("w") as log:
        return subprocess.Popen(
            [*KASANE, "serve", "--demo", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def _wait(base: str, process: subprocess.Popen[bytes], log_path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(log_path.read_text())
        try:
            if httpx.get(f"{base}/identity/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.5)
    raise AssertionError("the suite did not start")


def test_suite_runs_on_a_pkcs11_token(token_env, tmp_path):
    port, log_path = free_port(), tmp_path / "serve.log"
    process = _serve(token_env, port, log_path)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(base, process, log_path)
        with httpx.Client(base_url=base, timeout=30) as client:
            admin = client.post(
                "/identity/session", json={"login": "demo-admin", "password": "demo-password"}
            ).json()["access_token"]
            status = client.get(
                "/identity/keys/status", headers={"Authorization": f"Bearer {admin}"}
            ).json()
            assert status["provider"] == "Pkcs11KeyProvider" and status["kek_version"] == 1
            # Every private key, signing key and TOTP secret is sealed in the token.
            assert set(status["sealed_by_kek_version"]) == {"1"}
            member = client.post(
                "/identity/session", json={"login": "demo-member-1", "password": "demo-password"}
            ).json()["access_token"]
            headers = {"Authorization": f"Bearer {member}"}
            meetings = client.get("/agenda/meetings", headers=headers).json()
            view = client.get(f"/agenda/meetings/{meetings[0]['id']}/agenda", headers=headers)
            # The view opens data keys through identity, whose private keys open in the token.
            assert view.status_code == 200 and view.json()["items"], view.text
            assert any(item.get("summary") for item in view.json()["items"])
        assert not (tmp_path / "var" / "kek.json").exists()
    finally:
        process.terminate()
        process.wait(timeout=30)
