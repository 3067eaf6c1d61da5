"""Identity's start on a data directory: private modes, and no new KEK over sealed data."""

from __future__ import annotations

import stat

import pytest

import identity.app
from kasane_shared.crypto import KeyFileError
from kasane_shared.settings import Settings


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _start(settings: Settings):
    app = identity.app.create_app(settings)
    app.state.db.dispose()
    return app


def test_data_dir_and_database_files_are_private(tmp_path):
    settings = Settings(data_dir=tmp_path / "var", key_file=tmp_path / "keys" / "kek.json")
    _start(settings)
    data_dir = tmp_path / "var"
    assert _mode(data_dir) == 0o700
    files = [p for p in data_dir.iterdir() if p.name.startswith("identity.db")]
    assert files and all(_mode(p) == 0o600 for p in files), [(p, _mode(p)) for p in files]


def test_a_loose_data_dir_is_tightened(tmp_path):
    data_dir = tmp_path / "var"
    data_dir.mkdir(mode=0o755)
    data_dir.chmod(0o755)
    _start(Settings(data_dir=data_dir, key_file=tmp_path / "keys" / "kek.json"))
    assert _mode(data_dir) == 0o700


def test_missing_key_file_is_never_replaced_when_the_database_holds_keys(tmp_path):
    key_file = tmp_path / "keys" / "kek.json"
    settings = Settings(data_dir=tmp_path / "var", key_file=key_file)
    _start(settings)  # first start: an empty deployment gets its KEK
    assert key_file.exists()
    key_file.unlink()
    with pytest.raises(KeyFileError) as err:
        _start(settings)
    assert err.value.code == "key_file_missing"
    assert not key_file.exists()  # nothing was created in its place


def test_key_file_inside_the_data_dir_is_refused_outside_demo_mode(tmp_path):
    data_dir = tmp_path / "var"
    with pytest.raises(KeyFileError) as err:
        _start(Settings(data_dir=data_dir, demo=False))
    assert err.value.code == "key_file_in_data_dir" and "KASANE_KEY_FILE" in err.value.detail
    assert not (data_dir / "kek.json").exists()


def test_demo_mode_keeps_its_key_file_in_the_data_dir(tmp_path):
    _start(Settings(data_dir=tmp_path / "var", demo=True))
    assert (tmp_path / "var" / "kek.json").exists()
