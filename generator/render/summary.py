"""The executive summary: the deck's key messages, each with its support."""

from __future__ import annotations

from pptx.util import Inches

from generator.render.deck import SlideContext
from generator.render.registry import register, split_list
from generator.render.text import Paragraph


def _summary_paragraphs(points) -> list[Paragraph]:
    paragraphs: list[Paragraph] = []
    for index, point in enumerate(points):
        paragraphs.append(Paragraph(point.text, bold=True, bullet=True, indent=int(Inches(0.22)),
                                    space_before_em=0.8 if index else 0.0))
        for sub in point.sub:
            paragraphs.append(Paragraph(sub, level=1, bullet=True, indent=int(Inches(0.5)),
                                        size_scale=0.9, space_before_em=0.2))
    return paragraphs


@register("executive_summary", split=lambda s, overflow: split_list(s, "points", overflow.fits))
def build_executive_summary(ctx: SlideContext, slide) -> None:
    """Key messages in bold, each with its supporting sub-points."""
    sizes = ctx.design.type
    ctx.canvas.text(ctx.body, _summary_paragraphs(slide.points), field="points",
                    size=sizes.body, min_size=sizes.body_min, name="Body")
