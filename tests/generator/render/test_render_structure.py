"""Consulting layouts of the key slides, rendered and read back with python-pptx: the
executive summary's numbered blocks, the agenda repeated on section slides, trackers
taken from the section, stickers."""

from __future__ import annotations

import pytest
from pptx import Presentation
from pptx.enum.dml import MSO_THEME_COLOR
from pptx.enum.shapes import PP_PLACEHOLDER

from generator.colours import contrast_ratio
from generator.design import Box, default_design
from generator.learning import learn
from generator.learning.learned_design import design_for_asset
from generator.lint.rendered import lint_pictures
from generator.previews.soffice import render_thumbnails
from generator.render import render_to_file
from generator.spec import load_spec
from tests.conftest import CORPUS
from tests.sharedfiles import use_local_files

DARK = CORPUS / "templates" / "icip-cas__PPTAgent__Iphone16Pro.pptx"  # a dark slide
ACCENTS = ["accent1", "accent2", "accent3", "accent4", "accent5", "accent6"]


def render(tmp_path, slides, name="deck.pptx", design=None, **deck):
    out = tmp_path / name
    spec = load_spec({"title": "Deck", **deck, "slides": slides})
    render_to_file(spec, out, design)
    return Presentation(str(out)), out


def named(slide) -> dict:
    return {shape.name: shape for shape in slide.shapes}


def box_of(shape) -> Box:
    return Box(int(shape.left), int(shape.top), int(shape.width), int(shape.height))


def meets(a: Box, b: Box) -> bool:
    return a.left < b.right and b.left < a.right and a.top < b.bottom and b.top < a.bottom


def run_color(shape, palette) -> str:
    """The first run's colour as 'RRGGBB' (a theme accent resolved through `palette`)."""
    color = shape.text_frame.paragraphs[0].runs[0].font.color
    if color.type is not None and color.theme_color not in (None, MSO_THEME_COLOR.NOT_THEME_COLOR):
        slot = MSO_THEME_COLOR.to_xml(color.theme_color)
        return getattr(palette, slot) if slot in ACCENTS else slot
    return str(color.rgb)


def title_box(slide) -> Box:
    for shape in slide.placeholders:
        if shape.placeholder_format.type in (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE):
            return box_of(shape)
    raise AssertionError("no title placeholder")


# -- executive summary -----------------------------------------------------------------------
SUMMARY = {"kind": "executive_summary", "title": "Entering with a partner creates most value",
           "points": [{"text": "The market grows 25% a year to JPY 3.2 trillion by 2030",
                       "sub": ["Policy support drives the growth", "Battery costs keep falling"]},
                      "Our battery-control technology is a real edge in the mid-price segment",
                      "Entering with a partner pays back two years earlier"]}


def test_summary_is_numbered_blocks_spread_over_the_whole_body(tmp_path):
    design = default_design()
    body = design.frames.body
    prs, _ = render(tmp_path, [SUMMARY])
    shapes = named(prs.slides[0])
    points = [shapes[f"Summary Point {n}"] for n in (1, 2, 3)]
    numbers = [shapes[f"Summary Number {n}"] for n in (1, 2, 3)]
    assert [n.text_frame.text for n in numbers] == ["1", "2", "3"]
    # equal rows over the body, from its top to its bottom, split by two hairlines
    tops = [int(p.top) for p in points]
    assert tops == sorted(tops) and min(tops) - body.top < body.height * 0.05
    assert body.bottom - int(points[-1].top + points[-1].height) < body.height * 0.05
    heights = {int(p.height) for p in points}
    assert max(heights) - min(heights) < body.height * 0.01
    rules = [s for name, s in shapes.items() if name.startswith("Summary Rule")]
    assert len(rules) == 2
    assert all(body.top < int(r.top) < body.bottom for r in rules)
    # the number left of its message, large and in the highlight colour
    for number, point in zip(numbers, points):
        assert int(number.left + number.width) <= int(point.left)
        assert run_color(number, design.palette) == design.palette.highlight
        number_size = number.text_frame.paragraphs[0].runs[0].font.size.pt
        assert number_size > point.text_frame.paragraphs[0].runs[0].font.size.pt * 1.5
    # message bold, support beneath in regular weight; text grew past the body size
    first = points[0].text_frame.paragraphs
    assert first[0].runs[0].font.bold is True and first[0].runs[0].font.size.pt > 16
    assert [p.text for p in first[1:]] == SUMMARY["points"][0]["sub"]
    assert all(p.runs[0].font.bold is False for p in first[1:])


def test_a_long_summary_continues_numbered_on(tmp_path):
    long = "Entering the market with a partner pays back two years earlier than alone " * 2
    points = [{"text": f"{n}. {long}", "sub": [long, long]} for n in range(8)]
    prs, _ = render(tmp_path, [{**SUMMARY, "points": points}])
    assert len(prs.slides) >= 2
    seen = []
    for slide in prs.slides:
        shapes = named(slide)
        seen += [int(shapes[name].text_frame.text) for name in shapes
                 if name.startswith("Summary Number")]
        body = default_design().frames.body
        for name, shape in shapes.items():
            if name.startswith("Summary Point"):
                assert body.top <= int(shape.top) and int(shape.top + shape.height) <= body.bottom
    assert seen == list(range(1, 9))
    assert prs.slides[1].shapes.title.text_frame.text.endswith("(cont.)")


def test_many_japanese_messages_fit_readable(tmp_path):
    points = [{"text": f"国内EV市場は年率25%で成長し、2030年に3.2兆円規模に達する（論点{n}）",
               "sub": ["政策支援と電池コストの低下が成長を牽引する"]} for n in range(1, 8)]
    prs, _ = render(tmp_path, [{**SUMMARY, "title": "提携による早期参入が最も高い価値を生む",
                                "points": points}])
    sizes = [shape.text_frame.paragraphs[0].runs[0].font.size.pt
             for slide in prs.slides for name, shape in named(slide).items()
             if name.startswith("Summary Point")]
    assert len(sizes) == 7 and min(sizes) >= default_design().type.body_min


# -- the agenda as a tracker -----------------------------------------------------------------
AGENDA = {"kind": "agenda", "title": "Agenda", "items": ["Market outlook", "Competition",
                                                         "Entry options"]}


def chart_slide(title, **extra):
    return {"kind": "message", "title": title, "points": ["One point"], **extra}


def test_section_slides_list_the_agenda_with_their_own_item_marked(tmp_path):
    palette = default_design().palette
    slides = [AGENDA,
              {"kind": "section", "title": "Market outlook", "number": "01"},
              chart_slide("The market grows"),
              {"kind": "section", "title": "Competition", "number": "2."},
              {"kind": "section", "title": "Entry options"}]  # no number: its order, third
    prs, _ = render(tmp_path, slides)
    for slide_index, current in ((1, 1), (3, 2), (4, 3)):
        shapes = named(prs.slides[slide_index])
        items = [shapes[f"Section Agenda Item {n}"] for n in (1, 2, 3)]
        assert [i.text_frame.text for i in items] == AGENDA["items"]
        bold = [i.text_frame.paragraphs[0].runs[0].font.bold for i in items]
        assert bold == [n == current for n in (1, 2, 3)]
        marked = run_color(items[current - 1], palette)
        others = {run_color(i, palette) for n, i in enumerate(items, 1) if n != current}
        assert marked not in others
        for color in others | {marked}:  # light on the dark divider, dimmed ones too
            assert contrast_ratio(color, palette.dk2) >= 4.5
        marker = shapes["Section Agenda Marker"]
        middle = int(marker.top + marker.height // 2)
        row = items[current - 1]
        assert int(row.top) <= middle <= int(row.top + row.height)
        assert not meets(box_of(items[0]), title_box(prs.slides[slide_index]))


def test_without_an_agenda_slide_a_section_draws_no_list(tmp_path):
    prs, _ = render(tmp_path, [{"kind": "section", "title": "Market outlook", "number": "01"}])
    assert not any(name.startswith("Section Agenda") for name in named(prs.slides[0]))


def test_the_agenda_slide_spreads_its_items_over_the_body(tmp_path):
    body = default_design().frames.body
    prs, _ = render(tmp_path, [{**AGENDA, "current": 2}])
    shapes = named(prs.slides[0])
    items = [shapes[f"Agenda Item {n}"] for n in (1, 2, 3)]
    first, last = items[0], items[-1]
    spread = int(last.top + last.height) - int(first.top)
    assert spread >= body.height * 0.6
    assert items[1].text_frame.paragraphs[0].runs[0].font.bold is True
    assert "Current Marker" in shapes


def test_content_slides_take_the_current_sections_title_as_tracker(tmp_path):
    slides = [chart_slide("Before any section"),
              {"kind": "section", "title": "Market outlook", "number": "01"},
              chart_slide("The market grows"),
              chart_slide("Its own label", tracker="Own label"),
              {"kind": "appendix"},
              chart_slide("Backup data")]
    prs, _ = render(tmp_path, slides)
    trackers = [named(s)["Tracker"].text_frame.text if "Tracker" in named(s) else None
                for s in prs.slides]
    assert trackers[0] is None
    assert trackers[2] == "Market outlook"
    assert trackers[3] == "Own label"
    assert trackers[5] == "Appendix"


# -- stickers --------------------------------------------------------------------------------
def test_the_decks_sticker_on_every_content_slide_and_a_slides_own_wins(tmp_path):
    design = default_design()
    slides = [{"kind": "cover", "title": "Deck"},
              {"kind": "section", "title": "Market outlook"},
              chart_slide("The market quadruples to JPY 3.2 trillion by 2030 and keeps on "
                          "growing after that year in every region"),
              chart_slide("Its own sticker", sticker="Preliminary")]
    prs, _ = render(tmp_path, slides, sticker="Draft for discussion")
    assert "Sticker" not in named(prs.slides[0]) and "Sticker" not in named(prs.slides[1])
    texts = [named(s)["Sticker"].text_frame.text for s in list(prs.slides)[2:]]
    assert texts == ["Draft for discussion", "Preliminary"]
    for slide in list(prs.slides)[2:]:
        shapes = named(slide)
        sticker = box_of(shapes["Sticker"])
        assert 0 <= sticker.left and sticker.right <= design.slide_width and sticker.top >= 0
        assert not meets(sticker, title_box(slide))
        assert not meets(sticker, box_of(shapes["Tracker"]))
        tracker = design.frames.tracker
        assert sticker.right == tracker.right and sticker.bottom == tracker.bottom
        assert shapes["Sticker"].line.fill.type is not None  # outlined


@pytest.fixture
def dark_design(settings, tmp_path):
    """The dark template learned as in production: its layouts looked at (the free area)."""
    use_local_files(settings, tmp_path / "data")
    settings.PREVIEWS_ENABLED = settings.LEARN_LAYOUT_PICTURES = True
    return design_for_asset(learn.learn_design(path=DARK))


@pytest.mark.django_db
def test_a_sticker_reads_on_a_dark_template_as_rendered(tmp_path, dark_design):
    assert contrast_ratio(dark_design.palette.background, "000000") < 4.5  # a dark slide
    prs, out = render(tmp_path, [chart_slide("The market grows"), AGENDA,
                                 {"kind": "section", "title": "Market outlook", "number": "01"}],
                      design=dark_design, sticker="Draft for discussion")
    sticker = box_of(named(prs.slides[0])["Sticker"])
    free = dark_design.free_area
    assert free is not None
    assert free.left <= sticker.left and sticker.right <= free.right
    assert not meets(sticker, title_box(prs.slides[0]))
    pictures = render_thumbnails(out, tmp_path / "pictures")
    issues = lint_pictures(out, pictures)
    assert not [i for i in issues if i.shape in ("Sticker", "Tracker")
                or i.shape.startswith("Section Agenda")], issues
