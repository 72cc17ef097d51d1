"""Work folders that say whether their owner is still alive.

A backup or a restore keeps its temporary files (a full copy of the database,
staged design assets) in a folder of its own, `<BACKUP_DIR>/.work/<kind>-<pid>-<hex>/`.
Beside it, `<name>.lock` is held with flock(2) by the owning process for as long as
the folder is in use; the kernel lets go of it when the process ends however it
ends, SIGKILL included.  `sweep` removes every folder whose lock nobody holds:
what a killed backup or restore left behind (the manual's version left a full
database copy per killed backup).

flock is per host: on a BACKUP_DIR shared between hosts over a network
filesystem, a host sweeps only folders whose lock it can take.
"""

from __future__ import annotations

import fcntl
import fnmatch
import logging
import os
import re
import secrets
import shutil
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)
WORK = ".work"
_NAME = re.compile(r"^(backup|restore)-\d+-[0-9a-f]{8}$")


@dataclass
class Claim:
    """A work folder and the open, locked file descriptor that proves its owner lives."""

    path: Path
    lock: Path
    fd: int

    def release(self) -> None:
        """Remove the folder, then its lock (in that order: a lock without its folder is
        harmless and swept; a folder without its lock would look dead while in use)."""
        shutil.rmtree(self.path, ignore_errors=True)
        self.lock.unlink(missing_ok=True)
        os.close(self.fd)

    def close_keeping(self) -> None:
        """Let go of the lock but keep the folder (a restore whose journal still needs it)."""
        os.close(self.fd)


def work_root(root: Path) -> Path:
    """`root`/.work/, made when missing; a link there is refused (work goes nowhere else)."""
    base = root / WORK
    base.mkdir(mode=0o700, exist_ok=True)
    if base.is_symlink():
        raise OSError(f"{WORK} in the backup folder is a link; remove it")
    return base


def claim(root: Path, kind: str) -> Claim:
    """A new work folder under `root`, locked by this process until `release`."""
    base = work_root(root)
    while True:
        name = f"{kind}-{os.getpid()}-{secrets.token_hex(4)}"
        lock = base / f"{name}.lock"
        fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600)
        if _lock(fd) and _still_there(fd, lock):
            folder = base / name
            folder.mkdir(mode=0o700)
            return Claim(folder, lock, fd)
        os.close(fd)  # a sweeper took the new lock file away before we locked it: try anew


@contextmanager
def claimed(root: Path, kind: str):
    """A work folder for the length of the block; removed afterwards, even on error."""
    held = claim(root, kind)
    try:
        yield held.path
    finally:
        held.release()


def _lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


def _still_there(fd: int, path: Path) -> bool:
    try:
        return os.fstat(fd).st_ino == os.stat(path).st_ino
    except FileNotFoundError:
        return False


def is_held(lock: Path) -> bool:
    """Whether a live process holds `lock` (a missing lock file is held by nobody)."""
    try:
        fd = os.open(lock, os.O_RDONLY | os.O_NOFOLLOW)
    except (FileNotFoundError, OSError):
        return False
    try:
        if not _lock(fd):
            return True
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def remove_tree(path: Path) -> None:
    """Remove a folder and everything in it; what cannot be removed stays (swept later)."""
    shutil.rmtree(path, ignore_errors=True)


def sweep(root: Path, *, keep: set[str] = frozenset()) -> list[str]:
    """Remove the work folders under `root` whose owner is gone; returns their names.

    `keep` names (or glob patterns) folders that must stay though nobody holds them
    (an interrupted restore's, which its journal still needs to finish).  Only names of our own
    scheme are touched, never through a link.
    """
    base = root / WORK
    if not base.is_dir() or base.is_symlink():
        return []
    removed = []
    names = {entry.name.removesuffix(".lock") for entry in base.iterdir()}
    for name in sorted(names):
        if not _NAME.match(name) or any(fnmatch.fnmatchcase(name, kept) for kept in keep):
            continue
        lock = base / f"{name}.lock"
        fd = _take(lock)
        if fd is None:
            continue  # its owner is alive
        try:
            folder = base / name
            if folder.is_dir() and not folder.is_symlink():
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(name)
            elif folder.is_symlink():
                folder.unlink()
            lock.unlink(missing_ok=True)
        finally:
            os.close(fd)
    if removed:
        logger.warning("removed %d work folders left by killed backups or restores: %s",
                       len(removed), ", ".join(removed))
    return removed


def _take(lock: Path) -> int | None:
    """The lock, held, when nobody else holds it (created when missing); else None."""
    try:
        fd = os.open(lock, os.O_CREAT | os.O_RDWR | os.O_NOFOLLOW, 0o600)
    except OSError:
        return None
    if _lock(fd):
        return fd
    os.close(fd)
    return None
