"""Structural slide kinds: cover, section and appendix dividers, agenda.

On a learned template these use the template's own layouts and placeholders, as
designed; the built-in design draws them in code.
"""

from __future__ import annotations

from dataclasses import dataclass

from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.util import Inches

from generator import colours
from generator.design import Box
from generator.render.canvas import INSET_X, Overflow
from generator.render import xml
from generator.render.deck import SlideContext, appendix_title, draw_page_number
from generator.render.registry import register
from generator.render.text import Paragraph


# -- structural slides ------------------------------------------------------------------
@register("cover", furniture=False)
def build_cover(ctx: SlideContext, slide) -> None:
    """Title band in the dark theme colour; subtitle, author and date beneath.

    On a learned template the template's own title slide is used as designed.
    """
    if ctx.design.template_path is not None:
        _cover_on_template(ctx, slide)
        return
    design, canvas = ctx.design, ctx.canvas
    width, height = design.slide_width, design.slide_height
    margin = design.frames.title.left
    band = Box(0, 0, width, int(height * 0.62))
    canvas.rect(band, fill=design.palette.dk2, name="Cover Band", behind=True)
    title_box = Box(margin, int(band.height * 0.35), width - 2 * margin, int(band.height * 0.58))
    _title_into_placeholder(ctx, title_box, slide.title, size=design.type.cover_title,
                            min_size=design.type.cover_title_min, color=design.palette.lt1,
                            anchor="b", max_lines=3)
    below = Box(margin, band.bottom + int(Inches(0.35)), width - 2 * margin, int(Inches(0.9)))
    if slide.subtitle:
        canvas.text(below, slide.subtitle, field="subtitle", size=20, min_size=14,
                    color=design.palette.dk2, name="Subtitle")
    byline = "　".join(part for part in (slide.author, slide.date) if part)
    if byline:
        line_box = Box(margin, height - int(Inches(1.1)), width - 2 * margin, int(Inches(0.5)))
        canvas.text(line_box, byline, field="author", size=14, min_size=10,
                    color=design.palette.muted, name="Byline")


def _placeholders(ctx: SlideContext):
    """(title placeholder, first other text placeholder) of the slide, either may be None."""
    title = other = None
    for ph in ctx.slide.placeholders:
        kind = ph.placeholder_format.type
        if kind in (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE) and title is None:
            title = ph
        elif other is None and ph.has_text_frame and kind in (
                PP_PLACEHOLDER.SUBTITLE, PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT):
            other = ph
    return title, other


def _fill_placeholder(ctx: SlideContext, placeholder, paragraphs, *, field: str, size: float,
                      min_size: float, max_lines: int | None = None,
                      heading: bool = False, fallback: Box | None = None) -> bool:
    """Fit text into a template placeholder where the template put it, in a colour that
    reads on what the template shows there (its own where it does).

    A placeholder too small for the text is dropped and the text goes to `fallback`
    (the built-in geometry inside the free area); False when there is none.
    """
    design = ctx.design
    box = Box(placeholder.left, placeholder.top, placeholder.width, placeholder.height)
    color = design.placeholder_color(ctx.slide.slide_layout.name,
                                     placeholder.placeholder_format.idx)
    try:
        result = ctx.canvas.fit(box, paragraphs, field=field, size=size, min_size=min_size,
                                heading=heading, max_lines=max_lines)
    except Overflow:
        if fallback is None:
            raise
        xml.remove_shape(placeholder)
        ctx.canvas.text(fallback, paragraphs, field=field, size=size, min_size=min_size,
                        heading=heading, max_lines=max_lines,
                        color=_on_layout(ctx, "heading" if heading else "text"),
                        name="Title" if heading else "Subtitle")
        return False
    ctx.canvas.write(placeholder.text_frame, paragraphs, result, color=color, align=None,
                     anchor="ctr" if heading else "t", heading=heading)
    return True


def _on_layout(ctx: SlideContext, role: str) -> str:
    """A colour for text drawn on the slide's layout itself ("heading" or "text")."""
    palette = ctx.design.palette
    learned = ctx.design.placeholder_color(ctx.slide.slide_layout.name, role)
    return learned or (palette.heading if role == "heading" else palette.text)


def _fallback_boxes(ctx: SlideContext) -> tuple[Box, Box]:
    """(title, subtitle) boxes of the built-in cover geometry, inside the free area."""
    design = ctx.design
    area = design.free_area or design.slide_box
    margin = int(Inches(0.5))
    inner = Box(area.left + margin, area.top + margin, area.width - 2 * margin,
                area.height - 2 * margin)
    title, rest = inner.take_top(int(inner.height * 0.55), int(Inches(0.2)))
    subtitle, _ = rest.take_top(min(rest.height, int(Inches(1.2))))
    return title, subtitle


def _cover_on_template(ctx: SlideContext, slide) -> None:
    design = ctx.design
    title, other = _placeholders(ctx)
    title_box, subtitle_box = _fallback_boxes(ctx)
    paragraphs = [Paragraph(slide.title, bold=True)]
    if title is not None:
        _fill_placeholder(ctx, title, paragraphs, field="title", size=design.type.cover_title,
                          min_size=design.type.cover_title_min, max_lines=3, heading=True,
                          fallback=title_box)
    else:
        ctx.canvas.text(title_box, paragraphs, field="title", size=design.type.cover_title,
                        min_size=design.type.title_min, heading=True, max_lines=3,
                        color=_on_layout(ctx, "heading"), name="Title", anchor="b")
    lines = [text for text in (slide.subtitle, "　".join(
        part for part in (slide.author, slide.date) if part)) if text]
    if other is not None and lines:
        _fill_placeholder(ctx, other, [Paragraph(text) for text in lines], field="subtitle",
                          size=20, min_size=12, fallback=subtitle_box)
    elif lines:
        ctx.canvas.text(subtitle_box, [Paragraph(text) for text in lines], field="subtitle",
                        size=18, min_size=12, color=_on_layout(ctx, "text"), name="Subtitle")


def _title_into_placeholder(ctx: SlideContext, box: Box, title: str, *, size: float,
                            min_size: float, color: str, anchor: str, max_lines: int) -> None:
    """Fit a title into the layout's title placeholder moved to `box` (or a text box)."""
    canvas = ctx.canvas
    paragraphs = [Paragraph(title, bold=True)]
    placeholder = next(
        (ph for ph in ctx.slide.placeholders
         if ph.placeholder_format.type in (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE)),
        None,
    )
    if placeholder is None:
        canvas.text(box, paragraphs, field="title", size=size, min_size=min_size, color=color,
                    heading=True, anchor=anchor, max_lines=max_lines, name="Title")
        return
    placeholder.left, placeholder.top, placeholder.width, placeholder.height = box.to_json()
    result = canvas.fit(box, paragraphs, field="title", size=size, min_size=min_size,
                        heading=True, max_lines=max_lines)
    canvas.write(placeholder.text_frame, paragraphs, result, color=color, align="l",
                 anchor=anchor, heading=True)


@register("section", furniture=False)
def build_section(ctx: SlideContext, slide) -> None:
    _divider(ctx, slide.title, slide.subtitle, slide.number,
             tracker=_agenda_tracker(ctx, slide.number))


@register("appendix", furniture=False)
def build_appendix(ctx: SlideContext, slide) -> None:
    _divider(ctx, appendix_title(slide.title, ctx.lang), slide.subtitle, "")


# -- the agenda as a tracker: the section slides repeat it ----------------------------------
@dataclass(frozen=True)
class _AgendaTracker:
    """The deck's agenda items and the 1-based one this section is (None: none marked)."""

    items: list[str]
    current: int | None


@dataclass(frozen=True)
class _ListStyle:
    """Colours and sizes of an agenda list: `dim` for the items that are not current when
    one is; `on` the colour behind the list when it is not the slide's background."""

    text: str
    dim: str
    number: str
    marker: str
    size: float
    min_size: float
    rule: str | None = None
    on: str | None = None
    prefix: str = "Agenda"  # shape names: "<prefix> Item 1", "<prefix> Number 1"
    marker_name: str = "Current Marker"


def _agenda_tracker(ctx: SlideContext, number: str) -> _AgendaTracker | None:
    """The first agenda slide's items, with this section's place among them: its number
    when that is an item's, else its order among the section slides."""
    agenda = next((s for s in ctx.deck.slides if s.kind == "agenda"), None)
    if agenda is None:
        return None
    items = list(agenda.items)
    digits = number.strip().rstrip(".")
    position = int(digits) if digits.isdigit() else ctx.section_order
    return _AgendaTracker(items, position if 1 <= position <= len(items) else None)


def _dimmed(color: str, background: str) -> str:
    """`color` moved towards `background` as far as it still reads at 4.5:1 on it."""
    for share in (0.45, 0.35, 0.25, 0.15):
        mixed = colours.mix(color, background, share)
        if colours.contrast_ratio(mixed, background) >= colours.WCAG_BODY:
            return mixed
    return color


def _draw_agenda_list(ctx: SlideContext, box: Box, items: list[str], current: int | None,
                      style: _ListStyle, *, max_row: int) -> None:
    """Numbered rows spread over `box` (each at most `max_row` tall, the group centred),
    the current item bold with a marker bar beside it, the others dimmed.

    Raises `Overflow` when an item does not fit its row even at the smallest size.
    """
    canvas = ctx.canvas
    row_height = min(max_row, box.height // len(items))
    top = box.top + (box.height - row_height * len(items)) // 2
    number_width, gap = _number_width(style), LIST_GAP
    rows = [Box(box.left, top + i * row_height, box.width, row_height) for i in range(len(items))]
    size = _common_size(ctx, items, rows[0].width - number_width - gap, row_height, style)
    for index, (item, row) in enumerate(zip(items, rows)):
        is_current = current == index + 1
        dim = current is not None and not is_current
        number_box, item_box = row.take_left(number_width, gap)
        canvas.text(number_box, f"{index + 1:02d}", field=f"items[{index}]", size=size,
                    bold=True, color=style.dim if dim else style.number, anchor="ctr",
                    on=style.on, name=f"{style.prefix} Number {index + 1}")
        if is_current:
            bar = int(Inches(0.05))
            canvas.rect(Box(item_box.left - gap // 2 - bar // 2, row.top + row_height // 6, bar,
                            row_height * 2 // 3), fill=style.marker, name=style.marker_name)
        canvas.text(item_box, item, field=f"items[{index}]", size=size, min_size=size,
                    bold=is_current, color=style.dim if dim else style.text, anchor="ctr",
                    on=style.on, name=f"{style.prefix} Item {index + 1}")
        if index and style.rule:
            canvas.line(row.left, row.top, row.right, row.top, color=style.rule, width=0.75,
                        name=f"{style.prefix} Rule {index}")


LIST_GAP = int(Inches(0.15))


def _number_width(style: _ListStyle) -> int:
    return int(style.size * 2.4 * 12700) + 2 * INSET_X


def _list_fits(ctx: SlideContext, box: Box, items: list[str], style: _ListStyle,
               max_row: int) -> bool:
    """Whether every item fits its row of `box` at the list's smallest size."""
    row_height = min(max_row, box.height // len(items))
    try:
        _common_size(ctx, items, box.width - _number_width(style) - LIST_GAP, row_height,
                     style)
    except Overflow:
        return False
    return True


def _common_size(ctx: SlideContext, items: list[str], width: int, height: int,
                 style: _ListStyle) -> float:
    """The largest size every item fits its row at (bold: the current one may be)."""
    size = style.size
    for index, item in enumerate(items):
        result = ctx.canvas.fit(Box(0, 0, width, height), [Paragraph(item, bold=True)],
                                field=f"items[{index}]", size=size, min_size=style.min_size)
        size = min(size, result.size_pt)
    return size


def _divider(ctx: SlideContext, title: str, subtitle: str, number: str,
             tracker: _AgendaTracker | None = None) -> None:
    """A full-bleed divider in the dark theme colour with the section title, and the deck's
    agenda on the right with this section marked.

    On a learned template, the template's section layout as designed.
    """
    if ctx.design.template_path is not None:
        _divider_on_template(ctx, title, subtitle, number, tracker)
        return
    design, canvas = ctx.design, ctx.canvas
    palette = design.palette
    width, height = design.slide_width, design.slide_height
    margin = design.frames.title.left
    canvas.rect(Box(0, 0, width, height), fill=palette.dk2, name="Section Background",
                behind=True)
    text_width = width - 2 * margin
    list_left = int(width * 0.55)
    list_box = Box(list_left, int(height * 0.15), width - margin - list_left, int(height * 0.7))
    style = _ListStyle(text=palette.lt1, dim=_dimmed(palette.lt1, palette.dk2),
                       number=palette.lt1, marker=palette.highlight,
                       size=max(design.type.body_max, design.type.body),
                       min_size=design.type.body_min,
                       rule=colours.mix(palette.lt1, palette.dk2, 0.7), on=palette.dk2,
                       prefix="Section Agenda", marker_name="Section Agenda Marker")
    max_row = int(Inches(0.65))
    narrow = list_left - margin - int(Inches(0.5))
    if tracker is not None and _list_fits(ctx, list_box, tracker.items, style, max_row) \
            and _divider_text_fits(ctx, narrow, title, subtitle):
        text_width = narrow
        _draw_agenda_list(ctx, list_box, tracker.items, tracker.current, style, max_row=max_row)
    if number:
        canvas.text(Box(margin, int(height * 0.22), int(Inches(3)), int(Inches(1.2))), number,
                    field="number", size=54, min_size=32, color=palette.lt1, bold=True,
                    heading=True, name="Section Number", anchor="b", on=palette.dk2)
    title_box = Box(margin, int(height * 0.40), text_width, int(Inches(1.6)))
    _title_into_placeholder(ctx, title_box, title, size=design.type.section_title,
                            min_size=design.type.title_min, color=palette.lt1, anchor="t",
                            max_lines=2)
    if subtitle:
        sub_box = Box(margin, title_box.bottom + int(Inches(0.1)), text_width,
                      int(Inches(1.0)))
        canvas.text(sub_box, subtitle, field="subtitle", size=18, min_size=12,
                    color=palette.lt1, name="Subtitle", on=palette.dk2)
    draw_page_number(ctx, color=palette.lt1)  # dark background: light number


def _divider_text_fits(ctx: SlideContext, width: int, title: str, subtitle: str) -> bool:
    """Whether the divider's title and subtitle fit `width` (beside the agenda list)."""
    sizes = ctx.design.type
    try:
        ctx.canvas.fit(Box(0, 0, width, int(Inches(1.6))), [Paragraph(title, bold=True)],
                       field="title", size=sizes.section_title, min_size=sizes.title_min,
                       heading=True, max_lines=2)
        if subtitle:
            ctx.canvas.fit(Box(0, 0, width, int(Inches(1.0))), [Paragraph(subtitle)],
                           field="subtitle", size=18, min_size=12)
    except Overflow:
        return False
    return True


def _divider_on_template(ctx: SlideContext, title: str, subtitle: str, number: str,
                         tracker: _AgendaTracker | None = None) -> None:
    design = ctx.design
    title_ph, other = _placeholders(ctx)
    text = f"{number}　{title}" if number else title
    title_box, subtitle_box = _fallback_boxes(ctx)
    if title_ph is not None:
        _fill_placeholder(ctx, title_ph, [Paragraph(text, bold=True)], field="title",
                          size=design.type.section_title, min_size=design.type.title_min,
                          max_lines=2, heading=True, fallback=title_box)
    else:
        ctx.canvas.text(title_box, [Paragraph(text, bold=True)], field="title",
                        size=design.type.section_title, min_size=design.type.title_min,
                        heading=True, max_lines=2, color=_on_layout(ctx, "heading"), name="Title",
                        anchor="b")
    if subtitle and other is not None:
        _fill_placeholder(ctx, other, [Paragraph(subtitle)], field="subtitle", size=18,
                          min_size=12, fallback=subtitle_box)
    elif subtitle:
        ctx.canvas.text(subtitle_box, subtitle, field="subtitle", size=18, min_size=12,
                        color=_on_layout(ctx, "text"), name="Subtitle")
    if tracker is not None:
        _agenda_on_template(ctx, tracker, None if subtitle else other)


MIN_LIST_WIDTH = int(Inches(3.2))
MIN_LIST_ROW = int(Inches(0.3))
LIST_MARGIN = int(Inches(0.4))


def _agenda_on_template(ctx: SlideContext, tracker: _AgendaTracker, unused) -> None:
    """The agenda list where the section layout has room for it: in its text placeholder
    when the section has no subtitle for it (the template's own place for words beside
    the title), else in the free area beside what the slide shows, when the layout's
    graphics are the content layout's (the free area was measured on those); left out
    when there is no such room."""
    count, max_row = len(tracker.items), int(Inches(0.55))
    design = ctx.design
    places = []
    box = _placeholder_room(ctx, unused, count)
    if box is not None:
        places.append((box, design.placeholder_color(ctx.slide.slide_layout.name,
                                                     unused.placeholder_format.idx)))
    if _layout_art_is_the_masters(ctx):
        box = _room_beside(ctx, count)
        if box is not None:
            places.append((box, None))
    for box, color in places:
        style = _template_list_style(ctx, color or _on_layout(ctx, "text"))
        if _list_fits(ctx, box, tracker.items, style, max_row):
            _draw_agenda_list(ctx, box, tracker.items, tracker.current, style, max_row=max_row)
            return


def _template_list_style(ctx: SlideContext, text: str) -> _ListStyle:
    """The section list's colours on a template: the layout's text colour, dimmed towards
    what it reads on, numbers in the highlight colour made to read there."""
    design, palette = ctx.design, ctx.design.palette
    background = _background_for(ctx, text)
    return _ListStyle(text=text, dim=_dimmed(text, background),
                      number=colours.readable(palette.highlight, background, text),
                      marker=palette.highlight, size=design.type.body,
                      min_size=design.type.body_min, on=background, prefix="Section Agenda",
                      marker_name="Section Agenda Marker")


def _fits_list(box: Box, count: int) -> bool:
    return box.width >= MIN_LIST_WIDTH and box.height >= count * MIN_LIST_ROW


def _placeholder_room(ctx: SlideContext, placeholder, count: int) -> Box | None:
    """The unused text placeholder's box, when the list fits it clear of the title."""
    if placeholder is None:
        return None
    box = Box(int(placeholder.left), int(placeholder.top), int(placeholder.width),
              int(placeholder.height))
    clear = not any(box.overlaps(shown) for shown in _shown(ctx, but=placeholder))
    return box if clear and _fits_list(box, count) else None


def _layout_art_is_the_masters(ctx: SlideContext) -> bool:
    """Whether the section layout draws no picture or shape of its own over the slide's
    middle (a full panel, a photo): its graphics are then the master's, which the free
    area was measured with."""
    design = ctx.design
    middle = design.slide_box.inset(design.slide_width // 8, design.slide_height // 8)
    return not any(
        middle.overlaps(Box(int(s.left or 0), int(s.top or 0), int(s.width or 0),
                            int(s.height or 0)))
        for s in ctx.slide.slide_layout.shapes if not s.is_placeholder)


def _shown(ctx: SlideContext, but=None) -> list[Box]:
    """The boxes of the words the slide shows (placeholders as the layout places them)."""
    return [Box(int(s.left), int(s.top), int(s.width), int(s.height)) for s in ctx.slide.shapes
            if s is not but and s.shape_id != getattr(but, "shape_id", None)
            and s.width and s.height and s.has_text_frame and s.text_frame.text.strip()]


def _background_for(ctx: SlideContext, text: str) -> str:
    """The colour the layout's text colour was chosen to read on: the slide's background
    when it reads there, else whichever theme colour it reads best on."""
    palette = ctx.design.palette
    if colours.contrast_ratio(text, palette.background) >= colours.WCAG_BODY:
        return palette.background
    return max((palette.lt1, palette.dk1, palette.dk2, palette.lt2),
               key=lambda color: colours.contrast_ratio(text, color))


def _room_beside(ctx: SlideContext, count: int) -> Box | None:
    """The largest part of the free area right of, left of, below or above everything the
    slide shows and the layout's own lines and shapes, wide and tall enough for `count`
    rows (None: none is)."""
    design = ctx.design
    area = (design.free_area or design.slide_box).inset(LIST_MARGIN)
    art = [Box(int(s.left or 0), int(s.top or 0), int(s.width or 0), int(s.height or 0))
           for s in ctx.slide.slide_layout.shapes if not s.is_placeholder]
    shown = _shown(ctx)
    if not shown:
        return area
    left = min(b.left for b in shown)
    top = min(b.top for b in shown)
    right = max(b.right for b in shown)
    bottom = max(b.bottom for b in shown)
    gap = LIST_MARGIN
    candidates = [
        Box(right + gap, area.top, area.right - right - gap, area.height),
        Box(area.left, area.top, left - gap - area.left, area.height),
        Box(area.left, bottom + gap, area.width, area.bottom - bottom - gap),
        Box(area.left, area.top, area.width, top - gap - area.top),
    ]
    fitting = [box for box in candidates if _fits_list(box, count)
               and not any(box.overlaps(shape) for shape in art)]
    return max(fitting, key=lambda box: box.width * box.height, default=None)


@register("agenda")
def build_agenda(ctx: SlideContext, slide) -> None:
    """Numbered items spread over the body with hairlines between them; the current one
    (if any) bold with an accent bar, the others dimmed."""
    design = ctx.design
    palette = design.palette
    style = _ListStyle(text=palette.text, dim=palette.muted, number=palette.highlight_ink,
                       marker=palette.highlight, size=max(design.type.body_max, design.type.body),
                       min_size=design.type.body_min, rule=palette.rule)
    _draw_agenda_list(ctx, ctx.body, list(slide.items), slide.current, style,
                      max_row=int(Inches(1.1)))
