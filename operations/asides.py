"""The folders a restore leaves beside the live design assets, and their retention.

A local restore stages the backed-up assets in `.design_assets_restore_<token>/`
beside the live folder and renames the live one to
`design_assets_before_restore_<stamp>_<token>/` (in DATA_DIR for a bucket).  A
leaf of `backup` and `restore`: the backup's prune sweeps them without importing
the restore.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from generator import files as shared_files
from operations import journal, workspace
from operations.errors import RestoreError

ASIDE = re.compile(r"^design_assets_before_restore_\d{8}_\d{6}(?:_[0-9a-z_]+)?$")
STAGING = re.compile(r"^\.design_assets_restore_[0-9a-z_]+$")


def prune(keep_days: int, now=None) -> list[str]:
    """Folders moved aside by restores older than `keep_days`, and staging folders of
    killed restores, when no restore is running or unfinished."""
    if journal.running():
        return []
    try:
        if journal.read() is not None:
            return []
    except RestoreError:
        return []
    now = now or timezone.now()
    removed = []
    work = Path(settings.BACKUP_DIR) / workspace.WORK
    for path in work.glob(f".{journal.JOURNAL}.*.tmp") if work.is_dir() else []:
        path.unlink(missing_ok=True)  # a journal write that was killed
        removed.append(path.name)
    for folder in _parents():
        for path in folder.iterdir():
            if path.is_symlink() or not path.is_dir():
                continue
            if STAGING.match(path.name) or (ASIDE.match(path.name)
                                             and _age(path, now) > keep_days * 86400):
                workspace.remove_tree(path)
                removed.append(path.name)
    return removed


def remove_all(keep: Path | None) -> None:
    """Every folder moved aside by an earlier restore (the pre-restore backups hold them)."""
    for folder in _parents():
        for path in folder.iterdir():
            if (ASIDE.match(path.name) and path.is_dir() and not path.is_symlink()
                    and (keep is None or path != keep)):
                workspace.remove_tree(path)


def _age(path: Path, now) -> float:
    """Seconds since the folder was moved aside: the time in its name (a renamed folder
    keeps its old modification time)."""
    stamp = re.search(r"_(\d{8}_\d{6})", path.name).group(1)
    moved = timezone.make_aware(datetime.strptime(stamp, "%Y%m%d_%H%M%S"))
    return now.timestamp() - moved.timestamp()


def _parents() -> list[Path]:
    folders = {Path(settings.DATA_DIR)}
    live = shared_files.local_folder(shared_files.ASSETS)
    if live is not None:
        folders.add(live.parent)
    return [f for f in folders if f.is_dir()]
