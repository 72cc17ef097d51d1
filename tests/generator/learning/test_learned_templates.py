"""Decks in a learned design stay legible and clear of the template's graphics.

Hostile templates are built in the tests (`hostile_templates`); learning looks
at them (empty layouts rendered by LibreOffice) or, with previews off, reads
the XML with the colour map honoured.  Assertions are on the reopened deck
(positions, colours) and on rendered pixels.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER

from generator.learning import learn
from generator.design import Palette
from generator.learning.learned_design import design_for_asset, meaning_colors
from generator.lint import lint_file
from generator.outline import read_outline
from generator.previews.soffice import render_thumbnails
from generator.render import render_to_file
from generator.colours import contrast_ratio
from generator.learning.surface import Surface, analyse, largest_rectangle
from tests.conftest import CORPUS, REPO
from tests.generator import hostile_templates as hostile
from tests.sharedfiles import use_local_files

pytestmark = pytest.mark.django_db
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


@pytest.fixture(autouse=True)
def local_files(settings, tmp_path):
    use_local_files(settings, tmp_path / "data")
    settings.PREVIEWS_ENABLED = False  # LibreOffice only where a test says so


def outline(lang: str = "en"):
    return read_outline((REPO / "examples" / f"every-kind.{lang}.md").read_text(encoding="utf-8"))


def generate(template: Path, out: Path, lang: str = "en"):
    asset = learn.learn_design(path=template)
    design = design_for_asset(asset)
    render_to_file(outline(lang), out, design)
    return design, Presentation(str(out))


def run_colors(shape) -> set[str]:
    colors = set()
    for paragraph in shape.text_frame.paragraphs:
        for run in paragraph.runs:
            fill = run._r.find(f"{A}rPr/{A}solidFill/{A}srgbClr")
            if fill is not None and run.text.strip():
                colors.add(fill.get("val"))
    return colors


def title_of(slide):
    return next((s for s in slide.placeholders if s.placeholder_format.type in (
        PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE)), None)


# -- the colour map, without LibreOffice ------------------------------------------------------
def test_a_dark_theme_with_a_swapped_colour_map_gets_light_text(tmp_path):
    template = hostile.dark_swapped(tmp_path / "dark.pptx")
    design, prs = generate(template, tmp_path / "deck.pptx")
    palette = design.palette
    assert palette.background == "1B262C"  # bg1 -> dk1 through the colour map
    assert contrast_ratio(palette.text, palette.background) >= 4.5
    assert contrast_ratio(palette.title, palette.background) >= 3.0
    assert contrast_ratio(palette.muted, palette.background) >= 4.5
    titled = [s for s in prs.slides if title_of(s) is not None and title_of(s).text_frame.text]
    assert len(titled) > 20
    for slide in titled:
        for color in run_colors(title_of(slide)):
            assert contrast_ratio(color, "1B262C") >= 3.0, color
    body = [shape for slide in prs.slides for shape in slide.shapes
            if shape.name == "Body" and shape.has_text_frame]
    assert body and all(contrast_ratio(c, "1B262C") >= 4.5 for s in body for c in run_colors(s))
    assert lint_file(tmp_path / "deck.pptx").errors == 0


def test_without_pictures_the_title_over_a_layout_picture_keeps_the_templates_colour(tmp_path):
    """XML alone cannot see a picture banner: the template's own title colour is kept
    rather than guessed from the white background behind the picture."""
    template = hostile.banner_and_band(tmp_path / "banner.pptx")
    design = design_for_asset(learn.learn_design(path=template))
    probe = next(p.pattern_data["probe"] for p in learn.DesignPattern.objects.filter(
        pattern_type="layout", pattern_name="Title Only"))
    assert probe["source"] == "xml" and "0" not in probe["placeholders"]
    # the banner is a shape of the layout: the XML places it, and content goes below it
    assert design.free_area is not None and design.free_area.top >= hostile.BANNER_HEIGHT
    assert design.frames.body.top >= hostile.BANNER_HEIGHT


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_tiny_and_missing_placeholders_fall_back_to_the_built_in_geometry(tmp_path, lang):
    template = hostile.tiny_and_missing(tmp_path / "tiny.pptx")
    out = tmp_path / f"deck.{lang}.pptx"
    design, prs = generate(template, out, lang)
    spec = outline(lang)
    assert len(prs.slides) == len(spec.slides)
    frames = design.frames
    assert frames.title.height >= 0.8 * 914400 and frames.tracker.height >= 0.29 * 914400
    for slide, piece in zip(prs.slides, spec.slides):
        for shape in slide.shapes:
            assert 0 <= shape.left and shape.left + shape.width <= prs.slide_width + 6350
            assert 0 <= shape.top and shape.top + shape.height <= prs.slide_height + 6350
        if piece.kind in ("section", "cover"):
            assert any(s.has_text_frame and piece.title in s.text_frame.text
                       for s in slide.shapes), piece.kind
        if piece.notes:  # the notes master has no body: one is added
            assert slide.notes_slide.notes_text_frame.text == piece.notes
    report = lint_file(out)
    assert report.errors == 0, report.to_dict()["issues"][:3]


def test_a_template_that_numbers_its_pages_is_not_numbered_twice(tmp_path):
    template = hostile.numbered_badge(tmp_path / "badge.pptx")
    design, prs = generate(template, tmp_path / "deck.pptx")
    assert design.template_numbers_pages
    assert not [s for slide in prs.slides for s in slide.shapes if s.name == "Page Number"]
    badge = next(s for s in prs.slides[1].slide_layout.shapes if s.name == "Badge")
    for slide in list(prs.slides)[1:]:  # nothing of ours on the badge
        for shape in slide.shapes:
            assert not (shape.left < badge.left + badge.width and badge.left < shape.left
                        + shape.width and shape.top < badge.top + badge.height
                        and badge.top < shape.top + shape.height), shape.name
    plain = hostile.dark_swapped(tmp_path / "plain.pptx")
    assert not design_for_asset(learn.learn_design(path=plain)).template_numbers_pages


def test_waterfall_colours_keep_their_meaning_in_a_learned_design():
    default = Palette()
    # an orange first, then a green and a red: order does not decide the meaning; neutral
    # is the first other accent dark enough for a mark (the orange reads at 2.9:1 only)
    positive, negative, neutral, _ = meaning_colors(
        ["ED7D31", "70AD47", "C00000", "4472C4", "FFC000", "A5A5A5"], default)
    assert (positive, negative, neutral) == ("70AD47", "C00000", "4472C4")
    # no green and no red among the accents: the built-in ones
    assert meaning_colors(["4472C4", "A5A5A5", "FFC000", "5B9BD5", "264478", "9E480E"],
                          default)[:2] == (default.rag_green, default.rag_red)


def test_a_waterfalls_decrease_is_drawn_in_the_negative_colour(tmp_path):
    template = hostile.dark_swapped(tmp_path / "dark.pptx")
    design, prs = generate(template, tmp_path / "deck.pptx")
    waterfall = next(shape.chart for slide in prs.slides for shape in slide.shapes
                     if getattr(shape, "has_chart", False) and shape.has_chart
                     and any(s.name == "decrease" for s in shape.chart.plots[0].series))
    fills = {}
    for series in waterfall.plots[0].series:
        C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
        fill = series._element.find(f"{C}spPr/{A}solidFill/*")
        if fill is not None:  # the bases are invisible
            fills[series.name] = fill.get("val")
    slots = {f"accent{i}": c for i, c in enumerate(design.palette.accents, start=1)}
    resolved = {name: slots.get(value, value) for name, value in fills.items()}
    assert resolved["decrease"] == design.palette.negative
    assert resolved["increase"] == design.palette.positive


# -- real templates ----------------------------------------------------------------------
TEMPLATES = sorted((CORPUS / "templates").glob("*.pptx"))


@pytest.mark.slow
@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.stem.rsplit("__", 1)[-1])
def test_every_vendored_template_generates_a_clean_deck(tmp_path, template):
    out = tmp_path / "deck.pptx"
    design, prs = generate(template, out)
    assert len(prs.slides) == len(outline().slides)
    assert contrast_ratio(design.palette.text, design.palette.background) >= 4.5
    report = lint_file(out)
    assert report.errors == 0, report.to_dict()["issues"][:3]


def test_the_dark_office_theme_reads_its_colour_map():
    """Iphone16Pro maps bg1 to dk1: slides are dark slate, text light."""
    template = CORPUS / "templates" / "icip-cas__PPTAgent__Iphone16Pro.pptx"
    design = design_for_asset(learn.learn_design(path=template))
    assert contrast_ratio(design.palette.background, "000000") < 3  # a dark background
    assert contrast_ratio(design.palette.text, design.palette.background) >= 4.5
    assert contrast_ratio(design.palette.title, design.palette.background) >= 3.0


# -- pictures: the surface analysis --------------------------------------------------------
def test_the_free_area_stops_at_a_band_and_follows_a_gradient():
    image = Image.new("RGB", (320, 180), "white")
    for x in range(320):  # a gentle gradient is background, not graphics
        for y in range(180):
            image.putpixel((x, y), (255 - x // 4, 255 - x // 4, 255))
    image.paste((40, 40, 40), (0, 150, 320, 180))  # a footer band
    image.paste((200, 0, 0), (280, 10, 310, 30))  # a logo
    surface = analyse(image)
    left, top, width, height = surface.free_fraction()
    assert top + height <= 150 / 180 + 0.02
    assert width * height > 0.6
    assert surface.graphics_share(0, 0.85, 1, 0.15) > 0.9
    assert surface.graphics_share(280 / 320, 10 / 180, 30 / 320, 20 / 180) > 0.5
    again = Surface.from_mask(surface.mask_rows(), surface.background)
    assert again.free_cells() == surface.free_cells()


def test_largest_rectangle():
    cells = [[c not in (3,) for c in range(6)] for _ in range(4)]
    assert largest_rectangle(cells) == (0, 0, 3, 4)
    assert largest_rectangle([[False] * 3]) == (0, 0, 0, 0)


# -- with LibreOffice: learning looks at the layouts, decks read on what is there ----------
def pixels_contrast(picture: Path, box, slide_width: int, slide_height: int) -> float:
    """The best contrast between any pixel in `box` (EMU) and the box's most common
    colour: the text as drawn against what surrounds it."""
    with Image.open(picture) as opened:
        image = opened.convert("RGB")
    sx, sy = image.width / slide_width, image.height / slide_height
    crop = image.crop((int(box[0] * sx), int(box[1] * sy), int((box[0] + box[2]) * sx),
                       int((box[1] + box[3]) * sy)))
    colors = crop.getcolors(crop.width * crop.height)
    ground = max(colors)[1]
    hexes = {"".join(f"{v:02X}" for v in c) for _, c in colors}
    ground_hex = "".join(f"{v:02X}" for v in ground)
    return max(contrast_ratio(h, ground_hex) for h in hexes)


@pytest.mark.slow
def test_content_stays_off_a_baked_in_band_and_titles_read_on_a_banner(settings, tmp_path):
    settings.PREVIEWS_ENABLED = settings.LEARN_LAYOUT_PICTURES = True
    template = hostile.banner_and_band(tmp_path / "banner.pptx")
    design, prs = generate(template, tmp_path / "deck.pptx")
    free = design.free_area
    assert free is not None and free.bottom <= hostile.BAND_TOP + 914400 * 0.15
    assert free.top >= hostile.BANNER_HEIGHT - 914400 * 0.15
    banner = "".join(f"{v:02X}" for v in hostile.BANNER_COLOR)
    assert contrast_ratio(design.palette.title, banner) >= 3.0
    for slide in list(prs.slides)[1:]:
        for shape in slide.shapes:
            if shape.is_placeholder or shape.name == "Tracker":
                continue
            assert shape.top + shape.height <= hostile.BAND_TOP + 6350, (shape.name,)
    pictures = render_thumbnails(tmp_path / "deck.pptx", tmp_path / "pics")
    agenda = list(prs.slides)[1]
    title = title_of(agenda)
    box = (title.left, title.top, title.width, title.height)
    assert pixels_contrast(pictures[1], box, prs.slide_width, prs.slide_height) >= 3.0


@pytest.mark.slow
def test_a_dark_theme_learned_from_its_pictures_reads_as_rendered(settings, tmp_path):
    from generator.lint.rendered import lint_pictures

    settings.PREVIEWS_ENABLED = settings.LEARN_LAYOUT_PICTURES = True
    template = hostile.dark_swapped(tmp_path / "dark.pptx")
    design, prs = generate(template, tmp_path / "deck.pptx")
    probe = next(p.pattern_data["probe"] for p in learn.DesignPattern.objects.filter(
        pattern_type="layout", pattern_name="Title Only"))
    assert probe["source"] == "picture" and probe["background"] == "1B262C"
    pictures = render_thumbnails(tmp_path / "deck.pptx", tmp_path / "pics")
    for number in (2, 3):  # agenda and executive summary: title and body text
        slide = list(prs.slides)[number - 1]
        title = title_of(slide)
        box = (title.left, title.top, title.width, title.height)
        assert pixels_contrast(pictures[number - 1], box, prs.slide_width,
                               prs.slide_height) >= 3.0
    issues = lint_pictures(tmp_path / "deck.pptx", pictures)
    assert [i for i in issues if i.rule == "rendered_contrast"] == []


def test_the_layout_chosen_for_content_is_the_same_in_any_order():
    """Learning probes the layouts `layout_map` picks; rendering reads the patterns back in
    the database's order: a tie must not pick an unprobed layout."""
    from generator.learning.learned_design import layout_map

    entries = [(name, {"kind": "message", "confidence": 0.6, "placeholders": []})
               for name in ("内容页", "标题和内容", "自定义版式", "Title Only")]
    choices = {layout_map(order)["*"] for order in (entries, entries[::-1], entries[1:] + entries[:1])}
    assert len(choices) == 1
