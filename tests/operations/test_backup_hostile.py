"""Backups and restores on a bad day: forged manifests, killed backups and restores.

Real SQLite database, real files, real `manage.py` child processes.  A child
is killed at a chosen point by the test-only hook `operations.kill_hook.checkpoint`,
armed through `tests/operations/kill_settings.py` (production settings never arm it):
a kill sent from outside cannot land between two renames.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from generator.hashing import sha256_of
from generator.models import DesignAsset, GeneratedPresentation
from operations import backup, health, journal, restore, signing, workspace
from operations.errors import RestoreError
from tests.conftest import REPO, child_env
from tests.sharedfiles import use_local_files

pytestmark = pytest.mark.django_db(transaction=True)


def assets() -> Path:
    return Path(django_settings.DATA_DIR) / "design_assets"


def backups() -> Path:
    return Path(django_settings.BACKUP_DIR)


@pytest.fixture(autouse=True)
def folders(settings, tmp_path):
    settings.BACKUP_DIR = tmp_path / "backups"
    use_local_files(settings, tmp_path / "data")
    settings.CONFIG_DIR = tmp_path / "config"
    assets().mkdir()
    return tmp_path


def some_data(title: str = "before") -> None:
    DesignAsset.objects.create(filename="house.pptx", category="corp", stored_name="a1.pptx",
                               sha256="a" * 64)
    (assets() / "a1.pptx").write_bytes(b"PK-a-template")
    GeneratedPresentation.objects.create(title=title, source_kind="markdown")


def titles() -> set[str]:
    return set(GeneratedPresentation.objects.values_list("title", flat=True))


def manage(*args: str, kill_at: str = "", timeout: float = 120) -> subprocess.CompletedProcess:
    """`manage.py ARGS` in a child process on this test's database and folders."""
    env = child_env(DJANGO_SETTINGS_MODULE="tests.operations.kill_settings",
                    OPERATIONS_TEST_KILL_AT=kill_at,
                    SECRET_KEY=django_settings.SECRET_KEY)  # DATA_DIR moved: same signing key
    try:
        return subprocess.run([sys.executable, str(REPO / "manage.py"), *args], cwd=REPO,
                              env=env, capture_output=True, text=True, timeout=timeout)
    finally:
        connection.close()  # a restore there ends this process's session on PostgreSQL


def work_files() -> list[Path]:
    """Files in backups' work folders: the database copy (SQLite) or dump (PostgreSQL) of
    a backup in progress, or what a killed one left."""
    return sorted(p for p in backups().glob(f"{workspace.WORK}/backup-*/*") if p.is_file())


@pytest.fixture(autouse=True)
def reconnect_after(transactional_db):
    """On PostgreSQL a restore (here or in a child process) ends every other session,
    this test's own among them: the next test must not inherit a dead connection."""
    yield
    connection.close()


def age(path: Path, seconds_ago: float = 30 * 86400) -> None:
    stamp = time.time() - seconds_ago
    os.utime(path, (stamp, stamp), follow_symlinks=False)


def later(days: int = 30):
    return timezone.now() + timedelta(days=days)


# -- 17.13: prune deletes only what it can prove is a backup inside BACKUP_DIR ------------------
def _forge(backup_id: str, files: list[dict], *, signed: bool) -> Path:
    manifest = {"id": backup_id, "timestamp": "2020-01-01T00:00:00+00:00", "type": "full_backup",
                "status": "success", "files": files}
    if signed:
        manifest = signing.sign(manifest)
    path = backups() / f"backup_info_{backup_id}.json"
    path.write_text(json.dumps(manifest))
    age(path)
    return path


def test_prune_never_deletes_what_a_manifest_names_outside_the_backups(folders):
    data = folders / "data"
    victims = {name: data / name for name in ("victim.txt", "signed-victim.txt", "linked.txt")}
    for path in victims.values():
        path.write_text("precious")
    good = backup.create()
    backups().joinpath("notes.txt").write_text("the operator's notes")
    age(backups() / "notes.txt")
    unsigned = _forge("20200101_000000", [
        {"component": "database", "file": "../data/victim.txt"},
        {"component": "config", "file": str(victims["victim.txt"])},
        {"component": "learned_patterns", "file": "notes.txt"}], signed=False)
    _forge("20200102_000000", [{"component": "database", "file": "../data/signed-victim.txt"}],
           signed=True)  # even a signed manifest names no file outside its scheme
    link = backups() / "database_20200103_000000.db.zip"  # a backup's name, but a link out
    link.symlink_to(victims["linked.txt"])
    _forge("20200103_000000", [{"component": "database", "file": link.name}], signed=True)
    age(link)

    removed = backup.prune(keep_days=7, now=later())

    assert all(path.read_text() == "precious" for path in victims.values())
    assert (backups() / "notes.txt").exists() and link.is_symlink()
    assert not unsigned.exists()  # the forged manifest itself is of the scheme and old: gone
    assert not any(".." in name or "/" in name for name in removed)
    assert [b.id for b in backup.list_backups() if b.valid and b.status == "success"][0] == good.id
    _forge("20200104_000000", [{"component": "database", "file": "../data/victim.txt"}],
           signed=False)
    bundle = folders / "bundle.zip"  # the admin's download holds no file from outside either
    backup.bundle(backup.get("20200104_000000"), bundle)
    import zipfile

    with zipfile.ZipFile(bundle) as package:
        assert package.namelist() == ["backup_info_20200104_000000.json"]


def test_prune_keeps_the_newest_backup_that_verifies_not_the_newest_signed(folders):
    good = backup.create()
    time.sleep(1.1)
    damaged = backup.create()
    entry = next(f for f in damaged.manifest["files"] if f["component"] == "config")
    path = backups() / entry["file"]
    path.write_bytes(path.read_bytes()[:-1] + b"X")  # same size, other bytes
    backup.prune(keep_days=7, now=later())
    assert [b.id for b in backup.list_backups()] == [good.id]


# -- 17.14: what killed backups and restores leave is swept ---------------------------------------
def test_a_killed_backup_leaves_its_database_copy_only_until_the_next_backup(folders):
    some_data()
    result = manage("backup", kill_at="backup:database_copied")
    assert result.returncode == -signal.SIGKILL, result.stderr[-2000:]
    work = backups() / workspace.WORK
    copies = work_files()
    assert len(copies) == 1 and copies[0].stat().st_size > 0  # the full copy it left
    assert backup.list_backups() == []

    backup.create()
    assert list(work.glob("backup-*")) == []  # folder and lock file gone
    assert work_files() == []


@pytest.mark.slow
def test_a_backup_killed_from_outside_leaves_nothing_after_the_next_one(folders):
    ballast = os.urandom(256 * 1024).hex()  # text that does not compress away
    GeneratedPresentation.objects.bulk_create(
        [GeneratedPresentation(title="ballast", source_kind="spec", source_text=ballast)
         for _ in range(40)], batch_size=10)
    process = subprocess.Popen([sys.executable, str(REPO / "manage.py"), "backup"], cwd=REPO,
                               env=child_env(SECRET_KEY=django_settings.SECRET_KEY),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if backups().is_dir() and work_files():
            break  # the full copy of the database is being written
        time.sleep(0.005)
    os.kill(process.pid, signal.SIGKILL)
    assert process.wait(timeout=10) == -signal.SIGKILL
    backup.create()
    assert work_files() == []
    assert [b.status for b in backup.list_backups()] == ["success"]


def test_prune_sweeps_dead_work_folders_and_leaves_a_live_one(folders):
    backup.create()
    dead = manage("backup", kill_at="backup:database_copied")
    assert dead.returncode == -signal.SIGKILL
    live = workspace.claim(backups(), "backup")  # this process owns it, as a running backup does
    (live.path / "database.db").write_bytes(b"in use")
    try:
        removed = backup.prune(keep_days=7)
        assert live.path.exists() and (live.path / "database.db").read_bytes() == b"in use"
        assert len([name for name in removed if name.startswith("backup-")]) == 1
        assert [p.name for p in (backups() / workspace.WORK).glob("backup-*")
                if p.is_dir()] == [live.path.name]
    finally:
        live.release()
    assert not live.path.exists()


def test_prune_removes_what_earlier_versions_left_but_only_when_old(folders):
    backup.create()
    legacy = backups() / "tmpab12cd_e"
    legacy.mkdir()
    (legacy / "database.db").write_bytes(b"x" * 1000)
    tmp = backups() / ".database_20200101_000000.db.zip.k3j4h5.tmp"
    tmp.write_bytes(b"half")
    orphan = backups() / "design_assets_20200101_000000.zip"  # its manifest was never written
    orphan.write_bytes(b"PK")
    fresh = backups() / "tmpzz99yy_x"  # perhaps an older version's backup running now
    fresh.mkdir()
    for path in (legacy, tmp, orphan):
        age(path)
    removed = backup.prune(keep_days=7)
    assert not legacy.exists() and not tmp.exists() and not orphan.exists()
    assert fresh.exists() and {legacy.name, tmp.name, orphan.name} <= set(removed)


def test_only_the_newest_folder_moved_aside_stays_and_it_ages_out(folders):
    some_data()
    info = backup.create()
    for content in (b"one", b"two"):
        (assets() / "a1.pptx").write_bytes(content)
        result = restore.run(info.id)
    data = Path(django_settings.DATA_DIR)
    asides = sorted(p for p in data.iterdir() if p.name.startswith("design_assets_before_"))
    assert [str(p) for p in asides] == [result.moved_aside]
    assert (asides[0] / "a1.pptx").read_bytes() == b"two"
    backup.prune(keep_days=7, now=later(8))
    assert not asides[0].exists()
    assert (assets() / "a1.pptx").read_bytes() == b"PK-a-template"


# -- 17.15: a killed restore is finished or rolled back, and health says so meanwhile ------------
def _start_restore_killed_at(phase: str) -> str:
    some_data("before")
    info = backup.create()
    GeneratedPresentation.objects.create(title="after", source_kind="spec")
    (assets() / "a1.pptx").write_bytes(b"changed")
    result = manage("restore", info.id, "--yes", kill_at=phase)
    assert result.returncode == -signal.SIGKILL, result.stdout + result.stderr[-2000:]
    return info.id


OLD_STATE = ({"before", "after"}, b"changed")
NEW_STATE = ({"before"}, b"PK-a-template")


def _state():
    return titles(), (assets() / "a1.pptx").read_bytes()


def _nothing_left() -> None:
    assert journal.read() is None
    work = backups() / workspace.WORK
    assert sorted(p.name for p in work.iterdir()) == ["restore.lock"]
    data = Path(django_settings.DATA_DIR)
    assert not [p for p in data.iterdir() if p.name.startswith(".design_assets_restore_")]
    assert len([p for p in data.iterdir() if p.name.startswith("design_assets_before_")]) <= 1
    assert journal.health() == {"status": "healthy"}


@pytest.mark.slow
@pytest.mark.parametrize("phase, expected, action", [
    ("restore:ready", OLD_STATE, "rolled back"),  # nothing live changed yet
    ("restore:assets_half", NEW_STATE, "finished"),  # live assets renamed away, new not in
    ("restore:database", NEW_STATE, "finished"),
    ("restore:after_database", NEW_STATE, "finished"),
    ("restore:cleanup_half", NEW_STATE, "finished"),
])
def test_a_restore_killed_at_any_phase_is_finished_or_rolled_back(phase, expected, action):
    backup_id = _start_restore_killed_at(phase)
    report = journal.health()
    assert report["status"] == "critical" and "interrupted" in report["error"]
    assert report["backup_id"] == backup_id
    outcome = restore.recover()
    assert (outcome.backup_id, outcome.action) == (backup_id, action)
    assert _state() == expected
    _nothing_left()
    assert restore.recover() is None


@pytest.mark.slow
def test_a_restore_killed_right_after_the_asset_swap_is_critical_then_finished_at_start():
    backup_id = _start_restore_killed_at("restore:assets")
    assert _state() == ({"before", "after"}, b"PK-a-template")  # the mismatch of 17.15
    report = health.run_checks()
    assert report["status"] == "critical"
    assert "may not match" in report["checks"]["restore"]["error"]
    out = manage("healthcheck", "--json")
    assert out.returncode == 1
    checked = json.loads(out.stdout)["checks"]["restore"]
    assert checked["status"] == "critical" and checked["phase"] == "assets"
    call_command("preflight")  # what bin/start runs first
    assert _state() == NEW_STATE
    _nothing_left()
    assert backup_id in [b.id for b in backup.list_backups()]


@pytest.mark.slow
def test_the_restore_command_finishes_an_interrupted_restore_first(capsys):
    _start_restore_killed_at("restore:database")
    call_command("restore", "--recover")
    assert "was finished" in capsys.readouterr().out
    assert _state() == NEW_STATE
    _nothing_left()
    call_command("restore", "--recover")
    assert "No restore was interrupted" in capsys.readouterr().out


@pytest.mark.slow
def test_an_interrupted_restore_that_cannot_be_finished_blocks_until_abandoned(capsys):
    _start_restore_killed_at("restore:assets")
    state = journal.read()
    staged = list((backups() / workspace.WORK / state["work"]).glob("database.*"))
    assert len(staged) == 1  # the database copy (SQLite) or dump (PostgreSQL) to restore
    staged[0].unlink()  # a bad day indeed
    with pytest.raises(RestoreError, match="could not be finished"):
        restore.recover()
    assert journal.health()["status"] == "critical"
    pre = state["pre_restore_id"]
    with pytest.raises(CommandError, match="could not be finished"):
        call_command("restore", pre, "--yes")
    call_command("restore", pre, "--yes", "--abandon-interrupted")
    assert "Restore complete" in capsys.readouterr().out
    assert _state() == OLD_STATE  # the state before the interrupted restore, whole
    _nothing_left()


def test_a_restore_that_raises_puts_the_assets_back_and_leaves_no_journal(monkeypatch):
    some_data("before")
    info = backup.create()
    (assets() / "a1.pptx").write_bytes(b"changed")

    def refuses(copy, info):
        raise RestoreError("the database could not be written")

    monkeypatch.setattr(restore, "_restore_database", refuses)
    with pytest.raises(RestoreError):
        restore.run(info.id)
    assert (assets() / "a1.pptx").read_bytes() == b"changed"
    _nothing_left()


def test_a_second_restore_is_refused_while_one_runs():
    info = backup.create()
    with journal.exclusive():
        with pytest.raises(RestoreError, match="another restore is running"):
            restore.run(info.id)
        with pytest.raises(CommandError, match="another restore is running"):
            call_command("restore", info.id, "--yes")


def test_a_forged_journal_steers_nothing_and_is_reported(folders):
    victim = folders / "data" / "precious"
    victim.mkdir()
    (victim / "keep.txt").write_text("mine")
    forged = {"backup_id": "20200101_000000", "phase": "cleanup", "components": ["design_assets"],
              "work": "restore-1-deadbeef",
              "assets": {"mode": "local", "live": str(victim), "staging": str(victim),
                         "aside": str(victim)}}
    path = journal.path()
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({**forged, "signature": "0" * 64}))
    with pytest.raises(RestoreError, match="not written by this installation"):
        restore.recover()
    assert (victim / "keep.txt").read_text() == "mine"
    report = journal.health()
    assert report["status"] == "critical" and "not written by this installation" in report["error"]
    path.write_text(json.dumps(signing.sign(forged, purpose="restore-journal")))  # signed, but
    with pytest.raises(RestoreError, match="not one"):  # it names folders not of the scheme
        restore.recover()
    assert (victim / "keep.txt").read_text() == "mine"
    path.unlink()


# -- 17.16: --latest takes the newest backup that verifies; listings say why not ----------------
def _newer_copy(info: backup.BackupInfo, new_id: str, *, sign: bool) -> None:
    """Another backup id holding `info`'s files, its manifest newer (forged unless `sign`)."""
    manifest = {k: v for k, v in info.manifest.items() if k != "signature"}
    manifest["id"], manifest["timestamp"] = new_id, "2099-01-01T00:00:00+00:00"
    files = []
    for entry in manifest["files"]:
        name = entry["file"].replace(info.id, new_id)
        shutil.copyfile(backups() / entry["file"], backups() / name)
        files.append({**entry, "file": name})
    manifest["files"] = files
    manifest = signing.sign(manifest) if sign else {**manifest, "signature": "f" * 64}
    (backups() / f"backup_info_{new_id}.json").write_text(json.dumps(manifest))


def test_latest_skips_forged_and_damaged_backups_and_says_why(capsys):
    some_data("before")
    good = backup.create()
    GeneratedPresentation.objects.create(title="after", source_kind="spec")
    _newer_copy(good, "20990101_000000", sign=False)  # forged: the newest by its own claim
    _newer_copy(good, "20980101_000000", sign=True)
    [damaged] = backups().glob("database_20980101_000000.*")  # .db.zip, or .pgdump
    data = bytearray(damaged.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged.write_bytes(bytes(data))

    call_command("restore", "--latest", "--yes")
    out = capsys.readouterr().out
    assert f"Restoring from backup {good.id}" in out
    assert "Skipped backup 20990101_000000" in out and "signature" in out
    assert "Skipped backup 20980101_000000" in out and "checksum" in out
    assert titles() == {"before"}

    call_command("backup", "--list")
    listing = capsys.readouterr().out.splitlines()
    line = {row.split()[1]: row for row in listing if row[:1].isdigit()}
    assert "INVALID" in line["20990101_000000"] and "signature" in line["20990101_000000"]
    assert "INVALID" in line["20980101_000000"] and "checksum" in line["20980101_000000"]
    assert "INVALID" not in line[good.id]


def test_the_chooser_marks_invalid_backups(monkeypatch, capsys):
    good = backup.create()
    _newer_copy(good, "20990101_000000", sign=False)
    monkeypatch.setattr("builtins.input", lambda prompt="": "1")
    with pytest.raises(CommandError, match="signature"):
        call_command("restore", "--yes")
    out = capsys.readouterr().out
    assert "1. 20990101_000000 (success) INVALID:" in out
    assert f". {good.id} (success)\n" in out


def test_latest_with_nothing_restorable_is_a_clear_refusal(capsys):
    good = backup.create()
    (backups() / f"backup_info_{good.id}.json").write_text(json.dumps(
        {**good.manifest, "status": "failed"}))
    with pytest.raises(CommandError, match="No backup can be restored"):
        call_command("restore", "--latest", "--yes")
    assert "Skipped backup" in capsys.readouterr().out


def test_archive_checks_still_hold(folders):
    """The listing's checks are the restore's: a renamed file is not of this backup."""
    good = backup.create()
    manifest = {k: v for k, v in good.manifest.items() if k != "signature"}
    entry = next(f for f in manifest["files"] if f["component"] == "config")
    outside = folders / "config.zip"
    shutil.copyfile(backups() / entry["file"], outside)
    entry["file"] = "../config.zip"
    entry["sha256"] = sha256_of(outside)
    (backups() / f"backup_info_{good.id}.json").write_text(json.dumps(signing.sign(manifest)))
    assert "is not a file of this backup" in restore.problem(backup.get(good.id))


def test_a_linked_work_folder_is_refused_and_nothing_is_written_through_it(folders):
    elsewhere = folders / "elsewhere"
    elsewhere.mkdir()
    backups().mkdir()
    (backups() / workspace.WORK).symlink_to(elsewhere)
    with pytest.raises(backup.BackupError, match="is a link"):
        backup.create()
    assert list(elsewhere.iterdir()) == []
    assert backup.list_backups() == []
