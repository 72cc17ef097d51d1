"""Full backups: database, design assets, configuration, learned patterns, signed manifest.

A backup is a set of files in BACKUP_DIR sharing a timestamp id, described
by `backup_info_<id>.json`: files, sizes, SHA-256, migration state, app
version and status, signed with an HMAC keyed from SECRET_KEY (a restored
database carries django-q2 pickles, so only backups this installation made
are ever restored).  Every file is written under a temporary name and
renamed when complete, the manifest last: a crash never leaves a manifest
that claims success.  Files are 0600 in a 0700 directory.

The manual's version logged a failed component and carried on; here a
failed component makes the whole backup `failed` (and the command exit 1).

Temporary files (the database copy, downloaded assets, files being written)
live in a work folder of the backup's own under `BACKUP_DIR/.work/`, locked
while the backup runs (`workspace`): what a killed backup leaves is removed
by the next backup or prune.  Prune deletes only files whose names follow
the naming scheme below, directly in BACKUP_DIR and never through a link:
the file names inside a manifest are never trusted for deleting anything.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sqlite3
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone as dt_timezone
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from generator import atomic, files as shared_files
from generator.hashing import sha256_of
from generator.models import DesignPattern
from operations import archive, asides, journal, kill_hook, pg, signing, workspace
from operations.errors import BackupError


logger = logging.getLogger(__name__)
_ID = r"\d{8}_\d{6}(?:_\d+)?"
MANIFEST = re.compile(rf"^backup_info_({_ID})\.json$")
# the one naming scheme of a backup's files: component -> names, for backup id {id}
FILE_NAMES = {"database": ("database_{id}.db.zip", "database_{id}.pgdump"),
              "design_assets": ("design_assets_{id}.zip",),
              "config": ("config_{id}.zip",),
              "learned_patterns": ("learned_patterns_{id}.json",)}
COMPONENT_FILE = re.compile(rf"^(?:database_({_ID})\.(?:db\.zip|pgdump)|design_assets_({_ID})\.zip"
                            rf"|config_({_ID})\.zip|learned_patterns_({_ID})\.json)$")
# what versions before work folders left in BACKUP_DIR: `.<final>.<random>.tmp` files and
# tempfile's `tmpXXXXXXXX` folders (a whole database copy each)
LEGACY_TMP_FILE = re.compile(r"^\.(?:database|design_assets|config|learned_patterns|backup_info)_"
                             rf"{_ID}\..+\.tmp$")
LEGACY_TMP_FOLDER = re.compile(r"^tmp[a-z0-9_]{8}$")
LEFTOVER_AGE = 86400  # a file of the naming scheme that no manifest names, older than this
CONFIG_SUFFIXES = {".toml", ".yaml", ".yml", ".json", ".ini", ".cfg", ".conf", ".txt", ".md"}
_SECRET_WORDS = re.compile(r"(secret|password|passwd|token|api[_-]?key|access[_-]?key|private)",
                           re.I)
_SETTINGS_SHOWN = ("APP_VERSION", "TIME_ZONE", "LANGUAGE_CODE", "OPENAI_MODEL",
                   "API_COST_WARNING_JPY", "API_COST_LIMIT_JPY", "USD_JPY_RATE",
                   "LLM_CACHE_TTL", "MAX_UPLOAD_BYTES", "MAX_SOURCE_BYTES", "BACKUP_KEEP_DAYS",
                   # where the shared files live; never holds credentials (settings refuse them)
                   "MEDIA_STORAGE_URL")


@dataclass
class BackupInfo:
    """A backup as its manifest describes it (`valid` = the signature checks)."""

    id: str
    manifest: dict
    valid: bool

    @property
    def status(self) -> str:
        return self.manifest.get("status", "unknown")

    @property
    def created(self):
        return datetime.fromisoformat(self.manifest["timestamp"])

    @property
    def size_bytes(self) -> int:
        return sum(f.get("size_bytes", 0) for f in self.manifest.get("files", []))


def backup_dir() -> Path:
    directory = Path(settings.BACKUP_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    os.chmod(directory, 0o700)
    return directory


def _new_id(directory: Path) -> str:
    stamp = timezone.localtime().strftime("%Y%m%d_%H%M%S")
    candidate, counter = stamp, 1
    while (directory / f"backup_info_{candidate}.json").exists() or list(
            directory.glob(f"*_{candidate}.*")):
        candidate = f"{stamp}_{counter}"
        counter += 1
    return candidate


def _writing(final: Path, work: Path):
    """A temporary file in the work folder `work` (on the same filesystem as `final`),
    flushed and renamed to `final` (0600) only if the block completes."""
    return atomic.replacing(final, beside=work, mode=0o600, suffix=".tmp")


def _write_json(final: Path, data, work: Path) -> Path:
    with _writing(final, work) as tmp:
        tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    return final


# -- components ---------------------------------------------------------------------------------
def backup_database(directory: Path, backup_id: str, work: Path) -> Path:
    """SQLite through the online backup API (consistent while others write), zipped;
    PostgreSQL through pg_dump's custom format."""
    if connection.vendor == "postgresql":
        return _pg_dump(directory, backup_id, work)
    live = Path(connection.settings_dict["NAME"])
    final = directory / f"database_{backup_id}.db.zip"
    copy = work / "database.db"
    try:
        snapshot_sqlite(live, copy)
        kill_hook.checkpoint("backup:database_copied")
        with _writing(final, work) as tmp:
            archive.write_zip(tmp, {"database.db": copy})
    finally:
        copy.unlink(missing_ok=True)
    return final


def snapshot_sqlite(live: Path, copy: Path) -> None:
    """A consistent copy of a live SQLite database (backup API), checked, in DELETE mode."""
    source = sqlite3.connect(f"file:{live}?mode=ro", uri=True, timeout=30)
    target = sqlite3.connect(copy)
    try:
        source.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")  # no -wal/-shm beside the copy
        result = target.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            raise BackupError(f"the database copy failed its integrity check: {result}")
    finally:
        target.close()
        source.close()


def _pg_dump(directory: Path, backup_id: str, work: Path) -> Path:
    final = directory / f"database_{backup_id}.pgdump"
    with _writing(final, work) as tmp:
        pg.dump(tmp)
        kill_hook.checkpoint("backup:database_copied")
    return final


def backup_design_assets(directory: Path, backup_id: str,
                         work: Path) -> tuple[Path, list[dict]]:
    """Every design asset in the shared files (local files as they are, a bucket's
    objects downloaded first), zipped under its name below design_assets/."""
    final = directory / f"design_assets_{backup_id}.zip"
    downloads = work / "assets"
    downloads.mkdir()
    try:
        with _writing(final, work) as tmp:
            members = archive.write_zip(tmp, shared_files.snapshot(shared_files.ASSETS,
                                                                     downloads))
    finally:
        workspace.remove_tree(downloads)
    return final, members


def backup_config(directory: Path, backup_id: str, work: Path) -> tuple[Path, list[str]]:
    """Configuration by allowlist: CONFIG_DIR's plain config files (secrets redacted, no
    dotfiles) and a summary of the non-secret settings."""
    redactions: list[str] = []
    final = directory / f"config_{backup_id}.zip"
    clean = work / "config"
    clean.mkdir()
    try:
        with _writing(final, work) as tmp:
            archive.write_zip(tmp, _config_files(clean, redactions))
    finally:
        workspace.remove_tree(clean)
    return final, redactions


def _config_files(work: Path, redactions: list[str]) -> dict[str, Path]:
    summary = work / "settings_summary.json"
    summary.write_text(json.dumps({name: getattr(settings, name, None) for name in
                                   _SETTINGS_SHOWN}, indent=2, default=str), encoding="utf-8")
    files = {"settings_summary.json": summary}
    source = Path(settings.CONFIG_DIR)
    if not source.is_dir():
        return files
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if (not path.is_file() or any(part.startswith(".") for part in relative.parts)
                or path.suffix.lower() not in CONFIG_SUFFIXES):
            continue
        clean = work / "config" / relative
        clean.parent.mkdir(parents=True, exist_ok=True)
        clean.write_text(_redact(path, relative.as_posix(), redactions), encoding="utf-8")
        files[f"config/{relative.as_posix()}"] = clean
    return files


def _redact(path: Path, name: str, redactions: list[str]) -> str:
    lines = []
    for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace")
                                  .splitlines(), start=1):
        if _SECRET_WORDS.search(line) and re.search(r"[:=]", line):
            key = re.split(r"[:=]", line, 1)[0]
            lines.append(f"{key}= [REDACTED]")
            redactions.append(f"{name}:{number}")
        else:
            lines.append(line)
    return "\n".join(lines) + "\n"


def backup_learned_patterns(directory: Path, backup_id: str, work: Path) -> tuple[Path, int]:
    """Patterns with quality above 0.5, with their asset's filename and category."""
    rows = (DesignPattern.objects.filter(quality_score__gt=0.5).select_related("asset")
            .order_by("id"))
    patterns = [{"id": p.pk, "asset_id": p.asset_id, "pattern_type": p.pattern_type,
                 "pattern_name": p.pattern_name, "pattern_data": p.pattern_data,
                 "quality_score": p.quality_score, "filename": p.asset.filename,
                 "category": p.asset.category} for p in rows]
    return (_write_json(directory / f"learned_patterns_{backup_id}.json", patterns, work),
            len(patterns))


# -- the whole backup ---------------------------------------------------------------------
def migration_state() -> dict[str, list[str]]:
    from django.db.migrations.recorder import MigrationRecorder

    state: dict[str, list[str]] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        state.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(state.items())}


def create(*, label: str = "full_backup") -> BackupInfo:
    """Make a full backup; raises `BackupError` (after removing what it wrote) on failure."""
    directory = backup_dir()
    sweep_work()
    backup_id = _new_id(directory)
    written: list[Path] = []
    entries = []
    try:
        with workspace.claimed(directory, "backup") as work:
            path = backup_database(directory, backup_id, work)
            written.append(path)
            entries.append(_entry("database", path))
            path, members = backup_design_assets(directory, backup_id, work)
            written.append(path)
            entries.append(_entry("design_assets", path, members=members))
            path, redactions = backup_config(directory, backup_id, work)
            written.append(path)
            entries.append(_entry("config", path, redactions=redactions))
            path, count = backup_learned_patterns(directory, backup_id, work)
            written.append(path)
            entries.append(_entry("learned_patterns", path, patterns=count))
            manifest = _manifest(backup_id, label, entries)
            _write_manifest(directory, backup_id, manifest, work)
    except Exception as exc:
        for path in written:
            path.unlink(missing_ok=True)
        logger.exception("backup %s failed", backup_id)
        raise BackupError(f"the backup failed and was removed: {exc}") from exc
    logger.info("backup %s created (%d files)", backup_id, len(entries))
    return BackupInfo(id=backup_id, manifest=manifest, valid=True)


def _entry(component: str, path: Path, **extra) -> dict:
    size = path.stat().st_size
    return {"component": component, "file": path.name, "size_bytes": size,
            "size_mb": round(size / 1024 / 1024, 2), "sha256": sha256_of(path), **extra}


def _manifest(backup_id: str, label: str, entries: list[dict]) -> dict:
    return {
        "id": backup_id, "timestamp": timezone.localtime().isoformat(), "type": label,
        "status": "success", "app_version": settings.APP_VERSION,
        "database_engine": connection.vendor, "migrations": migration_state(),
        "files": entries,
    }


def _write_manifest(directory: Path, backup_id: str, manifest: dict, work: Path) -> None:
    _write_json(directory / f"backup_info_{backup_id}.json", signing.sign(manifest), work)


def list_backups() -> list[BackupInfo]:
    """Every backup with a manifest, newest first (unreadable manifests are skipped)."""
    directory = backup_dir()
    found = []
    for path in directory.iterdir():
        match = MANIFEST.match(path.name)
        if not match or path.is_symlink():
            continue
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            logger.error("unreadable backup manifest %s: %s", path.name, exc)
            continue
        found.append(BackupInfo(id=match.group(1), manifest=manifest,
                                valid=signing.verify(manifest)))
    return sorted(found, key=lambda info: info.manifest.get("timestamp", ""), reverse=True)


def get(backup_id: str) -> BackupInfo:
    for info in list_backups():
        if info.id == backup_id:
            return info
    raise BackupError(f"no backup {backup_id!r}")


def own_file(info: BackupInfo, entry: dict) -> Path | None:
    """The file a manifest entry names, when the name is one this backup can have
    (its component's name for its id, directly in BACKUP_DIR); else None."""
    names = FILE_NAMES.get(entry.get("component"), ())
    name = entry.get("file")
    if not isinstance(name, str) or name not in {n.format(id=info.id) for n in names}:
        return None
    return backup_dir() / name


def files_of(info: BackupInfo) -> list[Path]:
    """The backup's files that exist under names of our scheme, and its manifest."""
    found = [own_file(info, entry) for entry in info.manifest.get("files", [])]
    return [path for path in found if path is not None and _plain_file(path)] + [
        backup_dir() / f"backup_info_{info.id}.json"]


def problem(info: BackupInfo, *, deep: bool = True) -> str | None:
    """Why this backup cannot be restored (None when it can, as far as its files go):
    the signature, the status, each file's name, presence and size, and with `deep`
    its SHA-256."""
    if not info.valid:
        return ("the manifest's signature does not match: the backup was altered or made by "
                "another installation")
    if info.status != "success":
        return f"the backup's status is {info.status!r}"
    for entry in info.manifest.get("files", []):
        path = own_file(info, entry)
        if path is None:
            return f"{str(entry.get('file'))[:80]!r} is not a file of this backup"
        if not _plain_file(path):
            return f"{path.name} is missing"
        if path.stat().st_size != entry.get("size_bytes"):
            return f"{path.name} does not match its checksum (size)"
        if deep and sha256_of(path) != entry.get("sha256"):
            return f"{path.name} does not match its checksum"
    return None


def _plain_file(path: Path) -> bool:
    """A regular file, not a link, directly in BACKUP_DIR (as every backup file is)."""
    return (not path.is_symlink() and path.is_file()
            and path.resolve().parent == backup_dir().resolve())


def _created(info: BackupInfo, directory: Path):
    """When the backup was made: its signed timestamp; for an unsigned manifest, the
    manifest file's own time (never a date the unsigned text claims)."""
    if info.valid:
        try:
            return info.created
        except (KeyError, TypeError, ValueError):
            pass
    mtime = (directory / f"backup_info_{info.id}.json").lstat().st_mtime
    return datetime.fromtimestamp(mtime, tz=dt_timezone.utc)


def prune(keep_days: int | None = None, now=None) -> list[str]:
    """Delete backups older than `keep_days`, never the newest one that verifies, and
    what interrupted backups and restores left behind.

    Only files of the naming scheme for that backup's id, directly in BACKUP_DIR and
    not links, are deleted: a manifest's own list of files is not trusted for it
    (signed or not).
    """
    keep_days = settings.BACKUP_KEEP_DAYS if keep_days is None else keep_days
    now = now or timezone.now()
    directory = backup_dir()
    backups = list_backups()
    newest_good = next((b.id for b in backups if problem(b) is None), None)
    removed = []
    for info in backups:
        if info.id == newest_good or _created(info, directory) > now - timedelta(days=keep_days):
            continue
        removed += _delete_backup_files(directory, info.id)
    removed += _prune_leftovers(directory, {b.id for b in backups}, now)
    removed += sweep_work()
    removed += asides.prune(keep_days, now)
    return removed


def _delete_backup_files(directory: Path, backup_id: str) -> list[str]:
    names = [f"backup_info_{backup_id}.json"] + [
        name.format(id=backup_id) for names in FILE_NAMES.values() for name in names]
    removed = []
    for name in names[1:] + names[:1]:  # the manifest last: a crash leaves a listed backup
        path = directory / name
        if _plain_file(path):
            path.unlink()
            removed.append(name)
    return removed


def _prune_leftovers(directory: Path, listed: set[str], now) -> list[str]:
    """Files of the naming scheme whose backup has no manifest (killed before it was
    written), and temporary files and folders of earlier versions, older than a day."""
    removed = []
    for path in directory.iterdir():
        name = path.name
        if path.is_symlink():
            continue
        age = now.timestamp() - path.lstat().st_mtime
        if age <= LEFTOVER_AGE:
            continue
        match = COMPONENT_FILE.match(name)
        orphan = match is not None and not listed & set(filter(None, match.groups()))
        if path.is_file() and (orphan or LEGACY_TMP_FILE.match(name)):
            path.unlink()
            removed.append(name)
        elif path.is_dir() and LEGACY_TMP_FOLDER.match(name):
            workspace.remove_tree(path)
            removed.append(name)
    return removed


def sweep_work() -> list[str]:
    """Remove work folders whose backup or restore was killed (but an interrupted
    restore's, which its journal needs to finish)."""
    return workspace.sweep(backup_dir(), keep=journal.kept_folders())


def run_scheduled() -> dict:
    """The daily schedule: a full backup, then retention (also when the backup failed:
    a disk filled by old backups is how backups start failing)."""
    try:
        info = create()
    except BackupError:
        prune()
        raise
    return {"backup": info.id, "removed": len(prune())}


def bundle(info: BackupInfo, target: Path) -> Path:
    """One zip holding every file of a backup (the admin's download)."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as out:
        for path in files_of(info):
            out.write(path, path.name)
    return target

