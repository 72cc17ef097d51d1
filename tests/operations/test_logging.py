"""Log files: several processes rotating one log lose no line; secrets are redacted."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

WRITER = """
import logging, sys, django
django.setup()
log = logging.getLogger("bcgslides.test")
for i in range(int(sys.argv[2])):
    log.info("writer %s line %05d %s", sys.argv[1], i, "x" * 60)
"""


@pytest.mark.slow
def test_processes_writing_through_rotation_lose_no_lines(tmp_path):
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="bcgslides.settings",
               DATA_DIR=str(tmp_path / "data"), LOG_DIR=str(tmp_path / "logs"),
               LOG_MAX_BYTES="20000", LOG_BACKUP_COUNT="500")
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(n), "400"], cwd=REPO,
                                env=env) for n in range(3)]
    for writer in writers:
        assert writer.wait(timeout=120) == 0
    logs = list((tmp_path / "logs").glob("app.log*"))
    assert len(logs) > 5  # it really rotated
    lines = [line for path in logs for line in path.read_text(encoding="utf-8").splitlines()
             if "bcgslides.test" in line]
    seen = {(line.split("writer ")[1][:1], line.split("line ")[1][:5]) for line in lines}
    assert len(lines) == 1200 and len(seen) == 1200


def test_secrets_are_redacted_from_log_records(settings, tmp_path):
    import logging

    from bcgslides.logfilters import RedactSecretsFilter

    settings.OPENAI_API_KEY = "sk-live-abcdefghijklmnop"
    record = logging.LogRecord("x", logging.ERROR, __file__, 1,
                               "calling with %s and Bearer abcdefghijkl", (settings.OPENAI_API_KEY,),
                               None)
    RedactSecretsFilter().filter(record)
    message = record.getMessage()
    assert settings.OPENAI_API_KEY not in message and "abcdefghijkl" not in message
    assert "[REDACTED]" in message
    assert Path(settings.LOG_DIR).is_dir()



def test_api_token_keys_are_redacted_wherever_they_appear(db, alice):
    from bcgslides.logfilters import redact
    from generator.api.tokens import create

    _token, key = create(user=alice)
    line = redact(f"request with {key} and header Token {key[4:]}")
    assert key not in line and key[4:] not in line and line.count("[REDACTED]") == 2
