"""Lint on the pictures: what a reader sees, not what the XML says.

The deck's slide pictures (the same ones as the previews) are compared with
pictures of a "bare" copy, rendered once: every slide with its text emptied
(so the pixels behind each glyph are known, whatever is there: a fill, a
gradient, a photo), followed by one empty slide per layout used (the
template's own graphics alone).  Rules (all errors):

- `rendered_contrast`: a text line's colour against the pixels behind its
  glyphs below WCAG 3:1 (titles and large text: 18 pt, or 14 pt bold) or
  4.5:1 (body text); text with no visible ink at all is reported too.
- `outside_box`: glyphs drawn outside every text box (text that spills).
- `over_graphics`: content drawn over the template's graphics (logos, bands,
  background art), outside the layout's free area.
- `overlap`: a text box partly over a chart, table or picture with its
  glyphs inside it (a title running into the table under it).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageChops
from pptx import Presentation

from generator.design import Box
from generator.render import xml
from generator.colours import contrast_ratio, distance, hex_of
from generator.learning.surface import analyse
from generator.lint.checks import SlideChecker
from generator.ooxml import shape_tag
from generator.previews.soffice import render_thumbnails

INK_THRESHOLD = 48  # channel difference between the picture and its bare copy: a glyph
LARGE_PT, LARGE_BOLD_PT = 18.0, 14.0
TITLE_CONTRAST, BODY_CONTRAST = 3.0, 4.5
OUTSIDE_PIXELS = 10
GRAPHICS_SHARE = 0.12
_CONTENT_TAGS = {"sp", "graphicFrame", "pic", "grpSp", "cxnSp"}


@dataclass
class RenderedIssue:
    slide: int
    shape: str
    rule: str
    message: str
    severity: str = "error"


def lint_pictures(deck: Path, pictures: list[Path]) -> list[RenderedIssue]:
    """Rendered checks of the deck at `deck` whose slide pictures are `pictures`.

    Renders the bare copy with LibreOffice (raises `PreviewError` when it fails).
    """
    prs = Presentation(str(deck))
    if not pictures or len(pictures) != len(prs.slides):
        return []
    with Image.open(pictures[0]) as first:
        width = first.width
    layouts = _layouts_used(prs)
    with tempfile.TemporaryDirectory(prefix="bcgslides-bare-") as work:
        bare_deck = Path(work) / "bare.pptx"
        _bare_copy(deck, layouts).save(str(bare_deck))
        bare = render_thumbnails(bare_deck, Path(work) / "out", width=width)
        bare_images = [_load(p) for p in bare]
    count = len(prs.slides)
    surfaces = {name: analyse(bare_images[count + i]) for i, name in enumerate(layouts)
                if count + i < len(bare_images)}
    issues: list[RenderedIssue] = []
    for number, (slide, picture) in enumerate(zip(prs.slides, pictures), start=1):
        if number - 1 >= len(bare_images):
            break
        seen = _load(picture)
        checker = _SlidePictures(prs, slide, number, seen, bare_images[number - 1],
                                 surfaces.get(slide.slide_layout.name))
        issues += checker.run()
    return issues


def _load(path: Path) -> Image.Image:
    with Image.open(path) as image:
        return image.convert("RGB")


def _layouts_used(prs) -> list[str]:
    return list(dict.fromkeys(slide.slide_layout.name for slide in prs.slides))


def _bare_copy(deck: Path, layouts: list[str]):
    """The deck with every text emptied, then one empty slide per layout in `layouts`."""
    prs = Presentation(str(deck))
    for slide in prs.slides:
        xml.empty_shape_texts(slide)
    xml.add_empty_layout_slides(prs, layouts)
    return prs


class _SlidePictures:
    """The rendered rules for one slide."""

    def __init__(self, prs, slide, number: int, seen: Image.Image, bare: Image.Image, surface):
        self.slide, self.number = slide, number
        self.seen, self.bare = seen, bare.resize(seen.size) if bare.size != seen.size else bare
        self.surface = surface
        self.sx = seen.width / int(prs.slide_width)
        self.sy = seen.height / int(prs.slide_height)
        self.checker = SlideChecker(prs, slide, number, min_font_pt=0)
        diff = ImageChops.difference(self.seen, self.bare).convert("L")
        self.ink = diff.point(lambda v: 255 if v >= INK_THRESHOLD else 0)
        self.ink_pixels = self.ink.load()
        self.seen_pixels, self.bare_pixels = self.seen.load(), self.bare.load()

    def run(self) -> list[RenderedIssue]:
        issues: list[RenderedIssue] = []
        texts, frames, content = [], [], []
        for shape, bounds in self.checker._shapes(self.slide.shapes, None):
            tag = shape_tag(shape)
            if tag not in _CONTENT_TAGS or tag == "grpSp":
                continue
            box = self._pixels(bounds)
            if getattr(shape, "has_text_frame", False) and shape.has_text_frame \
                    and shape.text_frame.text.strip():
                texts.append((shape, box))
            if tag in ("graphicFrame", "pic"):
                frames.append((shape, box))
            content.append((shape, box))
        for shape, box in texts:
            issues += self._contrast(shape, box)
            issues += self._overlap(shape, box, frames)
        issues += self._outside(texts, frames)
        issues += self._over_graphics(content)
        return issues

    def _pixels(self, bounds: Box) -> tuple[int, int, int, int]:
        return (int(bounds.left * self.sx), int(bounds.top * self.sy),
                int(bounds.right * self.sx), int(bounds.bottom * self.sy))

    def _issue(self, shape, rule: str, message: str) -> RenderedIssue:
        return RenderedIssue(self.number, getattr(shape, "name", ""), rule, message)

    def _ink_in(self, box) -> list[tuple[int, int]]:
        left, top = max(box[0], 0), max(box[1], 0)
        right, bottom = min(box[2], self.seen.width), min(box[3], self.seen.height)
        if right <= left or bottom <= top:
            return []
        crop = self.ink.crop((left, top, right, bottom))
        bbox = crop.getbbox()
        if bbox is None:
            return []
        left, top = left + bbox[0], top + bbox[1]
        crop = crop.crop(bbox)
        data = crop.load()
        return [(left + x, top + y) for y in range(crop.height) for x in range(crop.width)
                if data[x, y]]

    # -- contrast ------------------------------------------------------------------------
    def _contrast(self, shape, box) -> list[RenderedIssue]:
        lines = [line for line in self.checker._lines(shape) if line.text.strip()]
        colors = {line.color for line in lines if line.color}
        if not colors:
            return []
        large = all(line.size >= LARGE_PT or (line.bold and line.size >= LARGE_BOLD_PT)
                    for line in lines) or self.checker._is_title(shape)
        minimum = TITLE_CONTRAST if large else BODY_CONTRAST
        ink = self._ink_in(box)
        worst: tuple[float, str, str] | None = None
        for band in _bands(ink):
            ratio, color, behind = self._band_contrast(band, colors)
            if worst is None or ratio < worst[0]:
                worst = (ratio, color, behind)
        if worst is None:  # nothing visible where the text is
            behind = self._median(self.bare, box)
            color = sorted(colors)[0]
            worst = (contrast_ratio(color, behind), color, behind) if behind else None
        if worst is not None and worst[0] < minimum - 0.005:
            ratio, color, behind = worst
            return [self._issue(shape, "rendered_contrast",
                                f"text #{color} on #{behind} as rendered: contrast "
                                f"{ratio:.2f}:1 (at least {minimum:g}:1)")]
        return []

    def _band_contrast(self, band: list[tuple[int, int]], colors: set[str]):
        """(contrast, text colour, colour behind) of one line: the declared colour nearest
        to what was drawn, against the pixels behind its glyphs (their 10th percentile)."""
        drawn = hex_of(_core(self.seen_pixels, self.bare_pixels, band))
        color = min(colors, key=lambda c: distance(c, drawn))
        ratios = sorted((contrast_ratio(color, hex_of(self.bare_pixels[x, y])), x, y)
                        for x, y in band)
        ratio, x, y = ratios[len(ratios) // 10]
        return ratio, color, hex_of(self.bare_pixels[x, y])

    def _median(self, image: Image.Image, box) -> str | None:
        left, top = max(box[0], 0), max(box[1], 0)
        right, bottom = min(box[2], image.width), min(box[3], image.height)
        if right <= left or bottom <= top:
            return None
        return hex_of(image.crop((left, top, right, bottom)).resize((1, 1), Image.Resampling.BOX)
                      .getpixel((0, 0)))

    # -- geometry as drawn ---------------------------------------------------------------
    def _overlap(self, shape, box, frames) -> list[RenderedIssue]:
        for other, other_box in frames:
            if other is shape or not _intersects(box, other_box) or _inside(box, other_box):
                continue
            overlap = (max(box[0], other_box[0]), max(box[1], other_box[1]),
                       min(box[2], other_box[2]), min(box[3], other_box[3]))
            if len(self._ink_in(overlap)) >= 4:
                return [self._issue(shape, "overlap",
                                    f"'{shape.name}' is drawn over '{other.name}'")]
        return []

    def _outside(self, texts, frames) -> list[RenderedIssue]:
        if not texts:
            return []
        mask = self.ink.copy()
        for _, box in texts + frames:
            grown = (box[0] - 3, box[1] - 3, box[2] + 3, box[3] + 3)
            mask.paste(0, tuple(max(v, 0) for v in grown))
        pixels = self._ink_in_mask(mask)
        if len(pixels) < OUTSIDE_PIXELS:
            return []
        cx = sum(x for x, _ in pixels) / len(pixels)
        cy = sum(y for _, y in pixels) / len(pixels)
        shape = min(texts, key=lambda item: _gap(item[1], cx, cy))[0]
        return [self._issue(shape, "outside_box",
                            f"text of '{shape.name}' is drawn outside its box")]

    def _ink_in_mask(self, mask: Image.Image) -> list[tuple[int, int]]:
        bbox = mask.getbbox()
        if bbox is None:
            return []
        data = mask.load()
        return [(x, y) for y in range(bbox[1], bbox[3]) for x in range(bbox[0], bbox[2])
                if data[x, y]]

    def _over_graphics(self, content) -> list[RenderedIssue]:
        if self.surface is None:
            return []
        issues = []
        width, height = self.seen.width, self.seen.height
        for shape, box in content:
            if shape.is_placeholder or shape.name == "Tracker":
                continue  # where the template puts its own title, and the label above it
            left, top = max(box[0], 0) / width, max(box[1], 0) / height
            right, bottom = min(box[2], width) / width, min(box[3], height) / height
            if right <= left or bottom <= top:
                continue
            share = self.surface.graphics_share(left, top, right - left, bottom - top)
            if share > GRAPHICS_SHARE:
                issues.append(self._issue(shape, "over_graphics",
                                          f"'{shape.name}' lies over the template's graphics "
                                          f"({share:.0%} of its area)"))
        return issues


def _bands(ink: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """Ink pixels grouped into text lines: runs of rows with ink, split at empty rows."""
    by_row: dict[int, list[tuple[int, int]]] = {}
    for x, y in ink:
        by_row.setdefault(y, []).append((x, y))
    bands, current, last = [], [], None
    for y in sorted(by_row):
        if last is not None and y > last + 1 and current:
            bands.append(current)
            current = []
        current += by_row[y]
        last = y
    if current:
        bands.append(current)
    return [band for band in bands if len(band) >= 3]


def _core(seen, bare, band):
    """The drawn colour of a line: the pixel that differs most from what is behind it."""
    best, best_diff = None, -1
    for x, y in band:
        a, b = seen[x, y], bare[x, y]
        diff = max(abs(a[i] - b[i]) for i in range(3))
        if diff > best_diff:
            best, best_diff = a, diff
    return best


def _intersects(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _inside(a, b) -> bool:
    return a[0] >= b[0] and a[1] >= b[1] and a[2] <= b[2] and a[3] <= b[3]


def _gap(box, x: float, y: float) -> float:
    dx = max(box[0] - x, 0, x - box[2])
    dy = max(box[1] - y, 0, y - box[3])
    return dx * dx + dy * dy


__all__ = ["RenderedIssue", "lint_pictures"]
