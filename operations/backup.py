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
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import sqlite3
import tempfile
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from generator import files as shared_files

from . import archive, signing
from .errors import BackupError

logger = logging.getLogger(__name__)
MANIFEST = re.compile(r"^backup_info_(\d{8}_\d{6}(?:_\d+)?)\.json$")
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
        from datetime import datetime

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


def _tmp(directory: Path, final_name: str) -> Path:
    fd, name = tempfile.mkstemp(prefix=f".{final_name}.", suffix=".tmp", dir=directory)
    os.close(fd)
    os.chmod(name, 0o600)
    return Path(name)


def _publish(tmp: Path, final: Path) -> None:
    os.chmod(tmp, 0o600)
    os.replace(tmp, final)


@contextmanager
def _writing(final: Path):
    """A temporary file beside `final`, renamed to it only if the block completes."""
    tmp = _tmp(final.parent, final.name)
    try:
        yield tmp
        archive.fsync(tmp)
        _publish(tmp, final)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _write_json(final: Path, data) -> Path:
    with _writing(final) as tmp:
        tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    return final


# -- components ---------------------------------------------------------------------------------
def backup_database(directory: Path, backup_id: str) -> Path:
    """SQLite through the online backup API (consistent while others write), zipped;
    PostgreSQL through pg_dump's custom format."""
    if connection.vendor == "postgresql":
        return _pg_dump(directory, backup_id)
    live = Path(connection.settings_dict["NAME"])
    final = directory / f"database_{backup_id}.db.zip"
    with tempfile.TemporaryDirectory(dir=directory) as work:
        copy = Path(work) / "database.db"
        snapshot_sqlite(live, copy)
        with _writing(final) as tmp:
            archive.write_zip(tmp, {"database.db": copy})
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


def _pg_dump(directory: Path, backup_id: str) -> Path:
    from .pg import dump

    final = directory / f"database_{backup_id}.pgdump"
    with _writing(final) as tmp:
        dump(tmp)
    return final


def backup_design_assets(directory: Path, backup_id: str) -> tuple[Path, list[dict]]:
    """Every design asset in the shared files (local files as they are, a bucket's
    objects downloaded first), zipped under its name below design_assets/."""
    final = directory / f"design_assets_{backup_id}.zip"
    with tempfile.TemporaryDirectory(dir=directory) as work, _writing(final) as tmp:
        members = archive.write_zip(tmp, shared_files.snapshot(shared_files.ASSETS,
                                                                 Path(work)))
    return final, members


def backup_config(directory: Path, backup_id: str) -> tuple[Path, list[str]]:
    """Configuration by allowlist: CONFIG_DIR's plain config files (secrets redacted, no
    dotfiles) and a summary of the non-secret settings."""
    redactions: list[str] = []
    final = directory / f"config_{backup_id}.zip"
    with _writing(final) as tmp, tempfile.TemporaryDirectory(dir=directory) as work:
        archive.write_zip(tmp, _config_files(Path(work), redactions))
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


def backup_learned_patterns(directory: Path, backup_id: str) -> tuple[Path, int]:
    """Patterns with quality above 0.5, with their asset's filename and category."""
    from generator.models import DesignPattern

    rows = (DesignPattern.objects.filter(quality_score__gt=0.5).select_related("asset")
            .order_by("id"))
    patterns = [{"id": p.pk, "asset_id": p.asset_id, "pattern_type": p.pattern_type,
                 "pattern_name": p.pattern_name, "pattern_data": p.pattern_data,
                 "quality_score": p.quality_score, "filename": p.asset.filename,
                 "category": p.asset.category} for p in rows]
    return _write_json(directory / f"learned_patterns_{backup_id}.json", patterns), len(patterns)


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
    backup_id = _new_id(directory)
    written: list[Path] = []
    entries = []
    try:
        path = backup_database(directory, backup_id)
        written.append(path)
        entries.append(_entry("database", path))
        path, members = backup_design_assets(directory, backup_id)
        written.append(path)
        entries.append(_entry("design_assets", path, members=members))
        path, redactions = backup_config(directory, backup_id)
        written.append(path)
        entries.append(_entry("config", path, redactions=redactions))
        path, count = backup_learned_patterns(directory, backup_id)
        written.append(path)
        entries.append(_entry("learned_patterns", path, patterns=count))
        manifest = _manifest(backup_id, label, entries)
        _write_manifest(directory, backup_id, manifest)
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
            "size_mb": round(size / 1024 / 1024, 2), "sha256": archive.sha256_of(path), **extra}


def _manifest(backup_id: str, label: str, entries: list[dict]) -> dict:
    return {
        "id": backup_id, "timestamp": timezone.localtime().isoformat(), "type": label,
        "status": "success", "app_version": settings.APP_VERSION,
        "database_engine": connection.vendor, "migrations": migration_state(),
        "files": entries,
    }


def _write_manifest(directory: Path, backup_id: str, manifest: dict) -> None:
    _write_json(directory / f"backup_info_{backup_id}.json", signing.sign(manifest))


def list_backups() -> list[BackupInfo]:
    """Every backup with a manifest, newest first (unreadable manifests are skipped)."""
    directory = backup_dir()
    found = []
    for path in directory.iterdir():
        match = MANIFEST.match(path.name)
        if not match:
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


def files_of(info: BackupInfo) -> list[Path]:
    directory = backup_dir()
    return [directory / entry["file"] for entry in info.manifest.get("files", [])] + [
        directory / f"backup_info_{info.id}.json"]


def prune(keep_days: int | None = None, now=None) -> list[str]:
    """Delete backups older than `keep_days` (by manifest time), never the newest good one,
    and leftovers of interrupted backups (files no manifest names, older than a day)."""
    keep_days = settings.BACKUP_KEEP_DAYS if keep_days is None else keep_days
    now = now or timezone.now()
    backups = list_backups()
    good = [b for b in backups if b.valid and b.status == "success"]
    newest_good = good[0].id if good else None
    removed = []
    for info in backups:
        if info.id == newest_good or info.created > now - timedelta(days=keep_days):
            continue
        for path in files_of(info):
            if path.exists():
                path.unlink()
                removed.append(path.name)
    removed += _prune_leftovers(backups, now)
    return removed


def _prune_leftovers(backups: list[BackupInfo], now) -> list[str]:
    named = {name.name for info in backups for name in files_of(info)}
    removed = []
    for path in backup_dir().iterdir():
        age = now.timestamp() - path.stat().st_mtime
        if path.name not in named and path.is_file() and age > 86400:
            path.unlink()
            removed.append(path.name)
    return removed


def run_scheduled() -> dict:
    """The daily schedule: a full backup, then retention."""
    info = create()
    removed = prune()
    return {"backup": info.id, "removed": len(removed)}


def bundle(info: BackupInfo, target: Path) -> Path:
    """One zip holding every file of a backup (the admin's download)."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as out:
        for path in files_of(info):
            out.write(path, path.name)
    return target


def remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
