"""Backups and restores on the real test database and files, including the failure cases."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import stat
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from generator.hashing import sha256_of
from generator.models import DesignAsset, DesignPattern, GeneratedPresentation
from operations import archive, backup, restore, signing
from operations.errors import BackupError, VerificationError
from tests.conftest import REPO, child_env, queued_tasks
from tests.sharedfiles import use_local_files

pytestmark = pytest.mark.django_db(transaction=True)


def assets() -> Path:
    """The live design assets' folder (the embedded default keeps them under DATA_DIR)."""
    return Path(django_settings.DATA_DIR) / "design_assets"


@pytest.fixture(autouse=True)
def folders(settings, tmp_path):
    settings.BACKUP_DIR = tmp_path / "backups"
    use_local_files(settings, tmp_path / "data")
    settings.CONFIG_DIR = tmp_path / "config"
    assets().mkdir()
    settings.CONFIG_DIR.mkdir()
    (settings.CONFIG_DIR / "app.toml").write_text('title = "x"\napi_key = "sk-123456789"\n')
    (settings.CONFIG_DIR / ".env").write_text("SECRET_KEY=do-not-copy\n")
    return tmp_path


def some_data(name: str = "deck") -> None:
    asset = DesignAsset.objects.create(filename="house.pptx", category="corp",
                                       stored_name="a1.pptx", sha256=name * 4)
    (assets() / "a1.pptx").write_bytes(b"PK-a-template")
    DesignPattern.objects.create(asset=asset, pattern_type="theme_colors", pattern_name="t",
                                 pattern_data={"dk1": "000000"}, quality_score=0.9)
    DesignPattern.objects.create(asset=asset, pattern_type="grid", pattern_name="g",
                                 quality_score=0.2)
    GeneratedPresentation.objects.create(title=name, source_kind="markdown")


def live_state():
    """The live database, to compare before and after: its file's bytes on SQLite, every
    row of every table on PostgreSQL."""
    if connection.vendor == "sqlite":
        return Path(connection.settings_dict["NAME"]).read_bytes()
    from django.apps import apps

    return {model._meta.db_table: list(model.objects.order_by("pk").values_list())
            for model in apps.get_models()}


def test_a_full_backup_has_every_part_signed_and_private(settings):
    some_data()
    info = backup.create()
    directory = Path(settings.BACKUP_DIR)
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    for path in directory.iterdir():
        if path.name != ".work":  # the work folders' home (0700), empty between backups
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    components = {f["component"]: f for f in info.manifest["files"]}
    assert set(components) == {"database", "design_assets", "config", "learned_patterns"}
    for entry in components.values():
        assert sha256_of(directory / entry["file"]) == entry["sha256"]
    manifest = json.loads((directory / f"backup_info_{info.id}.json").read_text())
    assert signing.verify(manifest) and manifest["status"] == "success"
    assert "generator" in manifest["migrations"] and manifest["app_version"]
    patterns = json.loads((directory / components["learned_patterns"]["file"]).read_text())
    assert [(p["pattern_type"], p["filename"], p["category"]) for p in patterns] == [
        ("theme_colors", "house.pptx", "corp")]


def test_config_is_allowlisted_and_redacted(settings):
    info = backup.create()
    entry = next(f for f in info.manifest["files"] if f["component"] == "config")
    with zipfile.ZipFile(Path(settings.BACKUP_DIR) / entry["file"]) as package:
        names = package.namelist()
        toml = package.read("config/app.toml").decode()
        summary = package.read("settings_summary.json").decode()
    assert "config/.env" not in names and "sk-123456789" not in toml and "[REDACTED]" in toml
    assert entry["redactions"] == ["app.toml:2"]
    assert settings.SECRET_KEY not in summary
    everything = b"".join(p.read_bytes() for p in Path(settings.BACKUP_DIR).rglob("*")
                          if p.is_file())
    assert settings.SECRET_KEY.encode() not in everything


def test_list_and_the_command(capsys):
    call_command("backup")
    out = capsys.readouterr().out
    assert "success" in out and "database:" in out
    call_command("backup", "--list")
    assert "1. " in capsys.readouterr().out


def test_a_write_failure_leaves_nothing_that_claims_success(settings, monkeypatch):
    real = archive.write_zip
    calls = {"n": 0}

    def disk_full_on_the_second_archive(target, files):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(28, "No space left on device")
        return real(target, files)

    monkeypatch.setattr(archive, "write_zip", disk_full_on_the_second_archive)
    with pytest.raises(BackupError, match="No space left"):
        backup.create()
    assert [p.name for p in Path(settings.BACKUP_DIR).iterdir()] == [".work"]
    assert list((Path(settings.BACKUP_DIR) / ".work").iterdir()) == []
    monkeypatch.setattr(archive, "write_zip", real)
    with pytest.raises(CommandError):
        monkeypatch.setattr(archive, "write_zip", disk_full_on_the_second_archive)
        calls["n"] = 0
        call_command("backup")


def test_retention_never_deletes_the_newest_good_backup(settings):
    from datetime import timedelta

    from django.utils import timezone

    first = backup.create()
    second = backup.create()
    later = timezone.now() + timedelta(days=30)
    removed = backup.prune(keep_days=7, now=later)
    remaining = [b.id for b in backup.list_backups()]
    assert remaining == [second.id] and any(first.id in name for name in removed)


def test_restore_round_trips_data_and_assets(settings):
    some_data("before")
    info = backup.create()
    GeneratedPresentation.objects.create(title="after", source_kind="spec")
    (assets() / "a1.pptx").write_bytes(b"changed")
    result = restore.run(info.id)
    assert set(GeneratedPresentation.objects.values_list("title", flat=True)) == {"before"}
    assert (assets() / "a1.pptx").read_bytes() == b"PK-a-template"
    aside = Path(result.moved_aside)
    assert (aside / "a1.pptx").read_bytes() == b"changed"  # moved aside, not deleted
    pre = backup.get(result.pre_restore_id)
    assert pre.manifest["type"] == "pre_restore"


def test_restore_drops_sessions_and_queued_tasks_and_reapplies_schedules(client, alice):
    from django.contrib.sessions.models import Session
    from django_q.models import OrmQ, Schedule

    from django_q.tasks import async_task

    client.force_login(alice)
    OrmQ.objects.create(key="bcgslides", payload="x", lock=None)
    info = backup.create()
    async_task("generator.tasks.generate_presentation", 1)  # queued on whichever broker
    Schedule.objects.all().delete()
    restore.run(info.id)
    assert Session.objects.count() == 0 and OrmQ.objects.count() == 0 and queued_tasks() == 0
    assert Schedule.objects.filter(name="backup-daily").exists()


def _refused_unchanged(backup_id: str, needle: str, settings) -> None:
    before_db = live_state()
    asset = assets() / "a1.pptx"
    before_asset = asset.read_bytes()
    count = len(list(Path(settings.BACKUP_DIR).iterdir()))
    with pytest.raises(VerificationError, match=needle):
        restore.run(backup_id)
    assert live_state() == before_db and asset.read_bytes() == before_asset
    assert len(list(Path(settings.BACKUP_DIR).iterdir())) == count  # no pre-restore backup


def test_a_corrupt_archive_is_refused(settings):
    some_data()
    info = backup.create()
    entry = next(f for f in info.manifest["files"] if f["component"] == "database")
    path = Path(settings.BACKUP_DIR) / entry["file"]
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    _refused_unchanged(info.id, "checksum", settings)


def test_an_edited_manifest_is_refused(settings):
    some_data()
    info = backup.create()
    path = Path(settings.BACKUP_DIR) / f"backup_info_{info.id}.json"
    manifest = json.loads(path.read_text())
    manifest["app_version"] = "9.9"
    path.write_text(json.dumps(manifest))
    _refused_unchanged(info.id, "signature", settings)


def _resign(settings, info, manifest) -> None:
    path = Path(settings.BACKUP_DIR) / f"backup_info_{info.id}.json"
    path.write_text(json.dumps(signing.sign(manifest)))


def test_a_zip_slip_archive_is_refused_even_when_signed(settings):
    some_data()
    info = backup.create()
    manifest = {k: v for k, v in info.manifest.items() if k != "signature"}
    entry = next(f for f in manifest["files"] if f["component"] == "design_assets")
    evil = Path(settings.BACKUP_DIR) / entry["file"]
    with zipfile.ZipFile(evil, "w") as package:
        package.writestr("../../escaped.txt", "owned")
    entry["members"] = [{"name": "../../escaped.txt", "size": 5,
                         "sha256": hashlib.sha256(b"owned").hexdigest()}]
    entry["size_bytes"], entry["sha256"] = evil.stat().st_size, sha256_of(evil)
    _resign(settings, info, manifest)
    _refused_unchanged(info.id, "escapes", settings)
    assert not (Path(settings.BACKUP_DIR).parent / "escaped.txt").exists()


def test_a_backup_from_a_newer_schema_is_refused(settings):
    some_data()
    info = backup.create()
    manifest = {k: v for k, v in info.manifest.items() if k != "signature"}
    manifest["migrations"]["generator"].append("9999_from_the_future")
    _resign(settings, info, manifest)
    _refused_unchanged(info.id, "newer version", settings)


def test_a_backup_from_an_older_schema_is_migrated(settings):
    from django.db.migrations.recorder import MigrationRecorder

    info = backup.create()
    result = restore.run(info.id)
    assert result.migrated is False
    # take the live schema back one migration, back it up, then restore it into the newer code
    call_command("migrate", "operations", "zero", verbosity=0)
    older = backup.create()
    call_command("migrate", verbosity=0)
    result = restore.run(older.id)
    assert result.migrated is True
    assert MigrationRecorder(connection).migration_qs.filter(app="operations").exists()


def test_restore_command_lists_and_refuses_bad_choices(monkeypatch, capsys):
    backup.create()
    monkeypatch.setattr("builtins.input", lambda prompt="": "7")
    with pytest.raises(CommandError, match="Invalid choice"):
        call_command("restore")
    assert "Available backups" in capsys.readouterr().out
    with pytest.raises(CommandError, match="No backup nope"):
        call_command("restore", "nope", "--yes")


# -- reliability ----------------------------------------------------------------------------------
def _env() -> dict:
    return child_env()


WRITER = """
import time
from generator.models import GeneratedPresentation
end, i = time.time() + 6, 0
while time.time() < end:
    GeneratedPresentation.objects.create(title=f"row {i}", source_kind="spec")
    i += 1
"""


@pytest.mark.slow
def test_backups_taken_while_another_process_writes_are_consistent(settings):
    writer = subprocess.Popen([sys.executable, str(REPO / "manage.py"), "shell", "-v", "0", "-c",
                               WRITER], cwd=REPO, env=_env(), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60  # a busy machine starts the writer slowly
    while not GeneratedPresentation.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    taken = []
    for _ in range(3):
        taken.append(backup.create())
        time.sleep(0.5)
    _out, err = writer.communicate(timeout=60)
    assert writer.returncode == 0, err
    counts = []
    for info in taken:  # each restores to a consistent state: a gapless prefix of the writes
        restore.run(info.id, components=["database"])
        titles = GeneratedPresentation.objects.values_list("title", flat=True)
        numbers = sorted(int(t.split()[1]) for t in titles)
        assert numbers == list(range(len(numbers)))
        counts.append(len(numbers))
    assert counts == sorted(counts) and counts[-1] > 0


@pytest.mark.slow
def test_sigkill_in_the_middle_of_a_backup_leaves_no_successful_manifest(settings):
    good = backup.create()
    ballast = os.urandom(512 * 1024).hex()  # 1 MB of text that does not compress away
    GeneratedPresentation.objects.bulk_create(
        [GeneratedPresentation(title="ballast", source_kind="spec", source_text=ballast)
         for _ in range(60)], batch_size=10)
    process = subprocess.Popen([sys.executable, str(REPO / "manage.py"), "backup"], cwd=REPO,
                               env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    directory = Path(settings.BACKUP_DIR)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # wait until it is writing
        if any(p.name.endswith(".tmp") for p in directory.rglob("*")):
            break
        time.sleep(0.01)
    os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=10)
    manifests = [b.id for b in backup.list_backups()]
    assert manifests == [good.id]
    restore.verify(backup.get(good.id))  # the earlier backup is intact


# -- admin ----------------------------------------------------------------------------------------
def test_staff_who_are_not_superusers_get_403(client, staff):
    info = backup.create()
    client.force_login(staff)
    base = "/admin/operations/metricsample/backups/"
    assert client.get(base).status_code == 403
    assert client.get(f"{base}{info.id}/download/").status_code == 403
    assert client.get(f"{base}{info.id}/restore/").status_code == 403
    assert client.post(f"{base}{info.id}/restore/", {"confirm": "yes"}).status_code == 403
    assert client.post(f"{base}create/").status_code == 403
    assert client.get("/admin/django_q/schedule/").status_code == 403


def test_superusers_list_download_and_restore_behind_a_confirmation(client, admin):
    info = backup.create()
    client.force_login(admin)
    base = "/admin/operations/metricsample/backups/"
    assert info.id in client.get(base).content.decode()
    download = client.get(f"{base}{info.id}/download/")
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    with zipfile.ZipFile(__import__("io").BytesIO(b"".join(download.streaming_content))) as z:
        assert f"backup_info_{info.id}.json" in z.namelist()
    confirm = client.get(f"{base}{info.id}/restore/")
    assert confirm.status_code == 200 and b"confirm" in confirm.content
    assert len(backup.list_backups()) == 1  # a GET changes nothing
    response = client.post(f"{base}{info.id}/restore/", {"confirm": "yes",
                                                          "components": ["database"]})
    assert response.status_code == 302
    assert len(backup.list_backups()) == 2  # the pre-restore backup
    assert client.get("/admin/django_q/schedule/").status_code in (200, 302)


def test_the_health_page_and_metrics_dashboard_render_for_staff(client, staff):
    client.force_login(staff)
    assert client.get("/admin/operations/metricsample/health/").status_code == 200
    assert client.get("/admin/operations/metricsample/").status_code == 200
