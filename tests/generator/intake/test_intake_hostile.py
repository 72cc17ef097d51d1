"""Hostile uploads (issue 17): bombs whose headers lie, every compression method, corrupt
streams, DTDs in any encoding, outside links in every kind of part.  Each is refused with
a sentence (no traceback, no server path, nothing stored) or learned with what was removed
told; nothing is ever fetched from an outside address; within 2 s and 300 MB."""

from __future__ import annotations

import base64
import http.server
import io
import json
import random
import subprocess
import sys
import threading
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape
from pptx import Presentation

from generator.learning import learn
from generator.errors import InvalidDeckFile
from generator.models import DesignAsset, DesignPattern
from tests.conftest import REPO
from tests.generator import hostile
from tests.generator.hostile import BASE, NOTES, REL
from tests.sharedfiles import use_local_files

pytestmark = pytest.mark.django_db
MB = 1024 * 1024


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.PREVIEWS_ENABLED = False  # LibreOffice only where a test says so
    return use_local_files(settings, tmp_path / "data")


def left_behind(data_dir: Path) -> list[Path]:
    return [p for folder in ("design_assets", "incoming") for p in (data_dir / folder).glob("*")]


def refused(path: Path, needle: str, data_dir: Path) -> str:
    started = time.perf_counter()
    with pytest.raises(InvalidDeckFile, match=needle) as caught:
        learn.learn_design(path=path, filename=path.name)
    assert time.perf_counter() - started < 2
    message = str(caught.value)
    assert str(data_dir) not in message and "/tmp" not in message and "incoming" not in message
    assert DesignAsset.objects.count() == 0 and DesignPattern.objects.count() == 0
    assert left_behind(data_dir) == []
    return message


# -- the hostile corpus ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def zeros_64mb() -> bytes:
    return hostile.deflated_zeros(64 * MB)


@pytest.fixture(scope="module")
def lzma_64mb() -> bytes:
    return hostile.lzma_zip_payload(64 * MB)


def bombs(folder: Path, zeros: bytes, lzma_payload: bytes) -> dict[str, tuple[Path, str]]:
    """name -> (file, what its refusal says): honest and lying headers, every method."""
    parts = hostile.read_parts(BASE)
    bz2 = hostile.bzip2_bomb()
    out = {}

    def raw(name, member, payload, size, method):
        out[name] = hostile.zip_with_raw(folder / f"{name}.pptx", parts,
                                         {member: (payload, size, method)})

    raw("deflate-honest", "ppt/media/bomb.png", zeros, 64 * MB, zipfile.ZIP_DEFLATED)
    raw("deflate-lying", "ppt/media/bomb.png", zeros, 900, zipfile.ZIP_DEFLATED)
    raw("bzip2-honest", "ppt/media/bomb.png", bz2, 2**31, zipfile.ZIP_BZIP2)
    raw("bzip2-lying", "ppt/media/bomb.png", bz2, 900, zipfile.ZIP_BZIP2)
    raw("lzma-honest", "ppt/media/bomb.png", lzma_payload, 64 * MB, zipfile.ZIP_LZMA)
    raw("lzma-lying", "ppt/media/bomb.png", lzma_payload, 900, zipfile.ZIP_LZMA)
    raw("bzip2-in-a-slide", "ppt/slides/slide9.xml", bz2, 900, zipfile.ZIP_BZIP2)
    without_types = {k: v for k, v in parts.items() if k != "[Content_Types].xml"}
    for name, size in (("types-honest", 64 * MB), ("types-lying", 900)):
        out[name] = hostile.zip_with_raw(folder / f"{name}.pptx", without_types,
                                         {"[Content_Types].xml": (zeros, size, 8)})
    out["types-bzip2"] = hostile.zip_with_raw(folder / "types-bzip2.pptx", without_types,
                                              {"[Content_Types].xml": (bz2, 900, 12)})
    expected = {"deflate-honest": "zip bomb", "deflate-lying": "damaged",
                "types-honest": "zip bomb", "types-lying": "damaged"}
    return {name: (path, expected.get(name, "compression method")) for name, path in out.items()}


def test_bombs_are_refused_whatever_their_headers_and_method(tmp_path, data_dir, zeros_64mb,
                                                             lzma_64mb):
    for name, (path, needle) in bombs(tmp_path, zeros_64mb, lzma_64mb).items():
        message = refused(path, needle, data_dir)
        assert message[0].isupper() and message.endswith("."), (name, message)


def test_a_member_inflating_past_its_limit_is_cut_off_while_inflating(tmp_path, data_dir):
    # honest compression, lying size: 30 MB of random-ish XML declared as 2 KB (ratio < 100)
    parts = hostile.read_parts(BASE)
    text = base64.b64encode(random.Random(7).randbytes(22 * MB))
    body = b"<a>" + b"".join(b"<b>%s</b>" % text[i:i + 1000]
                             for i in range(0, len(text), 1000)) + b"</a>"
    payload = hostile.deflate_raw(body)
    path = hostile.zip_with_raw(tmp_path / "big.pptx", parts,
                                {"ppt/slides/huge.xml": (payload, 2048, 8)})
    refused(path, "damaged", data_dir)  # zipfile stops at the declared size; the CRC fails
    path = hostile.zip_with_raw(tmp_path / "big2.pptx", parts,
                                {"ppt/slides/huge.xml": (payload, len(body), 8)})
    refused(path, "more than 10 MB of XML", data_dir)


def test_members_that_overlap_are_refused(tmp_path, data_dir):
    path = hostile.overlapping(tmp_path / "overlap.pptx", hostile.read_parts(BASE))
    with zipfile.ZipFile(path) as package:  # zipfile itself reads both
        assert package.read("ppt/media/b.bin") == b"\0" * 4096
        assert package.read("ppt/media/a.bin").endswith(b"\0" * 4096)
    refused(path, "overlap one another", data_dir)


def test_every_compression_method(tmp_path, data_dir):
    parts = hostile.read_parts(BASE)
    stored = hostile.write_parts(tmp_path / "stored.pptx", parts, zipfile.ZIP_STORED)
    assert learn.learn_design(path=stored).slide_count == 1
    for method in (zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA):
        path = hostile.write_parts(tmp_path / f"m{method}.pptx", parts,
                                   methods={"ppt/slides/slide1.xml": method})
        with pytest.raises(InvalidDeckFile, match="compression method PowerPoint never writes"):
            learn.learn_design(path=path)
    assert DesignAsset.objects.count() == 1


def corrupt_deflate(source: Path, target: Path, member: str) -> Path:
    data = bytearray(source.read_bytes())
    with zipfile.ZipFile(source) as package:
        info = package.getinfo(member)
    start = info.header_offset + 30 + len(info.filename.encode())
    for offset in range(start + 8, start + min(info.compress_size, 60), 3):
        data[offset] ^= 0xA5
    target.write_bytes(bytes(data))
    return target


def test_a_corrupt_deflate_stream_is_a_clean_refusal(tmp_path, data_dir):
    deck = hostile.write_parts(tmp_path / "ok.pptx", hostile.read_parts(BASE))
    for member in ("ppt/slides/slide1.xml", "[Content_Types].xml", "docProps/thumbnail.jpeg"):
        path = corrupt_deflate(deck, tmp_path / "corrupt.pptx", member)
        refused(path, "damaged", data_dir)


DTD_CASES = [("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8"), ("utf-16", "UTF-16"),
             ("utf-16-le", "UTF-16"), ("utf-16-be", "UTF-16"), ("utf-32", "UTF-32"),
             ("utf-32-le", "UTF-32")]


def test_a_dtd_is_found_in_every_encoding_and_every_xml_part(tmp_path, data_dir):
    parts = hostile.read_parts(BASE)
    for member in ("ppt/slides/slide1.xml", "ppt/slides/_rels/slide1.xml.rels",
                   "[Content_Types].xml", "ppt/theme/theme1.xml"):
        for codec, declared in DTD_CASES:
            evil = dict(parts, **{member: hostile.with_dtd(parts[member], codec, declared)})
            path = hostile.write_parts(tmp_path / "xxe.pptx", evil)
            refused(path, "declares a DTD or entities", data_dir)


def test_a_part_in_utf16_without_a_dtd_is_learned(tmp_path):
    parts = hostile.read_parts(BASE)
    text = parts["ppt/slides/slide1.xml"].decode("utf-8").replace('encoding="UTF-8"',
                                                                   'encoding="UTF-16"')
    parts["ppt/slides/slide1.xml"] = text.encode("utf-16")
    asset = learn.learn_design(path=hostile.write_parts(tmp_path / "u16.pptx", parts))
    assert asset.slide_count == 1


# -- outside links ------------------------------------------------------------------------------
OUTSIDE = ["http://127.0.0.1:{port}/slide.png", "file:///etc/passwd",
           "\\\\fileserver\\share\\layout.png", "http://127.0.0.1:{port}/master.png",
           "http://127.0.0.1:{port}/notes.png"]


def linked_deck(target: Path, port: int = 9) -> Path:
    """A real deck with pictures linked to outside addresses in its slide, layout, master
    and notes, a linked video, a linked package thumbnail, and hyperlinks that must stay."""
    parts = hostile.read_parts(NOTES)
    urls = [url.format(port=port) for url in OUTSIDE]
    hostile.add_linked_picture(parts, "ppt/slides/slide1.xml", urls[0], "rIdOut1",
                               video="file:///srv/clip.mp4")
    hostile.add_linked_picture(parts, "ppt/slideLayouts/slideLayout1.xml", urls[2], "rIdOut2")
    hostile.add_linked_picture(parts, "ppt/slideMasters/slideMaster1.xml", urls[3], "rIdOut3")
    hostile.add_linked_picture(parts, "ppt/notesSlides/notesSlide1.xml", urls[4], "rIdOut4")
    hostile.add_rel(parts, "_rels/.rels", "rIdOut5",
                    "http://schemas.openxmlformats.org/package/2006/relationships/metadata/"
                    "thumbnail", urls[1])
    hostile.add_hyperlink(parts, "ppt/slides/slide1.xml", "https://example.com/report", "rIdH1")
    hostile.add_hyperlink(parts, "ppt/slides/slide1.xml", "#_ftn1", "rIdH2", external=False)
    return hostile.write_parts(target, parts)


def only_hyperlinks(path: Path) -> list[str]:
    found = hostile.external_relationships(path)
    assert all(kind == f"{REL}/hyperlink" for _, kind, _ in found), found
    assert hostile.dangling_references(path) == []
    return sorted(target for _, _, target in found)


def test_outside_links_are_dropped_from_every_part_and_the_user_told(tmp_path):
    deck = linked_deck(tmp_path / "linked.pptx")
    assert len(hostile.external_relationships(deck)) == 7
    learned = learn.learn_upload(path=deck)
    assert only_hyperlinks(learned.asset.path) == ["#_ftn1", "https://example.com/report"]
    Presentation(str(learned.asset.path))
    [warning] = learned.warnings
    assert warning.startswith("6 links to outside files or addresses") and "file:///" in warning
    # stored with the asset: the design page and a later upload of the same file tell it too
    assert learn.warnings(learned.asset) == [warning]
    assert learn.learn_upload(path=deck).warnings == [warning]


def test_decks_made_in_that_design_carry_no_outside_link(tmp_path):
    from generator.learning.learned_design import design_for_asset
    from generator.outline import read_outline
    from generator.render import render_to_file

    asset = learn.learn_design(path=linked_deck(tmp_path / "linked.pptx"))
    spec = read_outline("# A deck\n\n## One message\n\n- a point\n\n## Another\n\n- more\n")
    out = render_to_file(spec, tmp_path / "made.pptx", design_for_asset(asset)).path
    Presentation(str(out))
    targets = only_hyperlinks(out)  # the layout and master (kept) had their links removed
    assert not any(t.startswith(("http:", "file:", "\\\\")) for t in targets), targets


def test_relearning_cleans_an_asset_stored_before_intake_did(tmp_path):
    import hashlib

    from generator import files

    deck = linked_deck(tmp_path / "old.pptx")
    stored = files.store(deck, f"{files.ASSETS}/old.pptx")  # as a former version stored it
    asset = DesignAsset.objects.create(filename="old.pptx", stored_name=stored.rsplit("/", 1)[-1],
                                       sha256="0" * 64, size_bytes=deck.stat().st_size)
    learn.relearn(asset)
    asset.refresh_from_db()
    assert only_hyperlinks(asset.path) == ["#_ftn1", "https://example.com/report"]
    assert asset.sha256 == hashlib.sha256(asset.path.read_bytes()).hexdigest()
    assert asset.size_bytes == asset.path.stat().st_size
    assert learn.warnings(asset)[0].startswith("6 links to outside files or addresses")
    assert asset.patterns.filter(pattern_type="theme_colors").exists()


def test_the_preview_copy_of_any_deck_has_no_outside_link(tmp_path):
    from generator.intake.package_clean import strip_outside_links

    deck = linked_deck(tmp_path / "raw.pptx")  # as if it had never been through intake
    assert strip_outside_links(deck, tmp_path / "copy.pptx") == 6
    assert only_hyperlinks(tmp_path / "copy.pptx") == ["https://example.com/report"]
    assert strip_outside_links(BASE, tmp_path / "same.pptx") == 0
    assert (tmp_path / "same.pptx").read_bytes() == BASE.read_bytes()


class CountingServer:
    """A local HTTP server that counts every request (what LibreOffice would fetch)."""

    def __init__(self):
        from PIL import Image

        picture = io.BytesIO()
        Image.new("RGB", (8, 8), "red").save(picture, "PNG")
        self.hits: list[str] = []
        hits, body = self.hits, picture.getvalue()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                hits.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.end_headers()
                self.wfile.write(body)

            do_HEAD = do_GET

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def counting_server():
    server = CountingServer()
    urllib.request.urlopen(f"http://127.0.0.1:{server.port}/alive", timeout=5).read()
    assert server.hits == ["/alive"]  # it counts
    server.hits.clear()
    yield server
    server.close()


@pytest.mark.slow
def test_nothing_is_fetched_while_learning_and_rendering_pictures(tmp_path, settings,
                                                                  counting_server):
    from generator.previews import soffice
    from generator.learning.learned_design import design_for_asset
    from generator.outline import read_outline
    from generator.render import render_to_file

    settings.PREVIEWS_ENABLED = True
    if not soffice.available():
        pytest.skip("LibreOffice and pdftoppm are not installed")
    deck = linked_deck(tmp_path / "linked.pptx", port=counting_server.port)
    asset = learn.learn_design(path=deck)  # the layout pictures are rendered here
    assert soffice.ensure_asset_thumbnails(asset)
    out = tmp_path / "made.pptx"
    render_to_file(read_outline("# One message\n\n- a point\n"), out, design_for_asset(asset))
    assert soffice.publish(out, "previews/test")
    # and a deck that never went through intake (an asset stored before it existed)
    assert soffice.render_thumbnails(deck, tmp_path / "raw-pictures")
    assert counting_server.hits == []


def test_libreoffice_runs_with_no_network(counting_server):
    from generator.previews.soffice import no_network_prefix

    prefix = no_network_prefix()
    if not prefix:
        pytest.skip("this system allows no network namespace (outside links are still removed)")
    fetch = (f"import urllib.request; urllib.request.urlopen("
             f"'http://127.0.0.1:{counting_server.port}/x.png', timeout=5)")
    result = subprocess.run([*prefix, sys.executable, "-c", fetch], capture_output=True,
                            timeout=60)
    assert result.returncode != 0 and counting_server.hits == []
    subprocess.run([sys.executable, "-c", fetch], check=True, timeout=60)
    assert counting_server.hits == ["/x.png"]  # the same fetch, not isolated, gets through


# -- every entry point: a sentence, a 4xx or exit 1, nothing stored -------------------------------
def hostile_files(folder: Path, zeros: bytes, lzma_payload: bytes) -> dict[str, Path]:
    files = {name: path for name, (path, _) in bombs(folder, zeros, lzma_payload).items()}
    parts = hostile.read_parts(BASE)
    for codec, declared in DTD_CASES:
        evil = dict(parts, **{"ppt/slides/slide1.xml": hostile.with_dtd(
            parts["ppt/slides/slide1.xml"], codec, declared)})
        files[f"dtd-{codec}"] = hostile.write_parts(folder / f"dtd-{codec}.pptx", evil)
    deck = hostile.write_parts(folder / "ok.pptx", parts)
    files["corrupt-deflate"] = corrupt_deflate(deck, folder / "corrupt.pptx",
                                               "ppt/slides/slide1.xml")
    files["overlap"] = hostile.overlapping(folder / "overlap.pptx", parts)
    return files


def test_the_web_upload_answers_400_with_the_reason(client, alice, tmp_path, data_dir,
                                                    zeros_64mb, lzma_64mb):
    client.force_login(alice)
    for name, path in hostile_files(tmp_path, zeros_64mb, lzma_64mb).items():
        response = client.post("/designs/", {"file": SimpleUploadedFile(
            f"{name}.pptx", path.read_bytes())})
        page = response.content.decode()
        assert response.status_code == 400, name
        [reason] = response.context["form"].errors["file"]
        assert escape(reason) in page and reason.endswith("."), name
        assert "Traceback" not in page and str(data_dir) not in page
    assert DesignAsset.objects.count() == 0 and left_behind(data_dir) == []


def test_the_web_upload_tells_what_was_removed(client, alice, tmp_path):
    client.force_login(alice)
    deck = linked_deck(tmp_path / "linked.pptx")
    response = client.post("/designs/", {"file": SimpleUploadedFile("linked.pptx",
                                                                    deck.read_bytes())},
                           follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "6 links to outside files or addresses" in page
    assert "file:///etc/passwd" in page


def run_learn(path: Path, data_dir: Path) -> subprocess.CompletedProcess:
    """`manage.py learn` on a data folder whose database is already set up (a fresh one
    says so on its first line: not what these tests are about)."""
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "bcgslides.settings",
           "DATA_DIR": str(data_dir), "DATABASE_URL": f"sqlite:///{data_dir / 'unused.db'}",
           "SECRET_KEY": "x" * 50, "HOME": str(data_dir)}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=REPO, env=env,
                   check=True, capture_output=True, timeout=120)
    return subprocess.run([sys.executable, "manage.py", "learn", str(path)], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)


def test_the_learn_command_exits_1_with_one_line(tmp_path, zeros_64mb, lzma_64mb):
    files = hostile_files(tmp_path, zeros_64mb, lzma_64mb)
    for name in ("bzip2-lying", "dtd-utf-16"):
        result = run_learn(files[name], tmp_path / "cli")
        assert result.returncode == 1, (name, result.stderr)
        assert "Traceback" not in result.stderr and result.stderr.startswith(
            f"CommandError: {files[name].name}: "), (name, result.stderr)
        assert str(tmp_path / "cli") not in result.stderr


CHILD = """
import json, os, resource, sys, time
from pathlib import Path
import django
django.setup()
from generator.learning import learn
from generator.errors import InvalidDeckFile
cap = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
out = {}
for path in sys.argv[2:]:
    started = time.perf_counter()
    try:
        learn.learn_design(path=Path(path))
        outcome = "learned"
    except InvalidDeckFile as exc:
        outcome = "refused"
    out[Path(path).stem] = [outcome, time.perf_counter() - started]
# VmHWM: this process's own peak (ru_maxrss would count the parent's from before exec)
status = Path("/proc/self/status").read_text()
out["peak_mb"] = int(status.split("VmHWM:")[1].split()[0]) / 1024
print(json.dumps(out))
"""


def test_every_hostile_upload_is_refused_within_2s_and_300mb(tmp_path, zeros_64mb, lzma_64mb):
    files = hostile_files(tmp_path, zeros_64mb, lzma_64mb)
    data = tmp_path / "child"
    data.mkdir()
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "bcgslides.settings",
           "DATA_DIR": str(data), "DATABASE_URL": f"sqlite:///{data / 'unused.db'}",
           "SECRET_KEY": "x" * 50, "HOME": str(data), "PYTHONPATH": str(REPO)}
    result = subprocess.run([sys.executable, "-c", CHILD, str(300 * MB),
                             *map(str, files.values())], cwd=REPO, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]  # a MemoryError would be a traceback
    report = json.loads(result.stdout.strip().splitlines()[-1])
    peak = report.pop("peak_mb")
    assert peak < 300, peak
    for name, (outcome, seconds) in report.items():
        assert outcome == "refused" and seconds < 2, (name, outcome, seconds)
    assert len(report) == len(files)
