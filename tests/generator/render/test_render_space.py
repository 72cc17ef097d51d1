"""Text-led slides use their body: text grows to the design's largest body size, points
spread down the body with one rhythm, short content is centred, nothing overflows.

Decks are rendered, re-opened with python-pptx and measured with the same font metrics
the fit used; one test measures the text on LibreOffice's pictures.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest
from PIL import Image
from pptx import Presentation
from pptx.oxml.ns import qn

from generator.design import default_design
from generator.render.canvas import SUB_BULLET_MARGIN
from generator.render import render_to_file
from generator.render.text import (SPREAD_LIST_SHARE, EMU_PER_PT, Frame, Paragraph,
                                   measure_block, spread_blocks)
from generator.spec import load_spec

DESIGN = default_design()
BODY = DESIGN.frames.body
SIZES = DESIGN.type
LATIN, EA = DESIGN.fonts.latin_minor, DESIGN.fonts.ea_minor


def render(tmp_path, slides, name="deck.pptx", design=None):
    out = tmp_path / name
    render_to_file(load_spec({"title": "Space", "slides": slides}), out, design)
    return Presentation(str(out)), out


def shapes(slide) -> dict:
    return {shape.name: shape for shape in slide.shapes}


def read_block(shape) -> tuple[list[Paragraph], float]:
    """The paragraphs of a drawn text box as the fit saw them, and its size in points."""
    top_size = None
    paragraphs = []
    for paragraph in shape.text_frame.paragraphs:
        size = paragraph.runs[0].font.size.pt
        top_size = top_size or size
        ppr = paragraph._p.find(qn("a:pPr"))
        indent = int(ppr.get("marL", 0)) if ppr is not None else 0
        before = paragraph.space_before.pt if paragraph.space_before is not None else 0.0
        paragraphs.append(Paragraph(paragraph.text, level=level_of(paragraph),
                                    bold=bool(paragraph.runs[0].font.bold),
                                    size_scale=size / top_size, indent=indent,
                                    space_before_em=before / top_size))
    return paragraphs, top_size


def level_of(paragraph) -> int:
    """A bullet's level as drawn: sub-points sit at the sub-bullet margin."""
    ppr = paragraph._p.find(qn("a:pPr"))
    return int(ppr is not None and int(ppr.get("marL", 0)) >= SUB_BULLET_MARGIN)


def block_height(shape) -> tuple[int, float]:
    """(the height in EMU the text takes, its size): measured as the fit measures."""
    paragraphs, size = read_block(shape)
    frame = Frame(shape.width - shape.text_frame.margin_left - shape.text_frame.margin_right,
                  shape.height - shape.text_frame.margin_top - shape.text_frame.margin_bottom)
    return measure_block(paragraphs, frame, size, LATIN, EA).height, size


def anchor(shape) -> str | None:
    return shape.text_frame._txBody.find(qn("a:bodyPr")).get("anchor")


THREE = ["It is the fastest route to scale", "It puts the least capital at risk",
         "It keeps the option to buy the partner out later"]


# -- the spreading itself ------------------------------------------------------------------
def test_spreading_widens_only_the_gaps_between_top_level_points():
    points = [Paragraph("First point", bullet=True),
              Paragraph("its detail", level=1, size_scale=0.9, space_before_em=0.15),
              Paragraph("Second point", bullet=True, space_before_em=0.45),
              Paragraph("Third point", bullet=True, space_before_em=0.45),
              Paragraph("Fourth point", bullet=True, space_before_em=0.45)]
    frame = Frame(int(BODY.width), int(BODY.height))
    [laid] = spread_blocks([(points, frame)], 20, latin=LATIN, ea=EA, max_gap_em=10)
    gaps = [p.space_before_em for p in laid.paragraphs]
    assert gaps[1] == 0.15  # the sub-point stays with its point
    assert gaps[2] == gaps[3] == gaps[4] > 2.5  # one rhythm between top-level points
    assert 0.95 * frame.height <= laid.result.height <= frame.height and not laid.short
    [capped] = spread_blocks([(points, frame)], 20, latin=LATIN, ea=EA, max_gap_em=2.5)
    assert capped.gap_em == 2.5 and capped.short  # four short points: centred, not scattered
    assert SPREAD_LIST_SHARE * frame.height <= capped.result.height < laid.result.height


def test_two_short_points_stop_at_the_cap_and_report_it():
    points = [Paragraph("One", bullet=True), Paragraph("Two", bullet=True, space_before_em=0.45)]
    frame = Frame(int(BODY.width), int(BODY.height))
    [laid] = spread_blocks([(points, frame)], 20, latin=LATIN, ea=EA, max_gap_em=2.5)
    assert laid.gap_em == 2.5 and laid.short
    assert laid.result.height < 0.5 * frame.height


def test_a_list_of_three_spans_its_share_past_the_cap():
    points = [Paragraph(text, bullet=True, space_before_em=0.45 if i else 0.0)
              for i, text in enumerate(["One", "Two", "Three"])]
    frame = Frame(int(BODY.width), int(BODY.height))
    [laid] = spread_blocks([(points, frame)], 20, latin=LATIN, ea=EA, max_gap_em=1.0)
    assert laid.result.height == pytest.approx(SPREAD_LIST_SHARE * frame.height, rel=0.01)


# -- message slides ----------------------------------------------------------------------
def test_three_bullets_grow_past_the_body_size_and_span_the_body(tmp_path):
    prs, _ = render(tmp_path, [{"kind": "message", "title": "We should enter via a partner",
                                "points": THREE}])
    body = shapes(prs.slides[0])["Body"]
    assert (body.left, body.top, body.width, body.height) == tuple(BODY.to_json())
    height, size = block_height(body)
    assert SIZES.body < size <= SIZES.body_max
    inner = body.height - body.text_frame.margin_top - body.text_frame.margin_bottom
    assert 0.6 * BODY.height <= height <= inner
    assert anchor(body) == "ctr"  # whatever the renderer rounds is shared above and below


def test_one_short_point_is_centred_not_pinned(tmp_path):
    prs, _ = render(tmp_path, [{"kind": "message", "title": "One thing", "points": ["Only this"]}])
    body = shapes(prs.slides[0])["Body"]
    height, size = block_height(body)
    assert size == SIZES.body_max and height < 0.3 * body.height
    assert anchor(body) == "ctr"


def test_six_long_bullets_still_fit_at_no_less_than_the_minimum(tmp_path):
    long = ("The partner brings a dealer network in every region, a service organisation that "
            "already handles electric models, a brand customers trust with batteries, and a "
            "supply contract for cells that runs to 2032 at prices below today's spot market")
    prs, _ = render(tmp_path, [{"kind": "message", "title": "Six reasons",
                                "points": [f"{i + 1}. {long}" for i in range(6)]}])
    assert len(prs.slides) == 1
    body = shapes(prs.slides[0])["Body"]
    height, size = block_height(body)
    assert SIZES.body_min <= size < SIZES.body_max
    assert height <= body.height - body.text_frame.margin_top - body.text_frame.margin_bottom


def test_a_callout_is_the_takeaway_band_and_the_points_end_above_it(tmp_path):
    prs, _ = render(tmp_path, [{"kind": "message", "title": "We should enter via a partner",
                                "points": [THREE[0], {"text": THREE[1], "sub": ["JPY 40bn less"]},
                                           THREE[2]],
                                "callout": "Decide on the shortlist this quarter"}])
    named = shapes(prs.slides[0])
    body, callout = named["Body"], named["Callout"]
    assert callout.top + callout.height == BODY.bottom  # the band at the foot of the body
    assert body.top == BODY.top and body.top + body.height < callout.top
    height, size = block_height(body)
    assert size > SIZES.body
    assert height >= 0.6 * (callout.top - BODY.top)
    subs = [p for p in body.text_frame.paragraphs if level_of(p) == 1]
    tops = [p for p in body.text_frame.paragraphs if level_of(p) == 0][1:]
    assert subs[0].space_before.pt < 0.2 * tops[0].space_before.pt  # sub stays with its point


def test_a_long_japanese_slide_still_fits(tmp_path):
    point = "提携先の販売網とサービス拠点を活用することで、単独参入と比べて二年早く全国展開できる"
    prs, _ = render(tmp_path, [{"kind": "message", "title": "提携が最速の道である",
                                "points": [{"text": point, "sub": [point]}] * 3 + [point] * 3}])
    for slide in prs.slides:
        body = shapes(slide)["Body"]
        height, size = block_height(body)
        assert size >= SIZES.body_min
        assert height <= body.height - body.text_frame.margin_top - body.text_frame.margin_bottom


# -- two columns, KPI, quote --------------------------------------------------------------
def test_two_columns_share_one_size_one_rhythm_and_one_top_line(tmp_path):
    prs, _ = render(tmp_path, [{"kind": "two_column", "title": "Partnering beats going alone",
                                "left": {"heading": "Go alone",
                                         "points": ["NPV JPY 12bn", "Payback in 7 years",
                                                    "All the risk is ours"]},
                                "right": {"heading": "Partner",
                                          "points": ["NPV JPY 21bn", "Payback in 5 years"]}}])
    named = shapes(prs.slides[0])
    left, right = named["Left Body"], named["Right Body"]
    left_paragraphs, left_size = read_block(left)
    right_paragraphs, right_size = read_block(right)
    assert left_size == right_size > SIZES.body
    assert left.top == right.top and named["Left Heading"].top == named["Right Heading"].top
    assert left_paragraphs[1].space_before_em == right_paragraphs[1].space_before_em > 1.0
    height, _ = block_height(left)
    assert height >= 0.6 * (BODY.bottom - left.top)
    rules = [shape for name, shape in named.items() if name.startswith("Left Rule")]
    assert len(rules) == 2  # wide gaps between points are ruled, as the rows of a comparison
    assert all(left.top < rule.top < left.top + left.height for rule in rules)


def test_kpi_numbers_share_a_larger_size_centred_in_the_body(tmp_path):
    prs, _ = render(tmp_path, [{"kind": "kpi", "title": "The plan beats every target",
                                "metrics": [{"value": "JPY 3.2tn", "label": "Market in 2030"},
                                            {"value": "5 years", "label": "Payback"}]}])
    named = shapes(prs.slides[0])
    sizes = {named[f"KPI Value {n}"].text_frame.paragraphs[0].runs[0].font.size.pt
             for n in (1, 2)}
    assert len(sizes) == 1 and sizes.pop() > SIZES.kpi_value
    bar = named["KPI Bar 1"]
    above, below = bar.top - BODY.top, BODY.bottom - (bar.top + bar.height)
    assert abs(above - below) <= EMU_PER_PT * 2


def test_a_quote_is_set_large_and_centred(tmp_path):
    prs, _ = render(tmp_path, [{"kind": "quote", "title": "Customers value range",
                                "quote": "Once the range passes 400 km, the price gap stops "
                                         "mattering.", "attribution": "Dealer owner"}])
    named = shapes(prs.slides[0])
    quote, bar = named["Quote"], named["Quote Bar"]
    assert quote.text_frame.paragraphs[0].runs[0].font.size.pt > 26
    above, below = bar.top - BODY.top, BODY.bottom - (bar.top + bar.height)
    assert abs(above - below) <= EMU_PER_PT * 2
    assert bar.top <= quote.top and quote.top + quote.height <= named["Attribution"].top + 1


# -- what LibreOffice draws ------------------------------------------------------------------
def ink_rows(picture: Image.Image, box, scale: float, background=(255, 255, 255)) -> list[int]:
    """Rows of the picture, inside `box` (EMU), holding anything but the background."""
    left, top = int(box[0] * scale), int(box[1] * scale)
    right, bottom = int((box[0] + box[2]) * scale), int((box[1] + box[3]) * scale)
    crop = picture.convert("RGB").crop((left, top, right, bottom))
    pixels = crop.load()
    rows = []
    for y in range(crop.height):
        if any(sum(abs(a - b) for a, b in zip(pixels[x, y], background)) > 120
               for x in range(0, crop.width, 2)):
            rows.append(top + y)
    return rows


@pytest.mark.skipif(not shutil.which("soffice") or not shutil.which("pdftoppm"),
                    reason="LibreOffice draws the pictures (bin/setup installs it)")
def test_on_the_picture_three_points_span_the_body_and_stay_above_the_band(tmp_path):
    prs, out = render(tmp_path, [
        {"kind": "message", "title": "Appendix detail", "points": THREE},
        {"kind": "message", "title": "With a callout", "points": THREE,
         "callout": "Decide on the shortlist this quarter"},
        {"kind": "message", "title": "三つの理由", "points": [
            "規模を確保する最短の道である", "リスクにさらす投下資本が最も小さい",
            "将来、提携先を買収する選択肢を残せる"]},
    ])
    subprocess.run([shutil.which("soffice"), f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(out)],
                   check=True, capture_output=True, timeout=180)
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(tmp_path / "deck.pdf"),
                    str(tmp_path / "page")], check=True, timeout=120)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == 3
    for page, slide in zip(pages, prs.slides):
        picture = Image.open(page)
        scale = picture.width / prs.slide_width
        named = shapes(slide)
        band_top = named["Callout"].top if "Callout" in named else BODY.bottom
        area = (BODY.left, BODY.top, BODY.width, band_top - BODY.top)
        rows = ink_rows(picture, area, scale)
        span = (rows[-1] - rows[0]) / (area[3] * scale)
        assert span >= 0.6, (page.name, span)
        assert rows[-1] < int(band_top * scale) - 2  # no text runs into the band
        assert rows[0] > int(BODY.top * scale) + 2  # nor above the body: centred, inside
