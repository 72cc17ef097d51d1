"""The restore journal: how far a restore got, so that a killed one is finished or undone.

One small JSON file, `BACKUP_DIR/.work/restore-journal.json`, replaced atomically (written
beside, flushed, renamed, folder flushed) each time a restore enters a phase, and
removed when it is done.  It is signed like a backup manifest: recovery renames and
removes the folders it names, so a journal written by anyone else must not steer it.

`BACKUP_DIR/.work/restore.lock` is held with flock(2) by the process that runs a restore
(or recovers one).  A journal whose lock nobody holds belongs to a restore that was
killed: `health` reports it as critical until `operations.restore.recover` (run by
`manage.py preflight`, `manage.py restore` and `manage.py restore --recover`) has
finished or rolled it back.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

from generator import atomic
from operations import signing, workspace
from operations.errors import RestoreError

logger = logging.getLogger(__name__)
JOURNAL = "restore-journal.json"
LOCK = "restore.lock"
_PURPOSE = "restore-journal"


class JournalError(RestoreError):
    """The journal cannot be read, or was not written by this installation."""


def _directory() -> Path:
    """BACKUP_DIR/.work/, beside the work folders (BACKUP_DIR itself holds only backups)."""
    directory = Path(settings.BACKUP_DIR)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    return workspace.work_root(directory)


def _where() -> Path:
    """BACKUP_DIR/.work/ without creating it (health and sweeps only look)."""
    return Path(settings.BACKUP_DIR) / workspace.WORK


def path() -> Path:
    return _where() / JOURNAL


def write(state: dict) -> None:
    """Replace the journal with `state` (signed), so that a crash leaves the old or the new."""
    directory = _directory()
    signed = signing.sign(state, purpose=_PURPOSE)
    with atomic.writing_atomically(directory / JOURNAL, mode=0o600, suffix=".tmp") as out:
        out.write(json.dumps(signed, indent=2, ensure_ascii=False).encode("utf-8"))
    atomic.fsync_folder(directory)


def read() -> dict | None:
    """The journal's state; None when no restore is unfinished.  Raises `JournalError`."""
    try:
        data = json.loads(path().read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise JournalError(f"the restore journal cannot be read ({exc.__class__.__name__})") \
            from None
    if not isinstance(data, dict) or not signing.verify(data, purpose=_PURPOSE):
        raise JournalError("the restore journal was not written by this installation")
    data.pop("signature", None)
    return data


def clear() -> None:
    path().unlink(missing_ok=True)
    atomic.fsync_folder(_directory())


@contextmanager
def exclusive():
    """Hold the restore lock for the block; refuse when another process holds it."""
    fd = os.open(_directory() / LOCK, os.O_CREAT | os.O_RDWR | os.O_NOFOLLOW, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RestoreError("another restore is running; try again when it has finished") \
                from None
        yield
    finally:
        os.close(fd)


def running() -> bool:
    """Whether a live process is restoring (or recovering a restore) now."""
    return workspace.is_held(_where() / LOCK)


def abandon() -> dict | None:
    """Drop the journal of an interrupted restore that cannot be finished (the operator's
    way out, followed by a restore of their choosing); returns what it said.  Nothing it
    names is touched: what it left is swept by the next prune."""
    try:
        state = read()
    except JournalError:
        state = {}
    if path().exists():
        logger.warning("the journal of an interrupted restore was abandoned: %s", state)
        clear()
    return state


def kept_folders() -> set[str]:
    """The work folders an unfinished restore still needs (never swept)."""
    try:
        state = read()
    except JournalError:
        return {"restore-*"}  # cannot tell which: keep every restore folder until someone looks
    return {state["work"]} if state and state.get("work") else set()


def health() -> dict:
    """The `restore` entry of the health report: critical while a killed restore is
    unfinished, warning while one runs."""
    try:
        state = read()
    except JournalError as exc:
        return {"status": "critical", "error": f"{exc}; move it away after checking the data"}
    if state is None:
        return {"status": "healthy"}
    facts = {"backup_id": state.get("backup_id"), "phase": state.get("phase"),
             "started": state.get("started")}
    if running():
        return {"status": "warning", **facts,
                "error": f"restoring backup {facts['backup_id']} ({facts['phase']})"}
    return {"status": "critical", **facts,
            "error": (f"the restore of backup {facts['backup_id']} was interrupted at "
                      f"{facts['phase']}: the database and the design assets may not match. "
                      "`manage.py restore --recover` (or `manage.py preflight`, which "
                      "bin/start runs) finishes it or rolls it back")}
