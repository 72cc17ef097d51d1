"""Test settings: the real settings pointed at a throw-away DATA_DIR.

Set before `bcgslides.settings` is imported, so every path (database, logs,
backups, reports, design assets) lives under one temporary folder per run.
"""

import os
import tempfile
from pathlib import Path

_root = Path(os.environ.get("BCGSLIDES_TEST_ROOT") or tempfile.mkdtemp(prefix="bcgslides-test-"))
os.environ["BCGSLIDES_TEST_ROOT"] = str(_root)  # xdist workers share the parent's root...
# ...but each worker gets its own folders beneath it.  Assigned, never `setdefault`: a
# worker inherits the controller's environment, and shared folders let one worker's
# decks and error logs show up in another worker's assertions.  Each test then moves
# DATA_DIR, LOG_DIR, BACKUP_DIR and REPORT_DIR under its own tmp_path (conftest.py).
# logs/, backups/ and reports/ follow DATA_DIR (beside it), here and in child processes.
os.environ["DATA_DIR"] = str(_root / os.environ.get("PYTEST_XDIST_WORKER", "main") / "data")
for _name in ("LOG_DIR", "BACKUP_DIR", "REPORT_DIR"):
    os.environ.pop(_name, None)
os.environ.setdefault("Q_SYNC", "false")
# Learning reads layouts from the XML unless a test asks for their pictures (LibreOffice
# per learned file would dominate the suite); child processes inherit this.
os.environ["LEARN_LAYOUT_PICTURES"] = "false"
os.environ["BCGSLIDES_ENV_FILE"] = str(_root / "no.env")
# Tests never see a real key.  DATABASE_URL and REDIS_URL are honoured: CI runs
# the suite once on the embedded default and once on PostgreSQL + Redis.
os.environ.pop("OPENAI_API_KEY", None)
# Shared files stay under the test DATA_DIR; the bucket tests point at their own server.
os.environ.pop("MEDIA_STORAGE_URL", None)

from bcgslides.settings import *  # noqa: E402,F401,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LANGUAGE_CODE = "en"  # deterministic whatever the machine's locale

# On the PostgreSQL + Redis pass, each xdist worker gets its own Redis database
# (the tests clear the cache and the queue; workers must not clear each other's).
if REDIS_URL:  # noqa: F405
    _worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0")[2:] or 0)
    _redis = REDIS_URL.rsplit("/", 1)[0] + f"/{14 - _worker}"  # noqa: F405
    CACHES["default"]["LOCATION"] = _redis  # noqa: F405
    Q_CLUSTER["redis"] = _redis  # noqa: F405
