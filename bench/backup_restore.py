"""Backup and restore of a 200 MB SQLite database against `sqlite3 .backup` and a file copy.

Run:  .venv/bin/python bench/backup_restore.py [--mb 200]
Fills a fresh database to the size, then times (median of 3):
- ours, backup: `operations.backup.create()` (online backup API snapshot, integrity
  check, zip, SHA-256 of every file, signed manifest, design assets, config, patterns);
- ours, snapshot only: the backup-API copy inside it (`backup.snapshot_sqlite`);
- peers: `sqlite3 db ".backup out"` (the CLI) and `cp` (not safe while others write);
- ours, restore: `operations.restore.run()` (verify checksums + signature + integrity,
  a pre-restore backup, backup-API restore into the live file, cleanup);
- peers: `sqlite3 db ".restore in"` and `cp` over the file.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _setup(data_dir: Path) -> None:
    os.environ.update(DJANGO_SETTINGS_MODULE="bcgslides.settings", DATA_DIR=str(data_dir / "data"),
                      BACKUP_DIR=str(data_dir / "backups"))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _fill(mb: int) -> Path:
    from django.db import connection

    from generator.models import GeneratedPresentation

    text = os.urandom(48 * 1024).hex()  # 96 KB of incompressible-ish text
    rows = mb * 1024 // 96
    GeneratedPresentation.objects.bulk_create(
        [GeneratedPresentation(title=f"deck {i}", source_kind="markdown", source_text=text)
         for i in range(rows)], batch_size=200)
    connection.close()
    return Path(connection.settings_dict["NAME"])


def _time(action, runs: int = 3) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=200)
    args = parser.parse_args()
    sqlite_cli = shutil.which("sqlite3")
    if not sqlite_cli:
        sys.exit("the sqlite3 command is not installed (bin/setup --test installs it)")
    work = Path(tempfile.mkdtemp(prefix="bcgslides-bench-"))
    _setup(work)
    live = _fill(args.mb)
    size_mb = live.stat().st_size / 1024 / 1024
    from operations import backup, restore

    out = work / "peer.db"
    ours_backup = _time(lambda: backup.create())
    snapshot = _time(lambda: backup.snapshot_sqlite(live, work / "snap.db"))
    cli_backup = _time(lambda: subprocess.run([sqlite_cli, str(live), f".backup {out}"],
                                              check=True))
    copy_backup = _time(lambda: shutil.copyfile(live, work / "copy.db"))
    target = backup.list_backups()[-1].id
    ours_restore = _time(lambda: restore.run(target, components=["database"]), runs=1)
    cli_restore = _time(lambda: subprocess.run([sqlite_cli, str(live), f".restore {out}"],
                                               check=True))
    copy_restore = _time(lambda: shutil.copyfile(work / "copy.db", live))
    print(f"database: {size_mb:.0f} MB SQLite (WAL)")
    print(f"{'':34}{'seconds':>9}{'vs sqlite3':>12}{'vs cp':>8}")
    for label, value, cli, copy in (
            ("backup, ours (everything)", ours_backup, cli_backup, copy_backup),
            ("backup, ours (snapshot only)", snapshot, cli_backup, copy_backup),
            ("backup, sqlite3 .backup", cli_backup, cli_backup, copy_backup),
            ("backup, cp", copy_backup, cli_backup, copy_backup),
            ("restore, ours (verify+save+restore)", ours_restore, cli_restore, copy_restore),
            ("restore, sqlite3 .restore", cli_restore, cli_restore, copy_restore),
            ("restore, cp", copy_restore, cli_restore, copy_restore)):
        print(f"{label:<34}{value:>9.2f}{value / cli:>11.2f}x{value / copy:>7.2f}x")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
