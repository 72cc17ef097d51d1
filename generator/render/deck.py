"""Walks a DeckSpec, draws each slide with its kind's builder, adds the furniture.

Furniture on every content slide: tracker label (the slide's own, else the
appendix's or the current section's title, as consulting decks do), a sticker
("Draft for discussion") at the tracker's height on the right, action title (in
the layout's title placeholder, so outlines and screen readers see it), source
and footnote lines, page number (a slidenum field) and speaker notes.  When a
body does not fit at the minimum size, the slide is removed and its content
split over a continuation slide; content that cannot be split raises
`FitError` naming the slide and field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from pptx.enum.shapes import MSO_SHAPE, PP_PLACEHOLDER
from pptx.enum.text import PP_ALIGN
from pptx.util import Inches

from generator import colours
from generator.design import Box, Design
from generator.errors import FitError
from generator.fonts import measurer
from generator.spec import DeckSpec
from generator.render import xml
from generator.render.canvas import Canvas, Overflow
from generator.render.registry import KINDS
from generator.render.text import Paragraph
from generator.render.words import NOTE_PREFIXES, SOURCE_PREFIXES, with_prefix, word

ProgressCallback = Callable[[int, int], None]
MAX_CONTINUATIONS = 20
STICKER_GAP = int(Inches(0.15))  # between the tracker's text and the sticker
STICKER_PAD = int(Inches(0.1))  # inside the sticker's outline, left and right


@dataclass
class SlideContext:
    """What a builder gets: where to draw, in which design and language, and for which deck."""

    canvas: Canvas
    design: Design
    deck: DeckSpec
    body: Box
    number: int
    base_dir: Path | None
    slide: Any = None  # the pptx slide
    # The pieces of the same slide drawn before this one: a continuation numbers on.
    earlier: tuple = ()
    # 1-based order of this slide among the deck's section slides (0: not a section).
    section_order: int = 0

    @property
    def lang(self) -> str:
        return self.canvas.lang

    def word(self, key: str) -> str:
        return word(key, self.lang)


@dataclass
class DeckState:
    prs: Any
    design: Design
    deck: DeckSpec
    base_dir: Path | None
    lang: str
    in_appendix: bool = False
    appendix_label: str = ""
    sections: int = 0  # section slides met so far
    section_title: str = ""  # the current section's title: the tracker of its slides
    layouts: dict[str, Any] = field(default_factory=dict)


def render_slides(state: DeckState, progress: ProgressCallback | None = None) -> None:
    """Draw every slide of `state.deck` into `state.prs`."""
    total = len(state.deck.slides)
    for index, slide_spec in enumerate(state.deck.slides):
        if slide_spec.kind == "appendix":
            state.in_appendix = True
            state.appendix_label = appendix_title(slide_spec.title, state.lang)
        elif slide_spec.kind == "section":
            state.sections += 1
            state.section_title = slide_spec.title
        _render_with_continuations(state, index, slide_spec)
        if progress:
            progress(index + 1, total)


def appendix_title(title: str, lang: str) -> str:
    """The appendix divider's title: the default English word becomes the deck language's."""
    return word("appendix", lang) if title == "Appendix" else title


def _render_with_continuations(state: DeckState, index: int, slide_spec) -> None:
    kind = KINDS[slide_spec.kind]
    pending = [slide_spec]
    drawn: list = []
    while pending:
        piece = pending.pop(0)
        slide = _add_slide(state, piece.kind)
        try:
            _draw(state, slide, index, piece, earlier=tuple(drawn))
        except Overflow as overflow:
            xml.delete_slide(state.prs, slide)
            halves = kind.split(piece, overflow) if kind.split else None
            if halves is None or len(drawn) >= MAX_CONTINUATIONS:
                raise FitError(str(overflow), overflow.problems) from None
            pending[:0] = list(halves)
            continue
        drawn.append(piece)


def _place(index: int, slide_spec) -> str:
    return f"slide {index + 1} ({slide_spec.kind})"


def _add_slide(state: DeckState, kind: str):
    layout = state.layouts.get(kind)
    if layout is None:
        layout = _find_layout(state.prs, state.design.layout_name(kind))
        state.layouts[kind] = layout
    return state.prs.slides.add_slide(layout)


def _find_layout(prs, name: str | None):
    layouts = list(prs.slide_layouts)
    for layout in layouts:
        if layout.name == name:
            return layout
    for layout in layouts:  # any layout with a title and nothing else to fill
        types = {ph.placeholder_format.type for ph in layout.placeholders}
        if PP_PLACEHOLDER.TITLE in types and PP_PLACEHOLDER.BODY not in types:
            return layout
    return layouts[-1]


def _draw(state: DeckState, slide, index: int, piece, *, earlier: tuple) -> None:
    design = state.design
    canvas = Canvas(slide=slide, design=design, lang=state.lang, place=_place(index, piece))
    number = len(state.prs.slides)
    ctx = SlideContext(canvas=canvas, design=design, deck=state.deck, body=design.frames.body,
                       number=number, base_dir=state.base_dir, slide=slide, earlier=earlier,
                       section_order=state.sections if piece.kind == "section" else 0)
    kind = KINDS[piece.kind]
    if kind.furniture:
        _draw_furniture(state, ctx, piece, bool(earlier))
    kind.build(ctx, piece)
    if piece.notes:
        notes = slide.notes_slide
        if notes.notes_text_frame is None:  # the template's notes master has no body
            xml.add_notes_body(notes)
        notes.notes_text_frame.text = piece.notes
    _remove_empty_placeholders(slide)


def _draw_furniture(state: DeckState, ctx: SlideContext, piece, continued: bool) -> None:
    design, canvas = ctx.design, ctx.canvas
    frames, sizes, palette = design.frames, design.type, design.palette
    tracker = piece.tracker or (state.appendix_label if state.in_appendix
                                else state.section_title)
    tracker_box = frames.tracker
    sticker = getattr(piece, "sticker", "") or state.deck.sticker
    if sticker:
        tracker_box = draw_sticker(ctx, sticker) or tracker_box
    from_section = not piece.tracker and not state.in_appendix
    if tracker and not (from_section and tracker_box.overlaps(frames.title)):
        _draw_tracker(ctx, tracker_box, tracker, own=bool(piece.tracker))
    title = piece.title + (ctx.word("continued") if continued else "")
    draw_title(ctx, title, field="title")
    if frames.title_rule_y is not None:
        canvas.line(frames.title.left, frames.title_rule_y, frames.title.right,
                    frames.title_rule_y, color=palette.rule, width=0.75, name="Title Rule")
    _draw_source(ctx, piece)
    draw_page_number(ctx)


def _draw_tracker(ctx: SlideContext, box: Box, tracker: str, *, own: bool) -> None:
    """The tracker label; one taken from the section or the appendix is shortened with an
    ellipsis rather than fail the slide (the author never wrote it on this slide)."""
    design = ctx.design
    options = dict(field="tracker", size=design.type.tracker, color=design.palette.tracker,
                   name="Tracker", anchor="b", max_lines=1)
    if own:
        ctx.canvas.text(box, tracker, **options)
        return
    words = tracker
    while True:
        try:
            ctx.canvas.text(box, words, **options)
            return
        except Overflow:
            if len(words) <= 2:
                return
            words = words[:max(int(len(words) * 0.8), 1)].rstrip() + "…"


def draw_sticker(ctx: SlideContext, text: str) -> Box | None:
    """A small outlined label ("Draft for discussion") top right: at the right end of the
    tracker's row, or, where that row is the template's graphics (a band, a logo) or runs
    into the title, at the top right of the body, which then starts below it.

    Returns what the tracker keeps of its row (None: the whole row).
    """
    design = ctx.design
    box, in_row = sticker_place(design, ctx.body, text)
    color = sticker_color(design, in_row)
    ctx.canvas.text(box, text, field="sticker", size=design.type.tracker, color=color,
                    bold=True, align="ctr", anchor="ctr", line=color, max_lines=1,
                    shape_type=MSO_SHAPE.ROUNDED_RECTANGLE, inset=(STICKER_PAD, 0),
                    name="Sticker")
    tracker = design.frames.tracker
    if not in_row:
        _, ctx.body = ctx.body.take_top(box.height, STICKER_GAP)
        return None
    return Box(tracker.left, tracker.top, max(box.left - STICKER_GAP - tracker.left, 0),
               tracker.height)


def sticker_place(design: Design, body: Box, text: str) -> tuple[Box, bool]:
    """(the sticker's box, whether it sits in the tracker's row)."""
    tracker = design.frames.tracker
    measure = measurer(design.fonts.latin_minor, design.fonts.ea_minor, True)
    words = measure.width_em(text) * design.type.tracker * 12700 / 0.96
    width = min(int(words) + 2 * STICKER_PAD + int(Inches(0.1)), body.width // 2)
    height = int(Inches(0.3))
    row = Box(tracker.right - width, tracker.bottom - height, width, height)
    if _clear_of_template(design, row) and not row.overlaps(design.frames.title):
        return row, True
    return Box(body.right - width, body.top, width, height), False


def _clear_of_template(design: Design, box: Box) -> bool:
    """Inside the template's free area (anywhere on the built-in design)."""
    area = design.free_area or design.slide_box
    return (box.left >= area.left and box.top >= area.top and box.right <= area.right
            and box.bottom <= area.bottom)


def sticker_color(design: Design, in_tracker_row: bool) -> str:
    """The highlight colour, made to read on the slide; in a tracker's row that is not the
    slide's background (a template's band), the tracker's colour, chosen for what is there."""
    palette = design.palette
    if in_tracker_row and colours.contrast_ratio(palette.tracker, palette.background) \
            < colours.WCAG_BODY:
        return palette.tracker
    return palette.highlight_ink


def draw_title(ctx: SlideContext, title: str, *, field: str) -> None:
    """The action title, in the title placeholder when the layout has one."""
    design, canvas = ctx.design, ctx.canvas
    sizes = design.type
    placeholder = _title_placeholder(ctx.slide)
    paragraphs = [Paragraph(title, bold=True)]
    if placeholder is None:
        canvas.text(design.frames.title, paragraphs, field=field, size=sizes.title,
                    min_size=sizes.title_min, color=design.palette.title, heading=True,
                    max_lines=sizes.title_max_lines, name="Title", anchor="t")
        return
    box = design.frames.title
    if design.template_path is not None:  # the learned frame (a tiny placeholder grows)
        placeholder.left, placeholder.top, placeholder.width, placeholder.height = box.to_json()
    else:
        box = Box(placeholder.left, placeholder.top, placeholder.width, placeholder.height)
    result = canvas.fit(box, paragraphs, field=field, size=sizes.title, min_size=sizes.title_min,
                        heading=True, max_lines=sizes.title_max_lines)
    canvas.write(placeholder.text_frame, paragraphs, result, color=design.palette.title,
                 align="l", anchor="t", heading=True)


def _title_placeholder(slide):
    for shape in slide.placeholders:
        if shape.placeholder_format.type in (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE):
            return shape
    return None


def _draw_source(ctx: SlideContext, piece) -> None:
    paragraphs = []
    if piece.footnote:
        paragraphs.append(Paragraph(with_prefix(piece.footnote, "note", ctx.lang, NOTE_PREFIXES)))
    if piece.source:
        paragraphs.append(
            Paragraph(with_prefix(piece.source, "source", ctx.lang, SOURCE_PREFIXES))
        )
    if not paragraphs:
        return
    design = ctx.design
    ctx.canvas.text(design.frames.source, paragraphs, field="source", size=design.type.small,
                    color=design.palette.muted, name="Source", anchor="b")


def draw_page_number(ctx: SlideContext, color: str | None = None) -> None:
    """The page number bottom right, as a field PowerPoint keeps up to date (not when
    the template's layout shows the number itself)."""
    design = ctx.design
    if design.template_numbers_pages:
        return
    box = design.frames.page_number
    shape = ctx.slide.shapes.add_textbox(*box.to_json())
    shape.name = "Page Number"
    frame = shape.text_frame
    frame.word_wrap = False
    paragraph = frame.paragraphs[0]
    paragraph.alignment = PP_ALIGN.RIGHT
    run = xml.add_slide_number_field(paragraph, ctx.number)
    ctx.canvas.style_run(run, size=design.type.small, bold=False,
                         color=color or design.palette.muted)


def _remove_empty_placeholders(slide) -> None:
    """Placeholders left empty would show 'Click to add text' in PowerPoint: drop them."""
    for shape in list(slide.placeholders):
        if shape.has_text_frame and not shape.text_frame.text.strip():
            xml.remove_shape(shape)
