"""Restore a backup: verify everything first, save the current state, then replace,
in phases written to a journal so that a killed restore is finished or rolled back.

Order (the manual's version overwrote the live database without checking):
1. `verify`: the manifest's HMAC, every file's name, size and SHA-256, the archive
   members against the manifest, `PRAGMA integrity_check` on the extracted
   database copy, and a schema no newer than this code's.  Nothing live is
   touched before all of it passes.
2. `preparing` -> `ready`: the database copy (or the pg_dump file, hard-linked)
   and the design assets, extracted and checked, wait in the restore's work
   folder (and, for local assets, a staging folder beside the live one, so that
   putting it in place is a rename); a full backup of the current state is made
   (`pre_restore`).  Still nothing live has changed.
3. `assets`: in a local folder the current one is renamed aside and the staged
   one renamed in; in a bucket the staged files are mirrored over the bucket's
   (the current ones were downloaded aside while preparing).
4. `database`: SQLite's backup API writes the copy into the live file in one
   transaction (never a file swap under open connections), or pg_restore into a
   fresh database swapped in by renames.
5. `after_database`: `migrate` for a backup from an older schema; queued tasks and
   sessions that came back with it are dropped; the schedules applied again.
6. `cleanup`: the work and staging folders go; of the folders moved aside only the
   newest stays (the pre-restore backup is the lasting way back, and ages out
   with BACKUP_KEEP_DAYS; so does that folder).

The journal (`operations.journal`) records each phase before it starts.  A
restore that raises in phase 3 or 4 puts the assets back and removes its
journal.  One that was killed is recovered by `recover()` (`manage.py
preflight`, `manage.py restore`): killed before phase 3, it is rolled back
(nothing live had changed); killed in or after phase 3, it is finished, each
phase being safe to run again.  Until then the health report says critical.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import sqlite3
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from generator import atomic, files as shared_files
from generator.hashing import sha256_of_stream
from operations import (archive, asides, backup, journal, kill_hook, pg, schedules, signing,
                        workspace)
from operations.errors import RestoreError, VerificationError

logger = logging.getLogger(__name__)
COMPONENTS = ("database", "design_assets")
PREPARING, READY = "preparing", "ready"
LIVE_PHASES = ("assets", "database", "after_database", "cleanup")  # these change live data


@dataclass
class RestoreResult:
    backup_id: str
    pre_restore_id: str
    components: list[str]
    migrated: bool = False
    moved_aside: str = ""
    notes: list[str] = field(default_factory=list)


@dataclass
class Recovery:
    """What `recover` did with a restore that had been killed."""

    backup_id: str
    phase: str
    action: str  # "finished" or "rolled back"
    pre_restore_id: str = ""


# -- checks ----------------------------------------------------------------------------------
def _entry(info: backup.BackupInfo, component: str) -> dict:
    for entry in info.manifest.get("files", []):
        if entry.get("component") == component:
            return entry
    raise VerificationError(f"the backup has no {component}")


def verify(info: backup.BackupInfo, components=COMPONENTS) -> None:
    """Every check that must pass before anything live is touched; raises VerificationError."""
    reason = backup.problem(info, deep=True)
    if reason:
        if not info.valid:
            reason += ", and is not restored"
        raise VerificationError(reason)
    _check_schema(info.manifest.get("migrations", {}))
    if "design_assets" in components:
        _check_zip(backup.backup_dir() / _entry(info, "design_assets")["file"],
                   _entry(info, "design_assets").get("members", []))


def problem(info: backup.BackupInfo, components=COMPONENTS) -> str | None:
    """Why `info` cannot be restored, or None: `verify` as a sentence for listings."""
    try:
        verify(info, components)
    except VerificationError as exc:
        return str(exc)
    return None


def newest_restorable(backups: list[backup.BackupInfo], components=COMPONENTS):
    """The newest backup that verifies, and the newer ones skipped with their reasons."""
    skipped = []
    for info in backups:
        reason = problem(info, components)
        if reason is None:
            return info, skipped
        skipped.append((info, reason))
    return None, skipped


def _check_zip(path: Path, members: list[dict]) -> None:
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
        return _keep_copy(path, work / "database.pgdump")
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


def _keep_copy(source: Path, target: Path) -> Path:
    """`source` in the work folder, so that pruning the backup meanwhile cannot take it
    from an unfinished restore (a hard link where the filesystem allows)."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)
    return target


def _sha_in_zip(path: Path, name: str) -> str:
    with zipfile.ZipFile(path) as handle, handle.open(name) as member:
        return sha256_of_stream(member)


def _integrity(path: Path) -> str:
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return db.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        return str(exc)


# -- the restore ---------------------------------------------------------------------------------
def run(backup_id: str, *, components=COMPONENTS,
        abandon_interrupted: bool = False) -> RestoreResult:
    """Restore `components` of backup `backup_id` (see the module docstring for the order).

    A restore that an earlier one left unfinished is recovered first; with
    `abandon_interrupted`, one that cannot be recovered is given up instead (this
    restore then decides what the data is).
    """
    components = [c for c in COMPONENTS if c in components]
    with journal.exclusive():
        try:
            _recover_locked()
        except RestoreError:
            if not abandon_interrupted:
                raise
            journal.abandon()
        info = backup.get(backup_id)
        verify(info, components)
        held = workspace.claim(backup.backup_dir(), "restore")
        state = {"backup_id": info.id, "components": components, "work": held.path.name,
                 "phase": PREPARING, "started": timezone.now().isoformat(), "pid": os.getpid()}
        journal.write(state)
        try:
            _prepare(info, state, held.path)
        except BaseException:
            _roll_back(state)
            held.release()
            raise
        held.close_keeping()  # from here the journal, not the lock, keeps the folder
        kill_hook.checkpoint(f"restore:{READY}")
        _apply(state)
    logger.warning("restored backup %s (%s); the state before is backup %s", backup_id,
                   ", ".join(components), state["pre_restore_id"])
    return RestoreResult(backup_id=backup_id, pre_restore_id=state["pre_restore_id"],
                         components=components, migrated=state.get("migrated", False),
                         moved_aside=_kept_aside(state))


def _prepare(info: backup.BackupInfo, state: dict, work: Path) -> None:
    """Everything before the first live change; ends in phase `ready`."""
    if "database" in state["components"]:
        state["database_copy"] = _extract_database(info, work).name
    if "design_assets" in state["components"]:
        state["assets"] = _stage_assets(info, work)
        journal.write(state)  # what to remove should preparing be killed from here on
        if state["assets"]["mode"] == "bucket":
            aside = Path(state["assets"]["aside"])
            aside.mkdir(mode=0o700)
            shared_files.snapshot(shared_files.ASSETS, aside)
    state["pre_restore_id"] = backup.create(label="pre_restore").id
    state["phase"] = READY
    journal.write(state)


def _stage_assets(info: backup.BackupInfo, work: Path) -> dict:
    """Extract and check the backed-up assets; returns where they and the current ones go."""
    live = shared_files.local_folder(shared_files.ASSETS)
    token = work.name.rsplit("-", 1)[-1]
    if live is None:  # a bucket: staged in the work folder, the current ones downloaded aside
        staging = work / "assets"
        aside = Path(settings.DATA_DIR) / f"design_assets_before_restore_{_stamp()}_{token}"
        plan = {"mode": "bucket", "staging": str(staging), "aside": str(aside)}
    else:  # beside the live folder, so that putting it in place is a rename
        live.parent.mkdir(parents=True, exist_ok=True)
        staging = live.parent / f".design_assets_restore_{token}"
        aside = live.parent / f"design_assets_before_restore_{_stamp()}_{token}"
        plan = {"mode": "local", "live": str(live), "staging": str(staging), "aside": str(aside),
                "had_live": live.exists()}
    entry = _entry(info, "design_assets")
    archive.extract_checked(backup.backup_dir() / entry["file"], staging,
                            entry.get("members", []))
    return plan


def _apply(state: dict, *, undo_on_error: bool = True) -> None:
    """Phases 3-6 from the journal's phase on; each is safe to run again after a kill.

    A step that raises in phase 3 or 4 puts the assets back (`undo_on_error`); a
    recovery leaves everything for the next attempt instead."""
    steps = {"assets": _put_assets_in_place, "database": _put_database_in_place,
             "after_database": _after_database_step, "cleanup": _clean_up}
    start = LIVE_PHASES.index(state["phase"]) if state["phase"] in LIVE_PHASES else 0
    for phase in LIVE_PHASES[start:]:
        state["phase"] = phase
        journal.write(state)
        try:
            steps[phase](state)
        except BaseException:
            if undo_on_error and phase in ("assets", "database"):
                _undo(state)
            raise
        kill_hook.checkpoint(f"restore:{phase}")
    journal.clear()


def _put_assets_in_place(state: dict) -> None:
    plan = state.get("assets")
    if not plan:
        return
    staging = Path(plan["staging"])
    if plan["mode"] == "bucket":
        shared_files.mirror(staging, shared_files.ASSETS)
        return
    live, aside = Path(plan["live"]), Path(plan["aside"])
    if not staging.exists():
        return  # already in place
    if live.exists():
        # a folder made after the first rename of a killed restore (an upload meanwhile)
        # goes aside too: the restored database does not know its files
        target = aside if not aside.exists() else aside.with_name(f"{aside.name}_late")
        os.replace(live, target)
    kill_hook.checkpoint("restore:assets_half")
    os.replace(staging, live)
    atomic.fsync_folder(live.parent)


def _put_database_in_place(state: dict) -> None:
    if not state.get("database_copy"):
        return
    copy = workspace.work_root(backup.backup_dir()) / state["work"] / state["database_copy"]
    if not copy.is_file():
        raise RestoreError("the verified database copy of the interrupted restore is gone")
    _restore_database(copy, None)


def _after_database_step(state: dict) -> None:
    if state.get("database_copy"):
        state["migrated"] = _after_database()


def _clean_up(state: dict) -> None:
    plan = state.get("assets") or {}
    keep = Path(plan["aside"]) if plan.get("aside") else None
    asides.remove_all(keep=keep)
    kill_hook.checkpoint("restore:cleanup_half")
    _remove_work(state)


def _undo(state: dict) -> None:
    """A restore that raised while changing live data: the assets go back as they were
    (the database was not changed: SQLite's backup step and pg's swap are atomic)."""
    plan = state.get("assets")
    try:
        if plan and plan["mode"] == "bucket" and Path(plan["aside"]).is_dir():
            shared_files.mirror(Path(plan["aside"]), shared_files.ASSETS)
        elif plan:
            live, aside = Path(plan["live"]), Path(plan["aside"])
            if aside.exists():
                workspace.remove_tree(live)
                os.replace(aside, live)
            elif not plan.get("had_live") and not Path(plan["staging"]).exists():
                workspace.remove_tree(live)  # there was no folder before
    finally:
        _roll_back(state)


def _roll_back(state: dict) -> None:
    """Remove what a restore that changed nothing live (or was undone) had prepared."""
    plan = state.get("assets") or {}
    staging = Path(plan["staging"]) if plan.get("staging") else None
    if staging is not None and staging.exists():
        workspace.remove_tree(staging)
    if plan.get("mode") == "bucket" and plan.get("aside"):
        workspace.remove_tree(Path(plan["aside"]))
    _remove_work(state)
    journal.clear()


def _remove_work(state: dict) -> None:
    root = workspace.work_root(backup.backup_dir())
    workspace.remove_tree(root / state["work"])
    (root / f"{state['work']}.lock").unlink(missing_ok=True)


def _kept_aside(state: dict) -> str:
    aside = (state.get("assets") or {}).get("aside")
    return aside if aside and Path(aside).exists() else ""


def _restore_database(copy: Path, info: backup.BackupInfo | None) -> None:
    if copy.suffix == ".pgdump":
        token = copy.parent.name.rsplit("-", 1)[-1]
        pg.clean_up(token)  # what a killed attempt left (nothing, the first time)
        pg.restore(copy, token)
        return
    live = Path(connection.settings_dict["NAME"])
    connection.close()
    source = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
    target = sqlite3.connect(live, timeout=30)
    try:
        # the backup API writes into the live database through SQLite's own locking, in
        # one transaction: other connections see the restored content or the old, never
        # a half-swapped file, and a kill part-way leaves the old
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
    schedules.ensure_schedules()
    return bool(pending)


# -- after a kill -------------------------------------------------------------------------------
def recover() -> Recovery | None:
    """Finish or roll back a restore that was killed (None when there is none).

    Raises `RestoreError` when another restore is running, or when the journal
    cannot be trusted or the restore cannot be finished (the journal then stays,
    and the health report keeps saying why).
    """
    if not journal.path().exists():
        return None  # the common case, without taking the lock or making folders
    with journal.exclusive():
        return _recover_locked()


def _recover_locked() -> Recovery | None:
    state = journal.read()
    if state is None:
        return None
    _check_paths(state)
    outcome = Recovery(backup_id=state["backup_id"], phase=state["phase"],
                       action="rolled back", pre_restore_id=state.get("pre_restore_id", ""))
    if state["phase"] not in LIVE_PHASES:
        _roll_back(state)
    else:
        try:
            _apply(state, undo_on_error=False)
        except Exception as exc:
            raise RestoreError(
                f"the interrupted restore of backup {outcome.backup_id} could not be finished "
                f"({exc}); the state before it is backup {outcome.pre_restore_id}") from exc
        outcome.action = "finished"
    logger.warning("the interrupted restore of backup %s (%s) was %s", outcome.backup_id,
                   outcome.phase, outcome.action)
    return outcome


def _check_paths(state: dict) -> None:
    """The folders a journal names are ours (it is signed; this is the second lock)."""
    if not re.fullmatch(r"restore-\d+-[0-9a-f]{8}", str(state.get("work"))):
        raise RestoreError("the restore journal names a work folder that is not one")
    plan = state.get("assets") or {}
    for key, pattern in (("staging", asides.STAGING), ("aside", asides.ASIDE)):
        if key in plan and plan["mode"] == "local" and not pattern.match(Path(plan[key]).name):
            raise RestoreError("the restore journal names a folder that is not one")


def _stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d_%H%M%S")


__all__ = ["COMPONENTS", "Recovery", "RestoreResult", "recover", "run", "verify", "problem",
           "newest_restorable", "signing"]
