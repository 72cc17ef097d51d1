"""Restore a backup: verify everything first, save the current state, then replace.

Order (the manual's version overwrote the live database without checking):
1. `verify`: the manifest's HMAC, every file's size and SHA-256, the archive
   members against the manifest, `PRAGMA integrity_check` on the extracted
   database copy, and a schema no newer than this code's.  Nothing live is
   touched before all of it passes.
2. A full backup of the current state (`pre_restore`).
3. The database through SQLite's backup API into the live file (never a
   file swap under open connections), or pg_restore; then `migrate` for a
   backup from an older schema; then queued tasks and sessions that came
   back with it are dropped and the schedules applied again.
4. Design assets: extracted and checked first.  In a local folder the
   extracted folder is swapped in and the current one moved aside, not
   deleted.  In a bucket the current objects are downloaded aside, the
   backed-up ones uploaded, and only then are objects the backup lacks
   removed.  Either way the aside copy is put back on error.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from generator import files as shared_files

from . import archive, backup, signing
from .errors import RestoreError, VerificationError

logger = logging.getLogger(__name__)
COMPONENTS = ("database", "design_assets")


@dataclass
class RestoreResult:
    backup_id: str
    pre_restore_id: str
    components: list[str]
    migrated: bool = False
    moved_aside: str = ""
    notes: list[str] = field(default_factory=list)


def _entry(info: backup.BackupInfo, component: str) -> dict:
    for entry in info.manifest.get("files", []):
        if entry.get("component") == component:
            return entry
    raise VerificationError(f"the backup has no {component}")


def verify(info: backup.BackupInfo, components=COMPONENTS) -> None:
    """Every check that must pass before anything live is touched; raises VerificationError."""
    if not info.valid:
        raise VerificationError("the manifest's signature does not match: the backup was "
                                "altered or made by another installation, and is not restored")
    if info.status != "success":
        raise VerificationError(f"the backup's status is {info.status!r}")
    directory = backup.backup_dir()
    for entry in info.manifest["files"]:
        path = directory / entry["file"]
        if Path(entry["file"]).name != entry["file"] or not path.is_file():
            raise VerificationError(f"{entry['file']} is missing")
        if path.stat().st_size != entry["size_bytes"] or archive.sha256_of(path) != entry["sha256"]:
            raise VerificationError(f"{entry['file']} does not match its checksum")
    _check_schema(info.manifest.get("migrations", {}))
    if "design_assets" in components:
        _check_zip(directory / _entry(info, "design_assets")["file"],
                   _entry(info, "design_assets").get("members", []))


def _check_zip(path: Path, members: list[dict]) -> None:
    import zipfile

    try:
        with zipfile.ZipFile(path) as handle:
            archive.check_members(handle, {m["name"]: m["size"] for m in members})
    except zipfile.BadZipFile as exc:
        raise VerificationError(f"{path.name} is not a valid archive ({exc})") from None


def _check_schema(migrations: dict[str, list[str]]) -> None:
    """Refuse a backup whose database has migrations this code does not know (newer)."""
    from django.db.migrations.loader import MigrationLoader

    known = set(MigrationLoader(connection, ignore_no_migrations=True).disk_migrations)
    unknown = [f"{app}.{name}" for app, names in migrations.items() for name in names
               if (app, name) not in known]
    if unknown:
        raise VerificationError("the backup comes from a newer version of bcgslides "
                                f"(unknown migrations: {', '.join(unknown[:3])}); upgrade first")


def _extract_database(info: backup.BackupInfo, work: Path) -> Path:
    entry = _entry(info, "database")
    path = backup.backup_dir() / entry["file"]
    if path.suffix == ".pgdump":
        return path
    import zipfile

    with zipfile.ZipFile(path) as handle:
        members = [{"name": i.filename, "size": i.file_size} for i in handle.infolist()]
    if [m["name"] for m in members] != ["database.db"]:
        raise VerificationError(f"{path.name} holds {[m['name'] for m in members][:3]}, "
                                "not one database")
    copy = work / "database.db"
    archive.extract_checked(path, work, [{**members[0],
                                          "sha256": _sha_in_zip(path, "database.db")}])
    result = _integrity(copy)
    if result != "ok":
        raise VerificationError(f"the backed-up database fails its integrity check: {result}")
    return copy


def _sha_in_zip(path: Path, name: str) -> str:
    import hashlib
    import zipfile

    digest = hashlib.sha256()
    with zipfile.ZipFile(path) as handle, handle.open(name) as member:
        for chunk in iter(lambda: member.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _integrity(path: Path) -> str:
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return db.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        return str(exc)


def run(backup_id: str, *, components=COMPONENTS) -> RestoreResult:
    """Restore `components` of backup `backup_id` (see the module docstring for the order)."""
    components = [c for c in COMPONENTS if c in components]
    info = backup.get(backup_id)
    verify(info, components)
    with tempfile.TemporaryDirectory(dir=backup.backup_dir()) as work_dir:
        work = Path(work_dir)
        database_copy = _extract_database(info, work) if "database" in components else None
        pre = backup.create(label="pre_restore")
        result = RestoreResult(backup_id=backup_id, pre_restore_id=pre.id,
                               components=components)
        if "design_assets" in components:
            result.moved_aside = _restore_assets(info, work)
        if database_copy is not None:
            try:
                _restore_database(database_copy, info)
            except Exception:
                _undo_assets(result.moved_aside)
                raise
            result.migrated = _after_database()
    logger.warning("restored backup %s (%s); the state before is backup %s", backup_id,
                   ", ".join(components), pre.id)
    return result


def _restore_database(copy: Path, info: backup.BackupInfo) -> None:
    if copy.suffix == ".pgdump":
        from .pg import restore

        restore(copy)
        return
    live = Path(connection.settings_dict["NAME"])
    connection.close()
    source = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
    target = sqlite3.connect(live, timeout=30)
    try:
        # the backup API writes into the live database through SQLite's own locking,
        # so other connections see the restored content, never a half-swapped file
        source.backup(target)
        result = target.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        source.close()
        target.close()
    if result != "ok":
        raise RestoreError(f"the restored database fails its integrity check: {result}")


def _after_database() -> bool:
    """Migrate an older schema; drop tasks and sessions that came back; reapply schedules."""
    from django.core.management import call_command
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        call_command("migrate", verbosity=0, interactive=False)
    from django.contrib.sessions.models import Session
    from django_q.brokers import get_broker
    from django_q.models import OrmQ

    OrmQ.objects.all().delete()  # the ORM broker's queue came back with the database
    get_broker().purge_queue()  # a Redis broker's queue names rows the restore replaced
    Session.objects.all().delete()
    from .schedules import ensure_schedules

    ensure_schedules()
    return bool(pending)


def _restore_assets(info: backup.BackupInfo, work: Path) -> str:
    """Put the backed-up design assets in place; returns where the current ones were kept."""
    live = shared_files.local_folder(shared_files.ASSETS)
    # a local staging folder sits beside the live one, so that swapping them is a rename
    parent = live.parent if live is not None else work
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".design_assets_restore_", dir=parent))
    try:
        entry = _entry(info, "design_assets")
        archive.extract_checked(backup.backup_dir() / entry["file"], staging,
                                entry.get("members", []))
        if live is None:
            return _restore_bucket_assets(staging)
    except BaseException:
        backup.remove_tree(staging)
        raise
    return _swap_local_assets(staging, live)


def _swap_local_assets(staging: Path, live: Path) -> str:
    aside = ""
    if live.exists():
        aside = str(live.parent / f"design_assets_before_restore_{_stamp()}")
        os.replace(live, aside)
    os.replace(staging, live)
    return aside


def _restore_bucket_assets(staging: Path) -> str:
    """Upload the backed-up assets over the bucket's; a copy of the current ones is kept
    in DATA_DIR (as a local restore keeps its folder) and uploaded again on failure."""
    aside = Path(tempfile.mkdtemp(prefix=f"design_assets_before_restore_{_stamp()}_",
                                  dir=settings.DATA_DIR))
    shared_files.snapshot(shared_files.ASSETS, aside)
    try:
        shared_files.mirror(staging, shared_files.ASSETS)
    except BaseException:
        shared_files.mirror(aside, shared_files.ASSETS)
        raise
    return str(aside)


def _undo_assets(aside: str) -> None:
    if not aside:
        return
    live = shared_files.local_folder(shared_files.ASSETS)
    if live is None:
        shared_files.mirror(Path(aside), shared_files.ASSETS)
        return
    backup.remove_tree(live)
    os.replace(aside, live)


def _stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d_%H%M%S")


__all__ = ["COMPONENTS", "RestoreResult", "run", "verify", "signing"]
