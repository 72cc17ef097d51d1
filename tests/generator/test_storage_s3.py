"""Shared files in a real S3-compatible bucket (SeaweedFS, tests/s3server.py), as several
web and worker hosts use them; the embedded default's files under DATA_DIR; and the
MEDIA_STORAGE_URL setting's refusals.

Each "host" is this process with its own DATA_DIR (its own download cache) on the
same bucket and database.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from pptx import Presentation

from bcgslides.filestore import bucket_storage, local_storage, parse_url
from generator.learning import learn
from generator import tasks
from generator.models import DesignAsset, GeneratedPresentation
from operations import backup, restore
from operations.errors import RestoreError, VerificationError
from tests.conftest import CORPUS, REPO, child_env
from tests.s3server import ACCESS_KEY, SECRET_KEY, S3Server
from tests.sharedfiles import use_bucket

FOUR_THREE = CORPUS / "pptx" / "scanny__python-pptx__font-color.pptx"  # a 4:3 house design
OTHER = CORPUS / "pptx" / "scanny__python-pptx__cht-charts.pptx"


def stored_bytes(path: Path) -> bytes:
    """What intake stores for the upload `path`: its checked clean copy (the same bytes
    for the same upload)."""
    from generator.intake import ingest

    checked = ingest.receive(path, filename=path.name)
    try:
        return checked.path.read_bytes()
    finally:
        checked.path.unlink()
OUTLINE = "# Partnering is the fastest way in\n\n- Scale in two years\n- Least capital at risk\n"


@dataclass
class Bucket:
    """The bucket (and key prefix) a test's hosts share, and how to become one of them."""

    server: S3Server
    name: str
    prefix: str
    settings: object
    root: Path

    @property
    def url(self) -> str:
        return self.server.url(self.name, self.prefix)

    def host(self, name: str, *, secret_key: str = SECRET_KEY) -> Path:
        """Become host `name`: its own DATA_DIR (and cache), the shared bucket."""
        data_dir = self.root / name
        use_bucket(self.settings, data_dir, self.url, access_key=ACCESS_KEY,
                   secret_key=secret_key)
        return data_dir

    def keys(self, under: str = "") -> list[str]:
        """Object keys below the URL's prefix, without it."""
        keys = self.server.keys(self.name, f"{self.prefix}/{under}")
        return [key[len(self.prefix) + 1:] for key in keys]

    def read(self, name: str) -> bytes:
        return self.server.read(self.name, f"{self.prefix}/{name}")


# fixtures ---------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def s3_bucket(tmp_path_factory):
    """One server and one bucket for the session (SeaweedFS gives every bucket volumes of
    its own, and -volume.max=8 has room for few); tests keep apart by key prefix."""
    server = S3Server(tmp_path_factory.mktemp("seaweedfs")).start()
    try:
        yield server, server.create_bucket("bcgslides-test")
    finally:
        server.stop()


@pytest.fixture
def bucket(s3_bucket, settings, tmp_path) -> Bucket:
    """A fresh key prefix in the bucket for this test; the test starts as host "web"."""
    server, name = s3_bucket
    shared = Bucket(server=server, name=name, prefix=f"t-{uuid.uuid4().hex[:12]}",
                    settings=settings, root=tmp_path)
    shared.host("web")
    return shared


def upload_design(client, user, path: Path) -> DesignAsset:
    client.force_login(user)
    response = client.post("/designs/", {"file": SimpleUploadedFile(path.name, path.read_bytes()),
                                         "category": "house"})
    assert response.status_code == 302, response.content.decode()[:500]
    return DesignAsset.objects.get(filename=path.name)


# the bucket -------------------------------------------------------------------------------
@pytest.mark.django_db
def test_an_uploaded_design_is_stored_in_the_bucket_not_in_data_dir(client, alice, bucket):
    asset = upload_design(client, alice, FOUR_THREE)
    assert bucket.keys("design_assets/") == [f"design_assets/{asset.stored_name}"]
    assert bucket.read(f"design_assets/{asset.stored_name}") == stored_bytes(FOUR_THREE)
    web = bucket.root / "web"
    assert not (web / "design_assets").exists()
    assert not list((web / "incoming").glob("*"))  # the checked upload copy is gone too
    page = client.get(f"/designs/{asset.pk}/").content.decode()
    assert "Accent 1" in page


@pytest.mark.django_db
def test_a_queued_deck_is_stored_in_the_bucket_and_another_host_serves_it(
        client, alice, bucket):
    asset = upload_design(client, alice, FOUR_THREE)
    response = client.post("/api/presentations", {"outline": OUTLINE, "asset": asset.pk},
                           content_type="application/json")
    assert response.status_code == 202
    pk = response.json()["id"]

    worker = bucket.host("worker")  # a worker host that has never seen the design
    tasks.generate_presentation(pk)  # what its qcluster runs
    row = GeneratedPresentation.objects.get(pk=pk)
    assert row.status == "done", row.error
    assert row.file.startswith("presentations/deck-") and bucket.keys("presentations/") == [
        row.file]
    assert (worker / "cache/files/design_assets" / asset.stored_name).is_file()  # downloaded
    assert not (worker / "presentations").exists()

    web = bucket.host("web-2")  # another web host, its cache empty
    shutil.rmtree(web / "cache", ignore_errors=True)
    download = client.get(f"/api/presentations/{pk}/download")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    deck = Presentation(io.BytesIO(b"".join(download.streaming_content)))
    assert deck.slide_width == 9144000  # the learned 4:3 design
    texts = [shape.text_frame.text for shape in deck.slides[0].shapes if shape.has_text_frame]
    assert "Partnering is the fastest way in" in texts
    page = client.get(f"/decks/{pk}/download/")
    assert page.status_code == 200 and b"".join(page.streaming_content)[:2] == b"PK"


@pytest.mark.django_db
def test_a_deck_whose_object_is_gone_is_a_404(client, alice, bucket):
    row = GeneratedPresentation.objects.create(
        owner=alice, title="gone", source_kind="spec", status="done",
        file="presentations/deck-20260101-000000-000000000000.pptx")
    client.force_login(alice)
    response = client.get(f"/api/presentations/{row.pk}/download")
    assert response.status_code == 404 and "missing" in response.json()["error"]
    assert client.get(f"/decks/{row.pk}/download/").status_code == 404


@pytest.mark.django_db
def test_a_legacy_row_with_an_absolute_path_is_still_served(client, alice, bucket, tmp_path):
    legacy = tmp_path / "old-deck.pptx"
    shutil.copyfile(OTHER, legacy)
    row = GeneratedPresentation.objects.create(owner=alice, title="old", source_kind="spec",
                                               status="done", file=str(legacy))
    client.force_login(alice)
    response = client.get(f"/api/presentations/{row.pk}/download")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == OTHER.read_bytes()


@pytest.mark.django_db
def test_deleting_a_design_removes_its_objects(client, alice, bucket):
    asset = upload_design(client, alice, FOUR_THREE)
    assert bucket.keys("design_assets/")
    learn.delete_asset(asset)
    assert bucket.keys("design_assets/") == [] and DesignAsset.objects.count() == 0


@pytest.mark.slow
@pytest.mark.django_db
def test_slide_pictures_a_worker_rendered_are_served_by_a_web_host(client, alice, bucket):
    spec = {"title": "Previews", "slides": [
        {"kind": "message", "title": "First message", "points": ["a"]},
        {"kind": "message", "title": "Second message", "points": ["b"]}]}
    row = GeneratedPresentation.objects.create(owner=alice, source_kind="spec", spec=spec,
                                               source_text=json.dumps(spec))
    bucket.host("worker")
    tasks.generate_presentation(row.pk)
    tasks.render_previews(row.pk)
    assert bucket.keys(f"previews/{row.pk}/") == [
        f"previews/{row.pk}/{name}" for name in ("deck.pdf", "slide-001.png", "slide-002.png")]
    bucket.host("web-2")
    client.force_login(alice)
    page = client.get(f"/decks/{row.pk}/").content.decode()
    assert f"/decks/{row.pk}/slides/2.png" in page and f"/decks/{row.pk}/pdf/" in page
    picture = client.get(f"/decks/{row.pk}/slides/1.png")
    assert b"".join(picture.streaming_content)[:8] == b"\x89PNG\r\n\x1a\n"
    pdf = client.get(f"/decks/{row.pk}/pdf/")
    assert b"".join(pdf.streaming_content)[:4] == b"%PDF"


# backup and restore through the bucket ------------------------------------------------------
@pytest.fixture
def backups(settings, tmp_path):
    settings.BACKUP_DIR = tmp_path / "backups"
    settings.CONFIG_DIR = tmp_path / "config"
    settings.CONFIG_DIR.mkdir()
    (settings.CONFIG_DIR / "storage.toml").write_text(
        f'aws_access_key_id = "{ACCESS_KEY}"\naws_secret_access_key = "{SECRET_KEY}"\n')


def bucket_assets(bucket: Bucket) -> dict[str, bytes]:
    return {name: bucket.read(name) for name in bucket.keys("design_assets/")}


@pytest.mark.django_db(transaction=True)
def test_design_assets_back_up_and_restore_through_the_bucket(bucket, backups):
    kept = learn.learn_design(path=FOUR_THREE)
    info = backup.create()
    entry = next(f for f in info.manifest["files"] if f["component"] == "design_assets")
    with zipfile.ZipFile(Path(bucket.settings.BACKUP_DIR) / entry["file"]) as archive:
        assert archive.read(kept.stored_name) == stored_bytes(FOUR_THREE)
    learn.delete_asset(kept)
    newer = learn.learn_design(path=OTHER)

    config = next(f for f in info.manifest["files"] if f["component"] == "config")
    with zipfile.ZipFile(Path(bucket.settings.BACKUP_DIR) / config["file"]) as archive:
        written = b"".join(archive.read(name) for name in archive.namelist())
    assert bucket.url.encode() in written  # where the files were, for the record
    assert SECRET_KEY.encode() not in written and ACCESS_KEY.encode() not in written

    result = restore.run(info.id, components=["design_assets"])
    assert bucket_assets(bucket) == {f"design_assets/{kept.stored_name}": stored_bytes(FOUR_THREE)}
    aside = Path(result.moved_aside)  # the assets as they were before, kept locally
    assert (aside / newer.stored_name).read_bytes() == stored_bytes(OTHER)
    assert not (bucket.root / "web" / "design_assets").exists()


@pytest.mark.django_db(transaction=True)
def test_a_refused_restore_leaves_the_bucket_unchanged(bucket, backups):
    learn.learn_design(path=FOUR_THREE)
    info = backup.create()
    manifest_path = Path(bucket.settings.BACKUP_DIR) / f"backup_info_{info.id}.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["app_version"] = "9.9"
    manifest_path.write_text(json.dumps(manifest))
    learn.learn_design(path=OTHER)
    before = bucket_assets(bucket)
    with pytest.raises(VerificationError, match="signature"):
        restore.run(info.id)
    assert bucket_assets(bucket) == before and len(before) == 2


@pytest.mark.django_db(transaction=True)
def test_a_restore_that_fails_later_puts_the_bucket_back(bucket, backups, monkeypatch):
    learn.learn_design(path=FOUR_THREE)
    info = backup.create()
    learn.learn_design(path=OTHER)
    before = bucket_assets(bucket)

    def database_refuses(copy, info):
        raise RestoreError("the database could not be written")

    monkeypatch.setattr(restore, "_restore_database", database_refuses)
    with pytest.raises(RestoreError):
        restore.run(info.id)
    assert bucket_assets(bucket) == before  # the asset the backup lacks is back


# health -----------------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)  # the probes use their own connections
def test_the_health_probe_writes_reads_and_deletes_in_the_bucket(client, bucket):
    data = client.get("/api/health").json()
    assert data["checks"]["storage"]["status"] == "healthy", data["checks"]["storage"]
    assert bucket.keys() == []  # the probe's file is gone again


@pytest.mark.django_db(transaction=True)
def test_wrong_credentials_make_health_503_without_the_secret(client, bucket, staff):
    wrong = "wrong-secret-9f8e7d6c5b4a39281706"
    bucket.host("web", secret_key=wrong)
    client.force_login(staff)  # the reasons are for staff (tests/operations/test_health_snapshot)
    response = client.get("/api/health")
    assert response.status_code == 503
    storage = response.json()["checks"]["storage"]
    assert storage["status"] == "unhealthy"
    assert "refused the credentials" in storage["error"]
    assert bucket.server.endpoint not in response.content.decode()  # nor where the store is
    body = response.content.decode()
    assert wrong not in body and SECRET_KEY not in body


@pytest.mark.django_db(transaction=True)
def test_an_unreachable_endpoint_makes_health_503(client, settings, tmp_path, staff):
    from tests.s3server import free_ports

    port = free_ports(1)[0]  # nothing listens there
    use_bucket(settings, tmp_path / "web", f"s3://nowhere?endpoint_url=http://127.0.0.1:{port}",
               access_key=ACCESS_KEY, secret_key=SECRET_KEY)
    client.force_login(staff)
    response = client.get("/api/health")
    storage = response.json()["checks"]["storage"]
    assert response.status_code == 503 and storage["status"] == "unhealthy"
    assert "the file store cannot be reached" in storage["error"]
    assert f"127.0.0.1:{port}" not in response.content.decode()
    assert SECRET_KEY not in response.content.decode()


def test_the_bucket_keys_are_redacted_from_log_lines(bucket):
    from bcgslides.logfilters import REDACTED, redact

    line = redact(f"boto3 said: key {ACCESS_KEY} secret {SECRET_KEY}")
    assert SECRET_KEY not in line and ACCESS_KEY not in line and line.count(REDACTED) == 2


# MEDIA_STORAGE_URL ----------------------------------------------------------------------------
def test_a_good_url_gives_path_style_s3_storage_without_acls():
    url = "s3://bucket-name/optional/prefix?endpoint_url=http://127.0.0.1:8333&region=us-east-1"
    target = parse_url(url)
    assert (target.name, target.prefix, target.endpoint_url, target.region) == (
        "bucket-name", "optional/prefix", "http://127.0.0.1:8333", "us-east-1")
    config = bucket_storage(url, access_key="AKIAEXAMPLE", secret_key="s3cr3t-value")
    options = config["OPTIONS"]
    assert config["BACKEND"] == "storages.backends.s3.S3Storage"
    assert (options["bucket_name"], options["location"], options["region_name"]) == (
        "bucket-name", "optional/prefix", "us-east-1")
    assert options["file_overwrite"] is False and options["default_acl"] is None
    assert options["client_config"].s3 == {"addressing_style": "path"}
    assert parse_url("s3://bucket-name").endpoint_url is None  # AWS itself


@pytest.mark.parametrize("url,message", [
    ("http://bucket/prefix", "only s3:// URLs"),
    ("bucket/prefix", "only s3:// URLs"),
    ("s3://AKIAKEY:hunter2-secret@bucket", "must not carry credentials"),
    ("s3://bucket?secret_key=hunter2-secret", "must not carry credentials"),
    ("s3://bucket?endpoint_url=http://AKIAKEY:hunter2-secret@host", "must not carry credentials"),
    ("s3://Bad_Bucket", "bucket name must be 3-63"),
    ("s3://ab", "bucket name must be 3-63"),
    ("s3://bucket/../up", "the prefix after the bucket"),
    ("s3://bucket/a//b", "the prefix after the bucket"),
    ("s3://bucket?colour=blue", "unknown parameter 'colour'"),
    ("s3://bucket?region=", "region is empty"),
    ("s3://bucket?region=Tokyo!", "region must be lowercase"),
    ("s3://bucket?endpoint_url=ftp://host", "endpoint_url must be http(s)://host[:port]"),
    ("s3://bucket?endpoint_url=http://host/path", "endpoint_url must be http(s)://host[:port]"),
    ("s3://bucket?endpoint_url=http://host:99999", "endpoint_url is not a URL"),
    ("s3://bucket?region=a&region=b", "region is given twice"),
    ("s3://bucket#part", "#fragment"),
    ("s3://bucket/with space", "spaces or control characters"),
])
def test_a_bad_url_is_refused_with_a_clear_message_and_no_secret(url, message):
    with pytest.raises(ImproperlyConfigured) as info:
        bucket_storage(url)
    assert message in str(info.value) and "MEDIA_STORAGE_URL" in str(info.value)
    assert "hunter2" not in str(info.value)


def test_half_a_key_pair_is_refused():
    with pytest.raises(ImproperlyConfigured, match="set both AWS_ACCESS_KEY_ID and"):
        bucket_storage("s3://bucket", access_key="AKIAEXAMPLE")


def _start(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    environment = child_env(DATA_DIR=str(tmp_path / "data"), **env)
    return subprocess.run([sys.executable, "-c", "import django; django.setup()"], cwd=REPO,
                          env=environment, capture_output=True, text=True, timeout=60)


@pytest.mark.django_db
def test_junk_settings_stop_the_start_without_showing_the_secret(tmp_path):
    junk = _start(tmp_path, MEDIA_STORAGE_URL="s3://bucket?secret=hunter2-secret")
    assert junk.returncode != 0 and "ImproperlyConfigured" in junk.stderr
    assert "must not carry credentials" in junk.stderr and "hunter2" not in junk.stderr
    missing = _start(tmp_path, MEDIA_STORAGE_URL="s3://bucket", AWS_ACCESS_KEY_ID="AKIAEXAMPLE",
                     AWS_SECRET_ACCESS_KEY_FILE=str(tmp_path / "no-such-file"))
    assert missing.returncode != 0 and "AWS_SECRET_ACCESS_KEY_FILE: cannot read" in missing.stderr
    secret_file = tmp_path / "secret"
    secret_file.write_text("from-a-file-0123456789\n")
    good = _start(tmp_path, MEDIA_STORAGE_URL="s3://bucket", AWS_ACCESS_KEY_ID="AKIAEXAMPLE",
                  AWS_SECRET_ACCESS_KEY_FILE=str(secret_file))
    assert good.returncode == 0, good.stderr


# the embedded default ---------------------------------------------------------------------
def manage(env: dict, *args: str) -> str:
    result = subprocess.run([sys.executable, str(REPO / "manage.py"), *args], cwd=REPO, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@pytest.mark.django_db(transaction=True)
def test_the_embedded_default_keeps_files_under_data_dir(tmp_path, settings):
    data = tmp_path / "data"
    env = child_env(DATA_DIR=str(data), MEDIA_STORAGE_URL="")
    manage(env, "learn", str(FOUR_THREE))
    asset = DesignAsset.objects.get()
    outline = tmp_path / "deck.md"
    outline.write_text(OUTLINE, encoding="utf-8")
    printed = manage(env, "generate", str(outline), "--asset", str(asset.pk)).splitlines()[0]
    row = GeneratedPresentation.objects.get()
    assert (data / "design_assets" / asset.stored_name).read_bytes() == stored_bytes(FOUR_THREE)
    assert row.file.startswith("presentations/deck-") and printed == str(data / row.file)
    assert Presentation(printed).slide_width == 9144000
    assert settings.STORAGES["default"]["BACKEND"].endswith("FileSystemStorage")
    assert local_storage(data)["OPTIONS"]["location"] == str(data)
