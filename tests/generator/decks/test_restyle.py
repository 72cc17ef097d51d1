"""Restyle: any deck read into a DeckSpec and rendered again in a house design, and the
Markdown outline written back from a DeckSpec."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE, PP_PLACEHOLDER

from generator import files

from generator.learning import learn

from generator.previews import soffice
from generator.reading.deck_reader import read_deck, read_upload
from generator.errors import InvalidDeckFile
from generator.outline import read_outline
from generator.models import GeneratedPresentation
from generator.outline.writer import write_outline
from generator.reading.charts import read_chart
from generator.render import render_to_file
from generator.decks.restyle import restyle
from generator.spec import load_spec
from tests.conftest import CORPUS, REPO
from tests.sharedfiles import use_local_files

pytestmark = pytest.mark.django_db
EXAMPLES = REPO / "examples"
_SKIP = {PP_PLACEHOLDER.DATE, PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER,
         PP_PLACEHOLDER.HEADER}
DECKS = [p for p in sorted((CORPUS / "pptx").glob("*.pptx")) + sorted(
    (CORPUS / "templates").glob("*.pptx")) if len(Presentation(str(p)).slides)]
EMPTY = [p for p in sorted((CORPUS / "templates").glob("*.pptx")) + sorted(
    (CORPUS / "pptx").glob("*.pptx")) if not len(Presentation(str(p)).slides)]


@pytest.fixture(autouse=True)
def local_files(settings, tmp_path):
    return use_local_files(settings, tmp_path)


# -- what a deck holds, for the before/after comparisons -------------------------------------
def _walk(shapes):
    for shape in shapes:
        if shape.shape_type == MSO_SHAPE_TYPE.GROUP:
            yield from _walk(shape.shapes)
        else:
            yield shape


def tokens(text: str) -> list[str]:
    """Latin words and numbers, and every other letter on its own (Japanese wraps anywhere)."""
    return [t.lower() for t in re.findall(r"[A-Za-z0-9]+|[^\W_A-Za-z0-9]", text)]


def words(path: Path) -> Counter:
    """The words of titles, bullets and text, table cells and notes."""
    found: Counter = Counter()
    for slide in Presentation(str(path)).slides:
        for shape in _walk(slide.shapes):
            if shape.is_placeholder and shape.placeholder_format.type in _SKIP:
                continue
            if shape.has_text_frame:
                found.update(tokens(shape.text_frame.text))
            if getattr(shape, "has_table", False) and shape.has_table:
                for row in shape.table.rows:
                    for cell in row.cells:
                        found.update(tokens(cell.text))
        if slide.has_notes_slide and slide.notes_slide.notes_text_frame is not None:
            found.update(tokens(slide.notes_slide.notes_text_frame.text))
    return found


def chart_numbers(path: Path, *, readable_only: bool) -> Counter:
    """Every number of every native chart (those the reader can read, when asked)."""
    found: Counter = Counter()
    for slide in Presentation(str(path)).slides:
        for shape in _walk(slide.shapes):
            if not (getattr(shape, "has_chart", False) and shape.has_chart):
                continue
            if readable_only and read_chart(shape.chart) is None:
                continue
            for value in shape.chart._chartSpace.xpath(
                    ".//c:plotArea/*/c:ser/*[self::c:val or self::c:yVal or self::c:xVal "
                    "or self::c:bubbleSize]//c:numCache/c:pt/c:v/text()"):
                found[round(float(value), 6)] += 1
    return found


def picture_hashes(path: Path) -> Counter:
    found: Counter = Counter()
    for slide in Presentation(str(path)).slides:
        for shape in _walk(slide.shapes):
            if shape.shape_type == MSO_SHAPE_TYPE.PICTURE or (
                    shape.is_placeholder and hasattr(shape, "image")):
                try:
                    if shape.image.ext.lower() in ("png", "jpg", "jpeg", "gif", "bmp", "tiff"):
                        found[hashlib.sha256(shape.image.blob).hexdigest()] += 1
                except (AttributeError, ValueError, KeyError):
                    continue
    return found


def missing(before: Counter, after: Counter) -> Counter:
    return before - after


def check_restyled(source: Path, out: Path, row: GeneratedPresentation) -> None:
    assert row.status == GeneratedPresentation.Status.DONE
    assert not missing(words(source), words(out)), source.name
    assert not missing(chart_numbers(source, readable_only=True),
                       chart_numbers(out, readable_only=False)), source.name
    assert not missing(picture_hashes(source), picture_hashes(out)), source.name
    summary = row.lint_report["summary"]
    assert summary["errors"] == 0, (source.name, row.lint_report["issues"][:5])
    rules = {issue["rule"] for issue in row.lint_report["issues"]}
    assert not any("overflow" in rule for rule in rules), (source.name, rules)


# -- outline round trips ---------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["every-kind.en.md", "every-kind.ja.md"])
def test_outline_spec_outline_spec_is_equal(name):
    spec = read_outline((EXAMPLES / name).read_text(encoding="utf-8"))
    again = read_outline(write_outline(spec))
    assert again == spec
    assert write_outline(again) == write_outline(spec)


def test_markdown_punctuation_in_text_is_kept():
    spec = read_outline("# A *star* [link] <b> | 1. two {.message}\n\n- 1. first\n- - dash\n"
                        "- #hash & `code` _under_\n\nSource: A & B\n")
    again = read_outline(write_outline(spec))
    assert again == spec


def _drawn(spec):
    """`spec` without what the renderer never draws, so no deck can give it back: the axis
    title of a chart without axes (pie, doughnut, waterfall) and the name of a waterfall's
    one series."""
    data = spec.model_dump(mode="json", exclude_defaults=True)
    for slide in data["slides"]:
        chart = slide.get("chart") or {}
        if chart.get("type") in ("pie", "doughnut", "waterfall"):
            chart.pop("x_title", None)
        if chart.get("type") == "waterfall":
            chart["series"][0]["name"] = "Value"
    return load_spec(data)


@pytest.mark.parametrize("name", ["every-kind.en.md", "every-kind.ja.md"])
def test_outline_deck_outline_gives_the_outline_again(name, tmp_path):
    """Every kind, read back from the deck it renders, is the outline it came from."""
    spec = read_outline((EXAMPLES / name).read_text(encoding="utf-8"))
    deck = tmp_path / "deck.pptx"
    render_to_file(spec, deck)
    read = read_deck(deck, tmp_path / "pictures", regions=False).spec
    assert write_outline(read) == write_outline(_drawn(spec))
    assert [s.kind for s in read.slides] == [s.kind for s in spec.slides]


def test_a_deck_edited_by_hand_still_reads_as_text(tmp_path):
    """A diagram with a text box added by hand is read as its text, nothing dropped."""
    spec = read_outline((EXAMPLES / "every-kind.en.md").read_text(encoding="utf-8"))
    deck = tmp_path / "deck.pptx"
    render_to_file(spec, deck)
    prs = Presentation(str(deck))
    process = next(s for s in prs.slides if any(sh.name == "Step 1" for sh in s.shapes))
    box = process.shapes.add_textbox(0, 0, 914400, 914400)
    box.text_frame.text = "Added by hand in PowerPoint"
    prs.save(str(deck))
    read = read_deck(deck, tmp_path / "pictures", regions=False).spec
    slide = next(s for s in read.slides if s.title.startswith("Four steps"))
    assert slide.kind == "message"
    texts = [p.text for p in slide.points]
    assert "Added by hand in PowerPoint" in texts and "Select" in texts


# -- restyling the corpus ----------------------------------------------------------------------
@pytest.mark.parametrize("source", DECKS, ids=lambda p: p.stem[:40])
def test_corpus_decks_restyled_in_the_built_in_design_keep_everything(source, tmp_path):
    out = tmp_path / "restyled.pptx"
    done = restyle(source, filename=source.name, out=out, regions=False)
    check_restyled(source, out, done.row)


@pytest.mark.parametrize("template", ["barun-saha__slide-deck-ai__Ion_Boardroom.pptx",
                                      "MartinPacker__md2pptx__Martin_Template.pptx"])
def test_corpus_decks_restyled_in_learned_designs_keep_everything(template, tmp_path):
    asset = learn.learn_upload(path=CORPUS / "templates" / template, filename=template).asset
    for source in DECKS:
        out = tmp_path / f"{source.stem}.pptx"
        done = restyle(source, filename=source.name, asset_id=asset.pk, out=out, regions=False)
        check_restyled(source, out, done.row)
        assert done.row.asset_id == asset.pk


def test_charts_come_back_as_native_charts_with_their_numbers(tmp_path):
    source = CORPUS / "pptx" / "scanny__python-pptx__cht-chart-type.pptx"
    read = read_deck(source, tmp_path / "pictures", regions=False)
    charts = [s for s in read.spec.slides if s.kind == "chart"]
    assert len(charts) == sum(
        1 for slide in Presentation(str(source)).slides for shape in slide.shapes
        if shape.has_chart)
    assert not read.unmapped


@pytest.mark.skipif(not soffice.available(), reason="needs LibreOffice")
def test_smartart_is_carried_over_as_a_picture_of_its_region_and_listed(tmp_path):
    source = CORPUS / "pptx" / "scanny__python-pptx__ph-populated-placeholders.pptx"
    out = tmp_path / "restyled.pptx"
    done = restyle(source, filename=source.name, out=out)
    assert any("SmartArt" in line and "kept as a picture" in line for line in done.report)
    before = picture_hashes(source)
    after = picture_hashes(out)
    assert sum(after.values()) == sum(before.values()) + 1  # the region's picture


# -- bad input ---------------------------------------------------------------------------------
def _encrypted(path: Path) -> Path:
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    path.write_bytes(bytes(header) + b"\0" * 4096)
    return path


def _bomb(path: Path) -> Path:
    import zipfile

    base = CORPUS / "pptx" / "scanny__python-pptx__font-color.pptx"
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            out.writestr(info.filename, src.read(info.filename))
        out.writestr("ppt/media/bomb.bin", b"\0" * 60_000_000)
    return path


@pytest.mark.parametrize("make, message", [
    (lambda p: (p.write_bytes(b"%PDF-1.4 not a deck"), p)[1], "not a zip archive"),
    (_encrypted, "encrypted"),
    (_bomb, "zip bomb"),
])
def test_bad_decks_are_refused_with_a_clear_message_and_nothing_recorded(make, message,
                                                                          tmp_path, capsys):
    path = make(tmp_path / "deck.pptx")
    with pytest.raises(CommandError) as caught:
        call_command("restyle", str(path), "-o", str(tmp_path / "out.pptx"))
    assert message in str(caught.value)
    assert str(tmp_path) not in str(caught.value)
    assert not GeneratedPresentation.objects.exists()
    assert not (tmp_path / "out.pptx").exists()


@pytest.mark.parametrize("source", EMPTY[:1], ids=lambda p: p.stem[:40])
def test_a_deck_with_no_slides_is_refused(source, tmp_path):
    with pytest.raises(InvalidDeckFile, match="no slides"):
        read_upload(source, tmp_path / "pictures", filename=source.name)


def test_an_unknown_design_is_refused_before_reading(tmp_path):
    source = CORPUS / "pptx" / "scanny__python-pptx__cht-charts.pptx"
    with pytest.raises(CommandError, match="does not exist"):
        call_command("restyle", str(source), "--asset", "9999")
    assert not GeneratedPresentation.objects.exists()


def test_the_command_prints_the_deck_and_its_lint(tmp_path, capsys):
    source = CORPUS / "pptx" / "scanny__python-pptx__cht-charts.pptx"
    out = tmp_path / "out.pptx"
    call_command("restyle", str(source), "-o", str(out), "--no-pictures")
    printed = capsys.readouterr().out
    assert str(out) in printed and "0 errors" in printed
    row = GeneratedPresentation.objects.get()
    assert row.source_kind == "spec" and files.exists(row.file)


def test_a_deck_that_would_need_too_many_slides_is_refused_clearly(tmp_path):
    from pptx.util import Inches

    prs = Presentation()
    for index in range(170):  # 510 slides once split: over the 500 a deck may have
        slide = prs.slides.add_slide(prs.slide_layouts[5])
        slide.shapes.title.text = f"Slide {index}"
        table = slide.shapes.add_table(2, 2, 0, Inches(2), Inches(4), Inches(1)).table
        table.cell(0, 0).text, table.cell(1, 0).text = "Head", "Cell"
        from pptx.chart.data import CategoryChartData
        from pptx.enum.chart import XL_CHART_TYPE

        data = CategoryChartData()
        data.categories = ["a", "b"]
        data.add_series("S", (1, 2))
        for top in (Inches(2), Inches(5)):  # two charts and a table: three slides each
            slide.shapes.add_chart(XL_CHART_TYPE.COLUMN_CLUSTERED, Inches(5), top,
                                   Inches(4), Inches(2), data)
    path = tmp_path / "big.pptx"
    prs.save(str(path))
    with pytest.raises(InvalidDeckFile, match="cannot be restyled"):
        read_upload(path, tmp_path / "pictures", filename=path.name, regions=False)
