"""The takeaway box: the "so what" of a chart or table slide, in one place on every slide.

A band across the foot of the body, filled with the design's primary colour, its text
in the colour that reads on that fill.  The content above takes what the band leaves.
The message slide's callout is the same box.
"""

from __future__ import annotations

from pptx.util import Inches

from generator.design import Box
from generator.render.deck import SlideContext

TAKEAWAY_HEIGHT = int(Inches(0.85))
TAKEAWAY_GAP = int(Inches(0.15))
TAKEAWAY_INSET = (int(Inches(0.2)), int(Inches(0.08)))


def draw_takeaway(ctx: SlideContext, text: str, body: Box, *, field: str = "takeaway") -> Box:
    """Draw `text` in a band at the foot of `body`; the part of `body` left above it.

    No text: `body` unchanged, nothing drawn.
    """
    if not text:
        return body
    design = ctx.design
    rest, band = body.take_top(body.height - TAKEAWAY_HEIGHT - TAKEAWAY_GAP, TAKEAWAY_GAP)
    ctx.canvas.text(band, text, field=field, size=design.type.body,
                    min_size=design.type.body_min, bold=True, fill=design.palette.accent1,
                    anchor="ctr", inset=TAKEAWAY_INSET, name="Takeaway")
    return rest
