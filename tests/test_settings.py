"""Settings read from the environment: the secret key kept in DATA_DIR."""

from __future__ import annotations

import stat
import subprocess
import sys

from tests.conftest import REPO

PRINT_KEY = "import django; django.setup(); from django.conf import settings; print(settings.SECRET_KEY)"


def test_processes_starting_together_on_a_fresh_data_dir_share_one_secret_key(tmp_path):
    import os

    env = dict(os.environ, DJANGO_SETTINGS_MODULE="bcgslides.settings",
               DATA_DIR=str(tmp_path / "data"), LOG_DIR=str(tmp_path / "logs"))
    env.pop("SECRET_KEY", None)
    starts = [subprocess.Popen([sys.executable, "-c", PRINT_KEY], cwd=REPO, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
              for _ in range(8)]
    keys = []
    for process in starts:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        keys.append(out.strip())
    stored = tmp_path / "data" / "secret_key"
    assert len(set(keys)) == 1 and len(keys[0]) >= 50
    assert stored.read_text().strip() == keys[0]
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert not list(stored.parent.glob(".secret_key.*"))  # no temporary left behind


def test_a_secret_key_file_is_read_and_a_missing_one_is_refused(tmp_path):
    import os

    env = dict(os.environ, DJANGO_SETTINGS_MODULE="bcgslides.settings",
               DATA_DIR=str(tmp_path / "data"), LOG_DIR=str(tmp_path / "logs"))
    env.pop("SECRET_KEY", None)
    key_file = tmp_path / "key"
    key_file.write_text("k" * 60 + "\n")

    def start(path) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-c", PRINT_KEY], cwd=REPO, text=True,
                              env=dict(env, SECRET_KEY_FILE=str(path)), capture_output=True,
                              timeout=120)

    assert start(key_file).stdout.strip() == "k" * 60
    missing = start(tmp_path / "nowhere")
    assert missing.returncode != 0 and "SECRET_KEY_FILE: cannot read" in missing.stderr
    assert not (tmp_path / "data" / "secret_key").exists()  # no key invented instead
