"""Each test has its own folders and log files, whatever xdist worker runs it: one test's
decks, error lines and reports never reach another's assertions."""

from __future__ import annotations

import logging
import os
from pathlib import Path

SEEN: dict[str, Path] = {}


def test_this_worker_has_its_own_data_folder():
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    assert Path(os.environ["DATA_DIR"]).parent.name == worker


def test_folders_are_this_tests_own(settings, tmp_path_factory):
    SEEN["first"] = Path(settings.LOG_DIR)
    base = tmp_path_factory.getbasetemp()
    for folder in (settings.DATA_DIR, settings.LOG_DIR, settings.BACKUP_DIR,
                   settings.REPORT_DIR, settings.CONFIG_DIR):
        assert base in Path(folder).parents


def test_an_error_logged_lands_in_this_tests_log_folder_only(settings):
    logging.getLogger("bcgslides.isolation").error("isolation marker 7f3a")
    for handler in logging.getLogger().handlers:
        handler.flush()
    own = Path(settings.LOG_DIR, "app_error.log").read_text(encoding="utf-8")
    assert "isolation marker 7f3a" in own
    assert Path(settings.LOG_DIR) != SEEN.get("first")
    if SEEN.get("first") and (SEEN["first"] / "app_error.log").exists():
        assert "isolation marker 7f3a" not in (SEEN["first"] / "app_error.log").read_text(
            encoding="utf-8")
