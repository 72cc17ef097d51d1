"""Design learning: safe intake, extraction, and decks generated in the learned designs."""

from __future__ import annotations

import io
import os
import re
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from lxml import etree
from pptx import Presentation

from generator import queueing
from generator.learning import learn
from generator.errors import InvalidDeckFile
from generator.learning.learned_design import design_for_asset
from generator.lint import lint_file
from generator.outline import read_outline
from generator.models import DesignAsset, DesignPattern
from generator.render import render_to_file
from generator.previews.soffice import available
from tests.conftest import CORPUS, REPO
from tests.sharedfiles import use_local_files

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def asset_dir(settings, tmp_path):
    """Each test stores assets in its own folder (files outlive a rolled-back test)."""
    return use_local_files(settings, tmp_path) / "design_assets"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
BASE = CORPUS / "pptx" / "scanny__python-pptx__font-color.pptx"


def stored_files() -> list[Path]:
    root = Path(settings.DATA_DIR) / "design_assets"
    incoming = Path(settings.DATA_DIR) / "incoming"
    return [p for p in list(root.glob("*")) + list(incoming.glob("*")) if p.is_file()]


def rewrite(source: Path, target: Path, *, replace: dict | None = None, drop: tuple = (),
            add: dict | None = None, names: dict | None = None) -> Path:
    """A copy of a deck with parts replaced, dropped, added or renamed (raw zip edits)."""
    replace, add, names = replace or {}, add or {}, names or {}
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            if info.filename in drop:
                continue
            data = src.read(info.filename)
            if info.filename in replace:
                data = replace[info.filename](data)
            out.writestr(names.get(info.filename, info.filename), data)
        for name, data in add.items():
            out.writestr(name, data)
    return target


def theme_xml(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as package:
        name = sorted(n for n in package.namelist() if n.startswith("ppt/theme/theme"))[0]
        return etree.fromstring(package.read(name))


def test_every_corpus_deck_learns_its_theme_exactly(corpus_pptx):
    for path in corpus_pptx:
        asset = learn.learn_design(path=path, filename=path.name, category="corpus")
        colors = asset.patterns.get(pattern_type="theme_colors").pattern_data
        fonts = asset.patterns.get(pattern_type="theme_fonts").pattern_data
        theme = theme_xml(path)
        for slot, value in colors.items():
            element = theme.find(f".//{A}clrScheme/{A}{slot}")[0]
            expected = element.get("val") if element.tag == f"{A}srgbClr" else element.get("lastClr")
            assert value == expected.upper(), (path.name, slot)
        major = theme.find(f".//{A}majorFont")
        assert fonts["major_latin"] == major.find(f"{A}latin").get("typeface"), path.name
        assert fonts["minor_latin"] == theme.find(f".//{A}minorFont/{A}latin").get("typeface")
        assert asset.patterns.filter(pattern_type="layout").count() >= 1
        assert all(0 <= p.quality_score <= 1 for p in asset.patterns.all())
        assert asset.path.is_file() and asset.filename == path.name
    assert DesignAsset.objects.count() == len(corpus_pptx)


def test_patterns_include_slides_grid_typography_and_styles():
    asset = learn.learn_design(path=CORPUS / "pptx" / "scanny__python-pptx__cht-charts.pptx")
    types = set(asset.patterns.values_list("pattern_type", flat=True))
    assert {"theme_colors", "theme_fonts", "slide_size", "layout", "slide", "grid",
            "typography", "chart_style"} <= types
    slide = asset.patterns.get(pattern_type="slide")
    assert slide.pattern_data["kind"] == "chart"


def test_the_same_file_twice_is_one_asset():
    first = learn.learn_design(path=BASE)
    second = learn.learn_design(path=BASE)
    assert first.pk == second.pk and DesignAsset.objects.count() == 1
    assert len([p for p in stored_files() if p.suffix == ".pptx"]) == 1


@pytest.mark.skipif(not available(), reason="needs LibreOffice")
def test_a_new_design_queues_its_pictures_once_committed_unless_the_caller_renders_them(
        django_capture_on_commit_callbacks, monkeypatch):
    """The use case, not its callers, decides that pictures follow an upload."""
    queued_for = []

    def queue_and_note(asset_id):  # the real enqueue, noted (the broker may hold other tests' tasks)
        queued_for.append(asset_id)
        return real(asset_id)

    real = queueing.asset_thumbnails
    monkeypatch.setattr(queueing, "asset_thumbnails", queue_and_note)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        queued = learn.learn_upload(path=BASE).asset
    assert queued_for == []  # not before the asset's row is committed
    for callback in callbacks:
        callback()
    with django_capture_on_commit_callbacks(execute=True):
        learn.learn_upload(path=BASE)  # the same file again: nothing new to draw
    assert queued_for == [queued.pk]
    other = sorted((CORPUS / "templates").glob("*.pptx"))[0]
    with django_capture_on_commit_callbacks(execute=True):
        learn.learn_upload(path=other, queue_pictures=False)
    assert queued_for == [queued.pk]


@pytest.mark.slow
@pytest.mark.parametrize("example", ["every-kind.en.md", "every-kind.ja.md"])
def test_decks_generated_in_each_learned_design_keep_its_size_theme_and_fonts(
        tmp_path, corpus_pptx, example):
    spec = read_outline((REPO / "examples" / example).read_text(encoding="utf-8"))
    for path in corpus_pptx:
        asset = learn.learn_design(path=path)
        design = design_for_asset(asset)
        out = tmp_path / f"{path.stem}.pptx"
        render_to_file(spec, out, design)
        prs, source = Presentation(str(out)), Presentation(str(path))
        assert (prs.slide_width, prs.slide_height) == (source.slide_width, source.slide_height)
        assert etree.tostring(theme_xml(out)) == etree.tostring(theme_xml(path))
        runs = [run for slide in prs.slides for shape in slide.shapes if shape.has_text_frame
                for p in shape.text_frame.paragraphs for run in p.runs]
        latin = {run._r.find(f"{A}rPr/{A}latin").get("typeface") for run in runs}
        assert latin <= {design.fonts.latin_minor, design.fonts.latin_major}
        assert len(prs.slides) == len(spec.slides)
        report = lint_file(out)
        assert report.errors == 0, (path.name, report.to_dict()["issues"][:3])


def test_the_assets_own_slides_are_removed_cleanly(tmp_path):
    asset = learn.learn_design(path=CORPUS / "pptx" / "scanny__python-pptx__cht-chart-type.pptx")
    spec = read_outline("# One message\n\n- a point\n")
    out = tmp_path / "deck.pptx"
    render_to_file(spec, out, design_for_asset(asset))
    with zipfile.ZipFile(out) as package:
        names = package.namelist()
    assert len([n for n in names if re.fullmatch(r"ppt/slides/slide\d+\.xml", n)]) == 1
    assert not [n for n in names if n.startswith("ppt/charts/")]  # the asset's charts went too


# -- bad input: a clear message, nothing stored ----------------------------------------------
def refused(path: Path, needle: str, filename: str = "") -> None:
    with pytest.raises(InvalidDeckFile, match=needle):
        learn.learn_design(path=path, filename=filename or path.name)
    assert DesignAsset.objects.count() == 0 and DesignPattern.objects.count() == 0
    assert stored_files() == []


def test_not_a_zip(tmp_path):
    path = tmp_path / "deck.pptx"
    path.write_bytes(b"%PDF-1.4 not a deck")
    refused(path, "not a zip archive")


def test_a_truncated_zip(tmp_path):
    data = BASE.read_bytes()
    path = tmp_path / "deck.pptx"
    path.write_bytes(data[: len(data) // 2])
    refused(path, "not a zip archive, or it is truncated")


def test_a_zip_bomb(tmp_path):
    bomb = rewrite(BASE, tmp_path / "bomb.pptx", add={"ppt/media/bomb.bin": b"\0" * 60_000_000})
    refused(bomb, "zip bomb")


def test_traversal_names(tmp_path):
    evil = rewrite(BASE, tmp_path / "evil.pptx", add={"../../evil.xml": b"<a/>"})
    refused(evil, "escapes its folder")
    absolute = rewrite(BASE, tmp_path / "abs.pptx", add={"/etc/evil.xml": b"<a/>"})
    refused(absolute, "absolute path")


def test_an_xxe_entity_in_a_part(tmp_path):
    def inject(data: bytes) -> bytes:
        return data.replace(b"?>", b'?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>', 1)

    xxe = rewrite(BASE, tmp_path / "xxe.pptx", replace={"ppt/presentation.xml": inject})
    refused(xxe, "DTD or entities")


def test_a_main_part_of_another_kind_is_refused(tmp_path):
    # macro-enabled decks are learned without their macros (test_intake_templates.py)
    def word(data: bytes) -> bytes:
        return data.replace(b"presentationml.presentation.main+xml",
                            b"wordprocessingml.document.main+xml")

    docx = rewrite(BASE, tmp_path / "deck.pptx", replace={"[Content_Types].xml": word})
    refused(docx, "not a PowerPoint presentation or template")


def test_an_encrypted_deck(tmp_path):
    # PowerPoint wraps a password-protected .pptx in an OLE compound file (CFB)
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    header[24:26] = (0x3E).to_bytes(2, "little")  # minor version
    header[26:28] = (3).to_bytes(2, "little")  # major version 3
    header[28:30] = b"\xfe\xff"  # little-endian byte order mark
    header[30:32] = (9).to_bytes(2, "little")  # 512-byte sectors
    path = tmp_path / "locked.pptx"
    path.write_bytes(bytes(header) + os.urandom(4096))
    refused(path, "encrypted")


def test_a_template_with_no_slides_is_learned_from_its_layouts():
    asset = learn.learn_design(path=CORPUS / "pptx" / "scanny__python-pptx__mst-slide-layouts.pptx")
    assert asset.slide_count == 0 and asset.patterns.filter(pattern_type="layout").exists()
    assert not asset.patterns.filter(pattern_type="slide").exists()


def test_300_slides_are_refused(tmp_path):
    prs = Presentation()
    for _ in range(300):
        prs.slides.add_slide(prs.slide_layouts[6])
    path = tmp_path / "long.pptx"
    prs.save(path)
    refused(path, "300 slides")


def test_a_50_mb_picture_is_refused(tmp_path):
    big = rewrite(BASE, tmp_path / "big.pptx", add={"ppt/media/huge.png": os.urandom(50 * 1024 * 1024)})
    refused(big, "pictures over 25 MB")


def test_a_theme_with_missing_colours(tmp_path):
    def strip(data: bytes) -> bytes:
        return re.sub(rb"<a:accent3>.*?</a:accent3>", b"", data, flags=re.S)

    path = rewrite(BASE, tmp_path / "theme.pptx", replace={"ppt/theme/theme1.xml": strip})
    refused(path, "lacks colours: accent3")


def test_charts_with_broken_relationships(tmp_path):
    source = CORPUS / "pptx" / "scanny__python-pptx__cht-charts.pptx"
    with zipfile.ZipFile(source) as package:
        chart = next(n for n in package.namelist() if re.fullmatch(r"ppt/charts/chart\d+\.xml", n))
    path = rewrite(source, tmp_path / "broken.pptx", drop=(chart,))
    refused(path, "broken relationship")


def test_an_upload_over_the_size_limit(tmp_path, settings):
    settings.MAX_UPLOAD_BYTES = 10_000
    with pytest.raises(InvalidDeckFile, match="larger than"):
        learn.learn_design(file=io.BytesIO(BASE.read_bytes()), filename="deck.pptx")
    assert stored_files() == []


def test_the_learn_command(tmp_path, capsys):
    call_command("learn", str(BASE), "--category", "house")
    out = capsys.readouterr().out
    asset = DesignAsset.objects.get()
    assert f"design asset {asset.pk}" in out and "theme_colors" in out and asset.category == "house"
    bad = tmp_path / "bad.pptx"
    bad.write_bytes(b"nope")
    with pytest.raises(CommandError, match="bad.pptx: This is not a PowerPoint file"):
        call_command("learn", str(bad))
    assert DesignAsset.objects.count() == 1


def test_relearn_and_delete():
    asset = learn.learn_design(path=BASE)
    count = asset.patterns.count()
    learn.relearn(asset)
    assert asset.patterns.count() == count
    path = asset.path
    learn.delete_asset(asset)
    assert not path.exists() and DesignAsset.objects.count() == 0
