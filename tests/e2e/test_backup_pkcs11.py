"""A PKCS#11 KEK stays in its token: the backup says so, restore checks the token holds it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from tests.e2e.conftest import KASANE

pytestmark = [
    pytest.mark.pkcs11,
    pytest.mark.skipif(
        os.environ.get("KASANE_TEST_BACKEND") == "postgres",
        reason="SQLite data directory: runs in the SQLite pass",
    ),
]
MODULE = "/usr/lib/softhsm/libsofthsm2.so"
PIN = "4321"


@pytest.fixture
def tokens(tmp_path):
    """Two fresh SoftHSM2 tokens: the deployment's and an unrelated one."""
    if not os.path.exists(MODULE) or shutil.which("softhsm2-util") is None:
        if os.environ.get("CI"):
            pytest.fail("CI must run the PKCS#11 tests: SoftHSM2 missing")
        pytest.skip("SoftHSM2 missing (apt-get install softhsm2)")
    (tmp_path / "tokens").mkdir()
    conf = tmp_path / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tmp_path / 'tokens'}\nobjectstore.backend = file\n")
    for label in ("kasane-city", "kasane-other"):
        subprocess.run(
            ["softhsm2-util", "--init-token", "--free", "--label", label]
            + ["--pin", PIN, "--so-pin", "8765"],
            check=True,
            capture_output=True,
            env={**os.environ, "SOFTHSM2_CONF": str(conf)},
        )
    pin_file = tmp_path / "pin"
    pin_file.write_text(PIN)
    pin_file.chmod(0o600)
    return {
        "SOFTHSM2_CONF": str(conf),
        "KASANE_KEY_PROVIDER": "pkcs11",
        "KASANE_PKCS11_MODULE": MODULE,
        "KASANE_PKCS11_PIN_FILE": str(pin_file),
    }


def _kasane(args, data_dir, env, label):
    environment = {**os.environ, **env, "KASANE_DATA_DIR": str(data_dir)}
    environment["KASANE_PKCS11_TOKEN_LABEL"] = label
    return subprocess.run(
        [*KASANE, *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
        stdin=subprocess.DEVNULL,
    )


def test_restore_checks_the_token_holds_the_key(tokens, tmp_path):
    passphrase = tmp_path / "passphrase"
    passphrase.write_text("operator passphrase for backups")
    env = {**tokens, "KASANE_BACKUP_PASSPHRASE_FILE": str(passphrase)}
    data, backup = tmp_path / "data", tmp_path / "backup"
    assert _kasane(["db", "upgrade"], data, env, "kasane-city").returncode == 0
    created = _kasane(
        [
            "admin",
            "create",
            "--login",
            "hsmadmin",
            "--display-name",
            "管理",
            "--organization",
            "市",
        ],
        data,
        {**env, "KASANE_ADMIN_PASSWORD": "admin-password-for-tests"},
        "kasane-city",
    )
    assert created.returncode == 0, created.stderr
    made = _kasane(["backup", "create", str(backup)], data, env, "kasane-city")
    assert made.returncode == 0, made.stderr
    assert "stays in the token" in made.stdout
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["key_provider"]["kind"] == "pkcs11"
    assert manifest["key_provider"]["kek_versions"] == [1]
    assert not (data / "kek.json").exists()

    other = tmp_path / "restored-other"
    refused = _kasane(["backup", "restore", str(backup)], other, env, "kasane-other")
    assert refused.returncode == 2, refused.stdout
    assert "何も書き込んでいません" in refused.stderr and not other.exists()

    restored = tmp_path / "restored"
    done = _kasane(["backup", "restore", str(backup)], restored, env, "kasane-city")
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("audit chain OK") == 3 and not (restored / "kek.json").exists()
