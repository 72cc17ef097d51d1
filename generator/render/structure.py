"""Structural slide kinds: cover, section and appendix dividers, agenda.

On a learned template these use the template's own layouts and placeholders, as
designed; the built-in design draws them in code.
"""

from __future__ import annotations

from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.util import Inches

from generator.design import Box
from generator.render.canvas import Overflow
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
    _divider(ctx, slide.title, slide.subtitle, slide.number)


@register("appendix", furniture=False)
def build_appendix(ctx: SlideContext, slide) -> None:
    _divider(ctx, appendix_title(slide.title, ctx.lang), slide.subtitle, "")


def _divider(ctx: SlideContext, title: str, subtitle: str, number: str) -> None:
    """A full-bleed divider in the dark theme colour with the section title.

    On a learned template, the template's section layout as designed.
    """
    if ctx.design.template_path is not None:
        _divider_on_template(ctx, title, subtitle, number)
        return
    design, canvas = ctx.design, ctx.canvas
    palette = design.palette
    width, height = design.slide_width, design.slide_height
    margin = design.frames.title.left
    canvas.rect(Box(0, 0, width, height), fill=palette.dk2, name="Section Background",
                behind=True)
    if number:
        canvas.text(Box(margin, int(height * 0.22), int(Inches(3)), int(Inches(1.2))), number,
                    field="number", size=54, min_size=32, color=palette.lt1, bold=True,
                    heading=True, name="Section Number", anchor="b", on=palette.dk2)
    title_box = Box(margin, int(height * 0.40), width - 2 * margin, int(Inches(1.6)))
    _title_into_placeholder(ctx, title_box, title, size=design.type.section_title,
                            min_size=design.type.title_min, color=palette.lt1, anchor="t",
                            max_lines=2)
    if subtitle:
        sub_box = Box(margin, title_box.bottom + int(Inches(0.1)), width - 2 * margin,
                      int(Inches(1.0)))
        canvas.text(sub_box, subtitle, field="subtitle", size=18, min_size=12,
                    color=palette.lt1, name="Subtitle", on=palette.dk2)
    draw_page_number(ctx, color=palette.lt1)  # dark background: light number


def _divider_on_template(ctx: SlideContext, title: str, subtitle: str, number: str) -> None:
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


@register("agenda")
def build_agenda(ctx: SlideContext, slide) -> None:
    """Numbered items; the current one (if any) stands out with an accent bar."""
    design, canvas = ctx.design, ctx.canvas
    palette = design.palette
    body = ctx.body
    row_height = min(int(Inches(0.62)), body.height // len(slide.items))
    for index, item in enumerate(slide.items):
        top = body.top + index * row_height
        current = slide.current == index + 1
        dim = slide.current is not None and not current
        number_box = Box(body.left, top, int(Inches(0.7)), row_height - int(Inches(0.08)))
        canvas.text(number_box, f"{index + 1:02d}", field=f"items[{index}]", size=20,
                    min_size=12, bold=True, color=palette.accent1 if not dim else palette.muted,
                    anchor="ctr", name=f"Agenda Number {index + 1}")
        item_box = Box(number_box.right + int(Inches(0.1)), top,
                       body.width - number_box.width - int(Inches(0.1)), number_box.height)
        if current:
            canvas.rect(Box(item_box.left - int(Inches(0.05)), top, int(Inches(0.05)),
                            number_box.height), fill=palette.accent2, name="Current Marker")
        canvas.text(item_box, item, field=f"items[{index}]", size=20, min_size=12,
                    bold=current, color=palette.text if not dim else palette.muted,
                    anchor="ctr", name=f"Agenda Item {index + 1}")
