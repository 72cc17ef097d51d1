"""Lint on the pictures: what a reader sees, not what the XML says.

The deck's slide pictures (the same ones as the previews) are compared with
pictures of a "bare" copy, rendered once: every slide with its text emptied
(so the pixels behind each glyph are known, whatever is there: a fill, a
gradient, a photo), followed by one empty slide per layout used (the
template's own graphics alone).  Rules (all errors):

- `rendered_contrast`: a text line's colour against the pixels behind its
  glyphs below WCAG 3:1 (titles and large text: 18 pt, or 14 pt bold) or
  4.5:1 (body text); text with no visible ink at all is reported too.
  Charts and tables: each word (data labels, axis labels, legends, cells) against
  what surrounds its glyphs, below 3:1 (see "Words of charts and tables").
- `outside_box`: glyphs drawn outside every text box (text that spills).
- `over_graphics`: content drawn over the template's graphics (logos, bands,
  background art), outside the layout's free area.
- `overlap`: a text box partly over a chart, table or picture with its
  glyphs inside it (a title running into the table under it).

Words of charts and tables: emptying them would move the plot (the axes and the
legend give their room back), so the bare copy paints their text in a marker
colour no slide uses (magenta, or green where the text is magenta-like) and
keeps every glyph in place.  Where the picture and the bare copy differ inside
a marked zone is a glyph, drawn in the deck's colour, even when that colour is
the colour behind it (dark on dark is found, not lost).  Glyphs are grouped into
words (rows of ink split at empty rows, then at gaps); a word's colour is its
declared colour nearest to its most distinct pixel, and what is behind it is
the pixels of its box (grown by 1 px) that no glyph touches (the same in both
pictures: counters, gaps between letters), their 25th percentile (a legend's key
or an axis line beside a word is not behind it; a label a quarter off its bar is
judged by the part off it).  The threshold is 3:1 for every chart and table word: the issue's bar,
WCAG's for graphical objects (1.4.11), and a measure of small anti-aliased
glyphs is too coarse to judge 4.5:1 fairly.

`inspect_pictures` returns the issues with every measured contrast and, per
slide, the picture of its layout left empty (the bench measures how much of the
body the content occupies against it).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageChops, ImageFilter
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
MARKERS = ("FF00FF", "00FF00")  # chart and table text in the bare copy: colours no slide uses
MARKER_NEAR = 72  # channel difference: a bare pixel this close to a marker is marked text
FRAME_CONTRAST = 3.0
WORD_GAP = 4  # pixels of no ink that separate two words of a chart or a table
RING_PERCENTILE = 0.25
CHANGED = 8  # channel difference: a pixel a glyph touches at all
RING_WIDTH = 1  # pixels beyond a word's box still behind it


@dataclass
class RenderedIssue:
    slide: int
    shape: str
    rule: str
    message: str
    severity: str = "error"


@dataclass
class TextContrast:
    """One measured line of a shape's text, or one word of a chart or a table."""

    slide: int
    shape: str
    where: str  # "text", "chart" or "table", and the word's place in pixels for the last two
    ratio: float
    color: str
    behind: str
    minimum: float


@dataclass
class RenderedReport:
    issues: list[RenderedIssue]
    contrasts: list[TextContrast]
    empties: list[Image.Image | None]  # per slide: its layout with no content (bare render)


def lint_pictures(deck: Path, pictures: list[Path]) -> list[RenderedIssue]:
    """Rendered checks of the deck at `deck` whose slide pictures are `pictures`.

    Renders the bare copy with LibreOffice (raises `PreviewError` when it fails).
    """
    return inspect_pictures(deck, pictures).issues


def inspect_pictures(deck: Path, pictures: list[Path]) -> RenderedReport:
    """`lint_pictures` with what it measured: every contrast and the empty layouts."""
    prs = Presentation(str(deck))
    if not pictures or len(pictures) != len(prs.slides):
        return RenderedReport([], [], [])
    with Image.open(pictures[0]) as first:
        width = first.width
    layouts = _layouts_used(prs)
    with tempfile.TemporaryDirectory(prefix="bcgslides-bare-") as work:
        bare_deck = Path(work) / "bare.pptx"
        bare_prs, declared = _bare_copy(deck, layouts)
        bare_prs.save(str(bare_deck))
        bare = render_thumbnails(bare_deck, Path(work) / "out", width=width)
        bare_images = [_load(p) for p in bare]
    count = len(prs.slides)
    empty = {name: bare_images[count + i] for i, name in enumerate(layouts)
             if count + i < len(bare_images)}
    surfaces = {name: analyse(image) for name, image in empty.items()}
    report = RenderedReport([], [], [empty.get(s.slide_layout.name) for s in prs.slides])
    for number, (slide, picture) in enumerate(zip(prs.slides, pictures), start=1):
        if number - 1 >= len(bare_images):
            break
        seen = _load(picture)
        checker = _SlidePictures(prs, slide, number, seen, bare_images[number - 1],
                                 surfaces.get(slide.slide_layout.name), declared[number - 1])
        report.issues += checker.run()
        report.contrasts += checker.contrasts
    return report


def _load(path: Path) -> Image.Image:
    with Image.open(path) as image:
        return image.convert("RGB")


def _layouts_used(prs) -> list[str]:
    return list(dict.fromkeys(slide.slide_layout.name for slide in prs.slides))


def _bare_copy(deck: Path, layouts: list[str]):
    """The deck with every shape's text emptied and every chart's and table's text in a
    marker colour, then one empty slide per layout in `layouts`; with, per slide, the
    colours the charts' and tables' text had (by shape id)."""
    prs = Presentation(str(deck))
    declared = []
    for slide in prs.slides:
        xml.empty_shape_texts(slide)
        declared.append(xml.paint_frame_texts(slide, MARKERS))
    xml.add_empty_layout_slides(prs, layouts)
    return prs, declared


class _SlidePictures:
    """The rendered rules for one slide."""

    def __init__(self, prs, slide, number: int, seen: Image.Image, bare: Image.Image, surface,
                 declared: dict[int, set[str]] | None = None):
        self.slide, self.number = slide, number
        self.seen, self.bare = seen, bare.resize(seen.size) if bare.size != seen.size else bare
        self.surface = surface
        self.declared = declared or {}
        self.contrasts: list[TextContrast] = []
        self.sx = seen.width / int(prs.slide_width)
        self.sy = seen.height / int(prs.slide_height)
        self.checker = SlideChecker(prs, slide, number, min_font_pt=0)
        difference = _channel_max(ImageChops.difference(self.seen, self.bare))
        ink = difference.point(lambda v: 255 if v >= INK_THRESHOLD else 0)
        # every pixel a glyph touches, faint anti-aliasing included: not "behind" a word
        self.changed = difference.point(lambda v: 255 if v >= CHANGED else 0)
        marked = _marked(self.bare) if self.declared else Image.new("L", self.seen.size, 0)
        self.ink = ImageChops.subtract(ink, marked)  # shapes' glyphs (their text is emptied)
        self.marked_ink = ImageChops.multiply(ink, marked)  # charts' and tables' glyphs
        self.marked = marked
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
        for shape, box in frames:
            if shape.shape_id in self.declared:
                issues += self._frame_contrast(shape, box)
        issues += self._outside(texts, frames)
        issues += self._over_graphics(content)
        return issues

    def _pixels(self, bounds: Box) -> tuple[int, int, int, int]:
        return (int(bounds.left * self.sx), int(bounds.top * self.sy),
                int(bounds.right * self.sx), int(bounds.bottom * self.sy))

    def _issue(self, shape, rule: str, message: str) -> RenderedIssue:
        return RenderedIssue(self.number, getattr(shape, "name", ""), rule, message)

    def _ink_in(self, box) -> list[tuple[int, int]]:
        return _ink_pixels(self.ink, _clip(box, self.seen.size))

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
            self.contrasts.append(TextContrast(self.number, shape.name, "text", ratio, color,
                                               behind, minimum))
            if worst is None or ratio < worst[0]:
                worst = (ratio, color, behind)
        if worst is None:  # nothing visible where the text is
            behind = self._median(self.bare, box)
            color = sorted(colors)[0]
            worst = (contrast_ratio(color, behind), color, behind) if behind else None
            if worst is not None:
                self.contrasts.append(TextContrast(self.number, shape.name, "text", *worst,
                                                   minimum))
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

    def _frame_contrast(self, shape, box) -> list[RenderedIssue]:
        """Each word of a chart or a table against the ring of pixels around its glyphs."""
        where = "chart" if getattr(shape, "has_chart", False) and shape.has_chart else "table"
        words = self._words(box)
        if not words:
            return []
        crop = _clip(box, self.seen.size)
        ring_pixels = ImageChops.invert(self.changed.crop(crop)).load()
        worst = None
        for word in words:
            measured = self._word_contrast(word, crop, ring_pixels,
                                           self.declared.get(shape.shape_id, set()))
            if measured is None:
                continue
            ratio, color, behind = measured
            x, y = word[0]
            self.contrasts.append(TextContrast(self.number, shape.name, f"{where} at {x},{y}",
                                               ratio, color, behind, FRAME_CONTRAST))
            if worst is None or ratio < worst[0]:
                worst = (ratio, color, behind, x, y)
        if worst is None or worst[0] >= FRAME_CONTRAST - 0.005:
            return []
        ratio, color, behind, x, y = worst
        return [self._issue(shape, "rendered_contrast",
                            f"{where} text #{color} on #{behind} as rendered (at {x},{y} px): "
                            f"contrast {ratio:.2f}:1 (at least {FRAME_CONTRAST:g}:1)")]

    def _words(self, box) -> list[list[tuple[int, int]]]:
        ink = _ink_pixels(self.marked_ink, _clip(box, self.seen.size))
        return [word for band in _bands(ink) for word in _split_at_gaps(band)]

    def _word_contrast(self, word, crop, ring_pixels, declared: set[str]):
        """(contrast, colour, colour behind) of one word; None when nothing surrounds it."""
        xs, ys = [x for x, _ in word], [y for _, y in word]
        width, height = crop[2] - crop[0], crop[3] - crop[1]
        pad = RING_WIDTH
        behind = [self.seen_pixels[x, y]
                  for y in range(max(min(ys) - pad, crop[1]), min(max(ys) + pad + 1, crop[3]))
                  for x in range(max(min(xs) - pad, crop[0]), min(max(xs) + pad + 1, crop[2]))
                  if 0 <= x - crop[0] < width and 0 <= y - crop[1] < height
                  and ring_pixels[x - crop[0], y - crop[1]]]
        if not behind:
            return None
        drawn = hex_of(_core(self.seen_pixels, self.bare_pixels, word))
        color = min(declared, key=lambda c: distance(c, drawn)) if declared else drawn
        if distance(color, drawn) > 240:  # a colour the XML did not say (a scheme colour)
            color = drawn
        ratios = sorted((contrast_ratio(color, hex_of(pixel)), hex_of(pixel)) for pixel in behind)
        ratio, back = ratios[int(len(ratios) * RING_PERCENTILE)]
        return ratio, color, back

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
        pixels = _ink_pixels(mask, (0, 0, *mask.size))
        if len(pixels) < OUTSIDE_PIXELS:
            return []
        cx = sum(x for x, _ in pixels) / len(pixels)
        cy = sum(y for _, y in pixels) / len(pixels)
        shape = min(texts, key=lambda item: _gap(item[1], cx, cy))[0]
        return [self._issue(shape, "outside_box",
                            f"text of '{shape.name}' is drawn outside its box")]

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


def _channel_max(image: Image.Image) -> Image.Image:
    """The largest of the three channels of each pixel (an L picture)."""
    red, green, blue = image.split()
    return ImageChops.lighter(ImageChops.lighter(red, green), blue)


def _marked(bare: Image.Image) -> Image.Image:
    """Where the bare copy shows marker-coloured text (grown by a pixel for the glyphs'
    anti-aliased edges): 255 there, 0 elsewhere."""
    zones = None
    for marker in MARKERS:
        solid = Image.new("RGB", bare.size, tuple(int(marker[i:i + 2], 16) for i in (0, 2, 4)))
        near = _channel_max(ImageChops.difference(bare, solid)).point(
            lambda v: 255 if v <= MARKER_NEAR else 0)
        zones = near if zones is None else ImageChops.lighter(zones, near)
    return zones.filter(ImageFilter.MaxFilter(3))


def _split_at_gaps(band: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """One line of glyphs split into words where WORD_GAP columns have no ink."""
    columns = sorted({x for x, _ in band})
    words, start = [], columns[0]
    bounds = []
    for previous, x in zip(columns, columns[1:]):
        if x - previous > WORD_GAP:
            bounds.append((start, previous))
            start = x
    bounds.append((start, columns[-1]))
    for low, high in bounds:
        word = [(x, y) for x, y in band if low <= x <= high]
        if len(word) >= 3:
            words.append(word)
    return words


def _ink_pixels(mask: Image.Image, box) -> list[tuple[int, int]]:
    """The set pixels of `mask` inside `box` (clipped to the picture), row by row."""
    left, top, right, bottom = box
    if right <= left or bottom <= top:
        return []
    crop = mask.crop(box)
    bbox = crop.getbbox()
    if bbox is None:
        return []
    data = crop.load()
    return [(left + x, top + y) for y in range(bbox[1], bbox[3])
            for x in range(bbox[0], bbox[2]) if data[x, y]]


def _clip(box, size) -> tuple[int, int, int, int]:
    return (max(box[0], 0), max(box[1], 0), min(box[2], size[0]), min(box[3], size[1]))


def _intersects(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _inside(a, b) -> bool:
    return a[0] >= b[0] and a[1] >= b[1] and a[2] <= b[2] and a[3] <= b[3]


def _gap(box, x: float, y: float) -> float:
    dx = max(box[0] - x, 0, x - box[2])
    dy = max(box[1] - y, 0, y - box[3])
    return dx * dx + dy * dy


__all__ = ["RenderedIssue", "RenderedReport", "TextContrast", "inspect_pictures", "lint_pictures"]
