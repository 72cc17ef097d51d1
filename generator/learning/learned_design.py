"""A `Design` from a learned asset: its file is the template, its patterns the rules.

The template's masters, layouts and theme stay (logos, footers, colours);
each slide kind goes to the layout learned for it, content slides to the
"title only" layout, and the furniture (tracker, body, source, page number)
is placed on the grid learned from the deck's own shapes.
"""

from __future__ import annotations

import functools
from dataclasses import replace
from pathlib import Path
from typing import NamedTuple

from pptx import Presentation
from pptx.util import Inches

from generator.design import Box, Design, Fonts, Frames, Palette, Typography, default_design
from generator.errors import GeneratorError
from generator.models import DesignAsset
from generator.colours import contrast_ratio, distance, hue, mix, readable
from generator.learning.surface import Behind, Surface
from generator.ooxml import master_text_size

MIN_MARGIN = int(Inches(0.3))
BODY_CONTRAST = 4.5
TITLE_CONTRAST = 3.0
TITLE_TYPES = ("TITLE", "CENTER_TITLE", "VERTICAL_TITLE")
TEXT_TYPES = TITLE_TYPES + ("SUBTITLE", "BODY", "OBJECT")
GRAPHIC_CONTRAST = 3.0  # a coloured mark (bar, dot, bubble) against the slide (WCAG)
KEPT_CONTRAST = 2.5  # a theme accent this far from the background stays as it is
APART = 90  # channel distance (0..765) at which two meaning colours read as different
GREENS, REDS = (75, 170, 120), (340, 20, 0)  # hue ranges (degrees) and their centres


def _patterns(asset: DesignAsset) -> dict[str, list]:
    found: dict[str, list] = {}
    for pattern in asset.patterns.all():
        found.setdefault(pattern.pattern_type, []).append(pattern)
    return found


def design_for_asset(asset: DesignAsset) -> Design:
    """The Design to render in `asset`'s house style (raises if the asset was never learned)."""
    patterns = _patterns(asset)
    # a local copy of the shared file (downloaded once on a host that reads a bucket)
    template = asset.path if "theme_colors" in patterns else None
    if template is None or not template.is_file():
        raise GeneratorError(f"design asset {asset.pk} has not been learned (or its file is "
                             "missing): learn it again")
    base = default_design()
    size = patterns["slide_size"][0].pattern_data
    width, height = int(size["width"]), int(size["height"])
    entries = [(p.pattern_name, p.pattern_data) for p in patterns.get("layout", [])]
    layouts = layout_map(entries)
    probes = {name: data["probe"] for name, data in entries if data.get("probe")}
    content = probes.get(layouts.get("*") or "")
    free = _free_area(content, width, height)
    title_box = _title_box(entries, layouts.get("*"), width, height)
    grid = patterns.get("grid", [None])[0]
    frames = _frames(title_box, grid.pattern_data if grid else {}, width, height, free)
    frames = _clear_of_graphics(frames, content, width, height)
    palette = _palette(patterns["theme_colors"][0].pattern_data, base.palette)
    palette = with_meanings(_roles(palette, content), base.palette)
    return replace(
        base, name=asset.filename, slide_width=width, slide_height=height,
        palette=palette,
        fonts=_fonts(patterns.get("theme_fonts", [None])[0], base.fonts),
        type=_typography(patterns.get("typography", [None])[0], base.type, template),
        frames=frames, template_path=template, layouts=layouts, asset_id=asset.pk,
        placeholder_colors={name: _placeholder_colors(probe, palette)
                            for name, probe in probes.items()},
        free_area=free, template_numbers_pages=bool((content or {}).get("numbers_pages")),
    )


# -- colours: what reads on what the template really shows --------------------------------
def readable_choice(candidates: list[str], behind: Behind, minimum: float) -> str:
    """The first candidate that reads at `minimum` on the worst of `behind`; failing
    that, the candidate that reads best."""
    options = [c.upper() for c in candidates if c] + ["000000", "FFFFFF"]
    for color in options:
        if behind.worst_contrast(color) >= minimum:
            return color
    return max(options, key=behind.worst_contrast)


def _behind_of(probe: dict | None, types: tuple[str, ...]) -> tuple[Behind | None, str | None]:
    """(what is behind the first placeholder of `types`, the template's own colour for it)."""
    for data in (probe or {}).get("placeholders", {}).values():
        if data.get("type") in types:
            return Behind.from_json(data), data.get("own")
    return None, None


def _roles(palette: Palette, probe: dict | None) -> Palette:
    """Text, background and title colours for content slides: the template's own where
    they read on what is really there (its colour map and background honoured), else the
    readable one of its text and background colours."""
    if not probe or not probe.get("background"):
        return palette
    paper = probe["background"].upper()
    theme = [palette.dk1, palette.lt1, palette.dk2, palette.lt2]
    body_behind, body_own = _behind_of(probe, ("BODY", "OBJECT"))
    ink = readable_choice([body_own, *theme], Behind.plain(paper), BODY_CONTRAST)
    title_behind, title_own = _behind_of(probe, TITLE_TYPES)
    title = readable_choice([title_own, palette.dk2, palette.accent1, ink, *theme],
                            title_behind or Behind.plain(paper), TITLE_CONTRAST)
    muted = _muted(ink, paper)
    tracker = readable_choice([muted, title, ink, *theme], title_behind or Behind.plain(paper),
                              BODY_CONTRAST)
    heading = readable_choice([palette.dk2, palette.accent1, ink, *theme], Behind.plain(paper),
                              TITLE_CONTRAST)
    return replace(palette, ink=ink, paper=paper, title_ink=title, tracker_ink=tracker,
                   heading_ink=heading,
                   muted=muted, rule=mix(ink, paper, 0.75))


def _placeholder_colors(probe: dict, palette: Palette) -> dict[str, str]:
    """Placeholder idx -> a text colour that reads on what is behind it (own colour first);
    "heading" and "text" -> colours for text on the layout's background."""
    chosen = {}
    if probe.get("background"):  # text drawn on the layout itself, where it has no placeholder
        paper = Behind.plain(probe["background"])
        candidates = [palette.heading, palette.title, palette.text, palette.dk1, palette.lt1]
        chosen["heading"] = readable_choice(candidates, paper, TITLE_CONTRAST)
        chosen["text"] = readable_choice([palette.text, *candidates], paper, BODY_CONTRAST)
    for idx, data in probe.get("placeholders", {}).items():
        if data.get("type") not in TEXT_TYPES:
            continue
        minimum = TITLE_CONTRAST if data["type"] in TITLE_TYPES else BODY_CONTRAST
        chosen[idx] = readable_choice(
            [data.get("own"), palette.title, palette.text, palette.dk1, palette.lt1,
             palette.dk2, palette.lt2], Behind.from_json(data), minimum)
    return chosen


def _free_area(probe: dict | None, width: int, height: int) -> Box | None:
    """The content layout's free area, when the picture found one big enough to use."""
    if not probe or not probe.get("free"):
        return None
    free = Box.from_json(probe["free"])
    if free.width < width * 0.5 or free.height < height * 0.45:
        return None  # graphics everywhere (a photo background): margins only
    return free


def _palette(colors: dict, default: Palette) -> Palette:
    values = {slot: (colors.get(slot) or getattr(default, slot)).upper()
              for slot in ("dk1", "lt1", "dk2", "lt2", "accent1", "accent2", "accent3",
                           "accent4", "accent5", "accent6", "hlink")}
    if contrast_ratio(values["dk1"], values["lt1"]) < 4.5:
        values["dk1"] = default.dk1 if contrast_ratio(default.dk1, values["lt1"]) >= 4.5 \
            else "000000"
    muted = _muted(values["dk1"], values["lt1"])
    return replace(default, **values, muted=muted)


class Meanings(NamedTuple):
    """The colours with meaning of a design, each readable as a mark on its background."""

    positive: str
    negative: str
    neutral: str
    highlight: str


def with_meanings(palette: Palette, default: Palette) -> Palette:
    """`palette` with its meaning colours (and the RAG colours that show them) chosen from
    its own accents against what its slides really show."""
    meanings = meaning_colors(palette.accents, default, palette.background, palette.text,
                              dark=palette.dk2)
    return replace(palette, **meanings._asdict(), rag_green=meanings.positive,
                   rag_red=meanings.negative)


def meaning_colors(accents: list[str], default: Palette, background: str = "FFFFFF",
                   ink: str | None = None, dark: str | None = None) -> Meanings:
    """Positive, negative, neutral and highlight from a theme's accents.

    Positive is a green among the accents, negative a red (else the built-in ones);
    neutral the first other accent dark enough to read on the background at 3:1 (else
    the theme's dark colour); highlight the next accent apart from all three.  A theme
    accent stays itself while it stands clear of `background` (2:1); one closer, or a
    built-in colour, is moved towards `ink` until it reads at 3:1.  Positive and negative
    are never alike.
    """
    accents = [color.upper() for color in accents]
    ink = ink or ("000000" if contrast_ratio("000000", background) >= 4.5 else "FFFFFF")

    def shown(color: str) -> str:
        if contrast_ratio(color, background) >= KEPT_CONTRAST:
            return color
        return readable(color, background, ink, GRAPHIC_CONTRAST)

    def adjusted(color: str) -> str:
        return readable(color, background, ink, GRAPHIC_CONTRAST)

    def stands_out(color: str, minimum: float = KEPT_CONTRAST) -> bool:
        return contrast_ratio(color, background) >= minimum

    green, red = _hue_pick(accents, GREENS), _hue_pick(accents, REDS)
    positive = shown(green) if green else adjusted(default.rag_green)
    negative = shown(red) if red else adjusted(default.rag_red)
    if not _apart(positive, negative):  # both pushed to the ink: the built-in pair
        positive, negative = adjusted(default.rag_green), adjusted(default.rag_red)
    taken = [positive, negative]
    # neither green nor red: a second green would read as good news
    others = [c for c in accents if not _of_hue(c, GREENS) and not _of_hue(c, REDS)
              and all(_apart(c, t) for t in taken)]
    neutral = next((c for c in others if stands_out(c, GRAPHIC_CONTRAST)), None)
    if neutral is None:
        neutral = dark if dark and stands_out(dark, GRAPHIC_CONTRAST) else adjusted(
            others[0] if others else ink)
    taken.append(neutral)
    # the first that is apart from all three: a coloured theme accent as it is, then made
    # to stand out, then the built-in highlight, then a grey; failing all, apart from
    # neutral at least
    coloured = [c for c in others if hue(c)[2] >= 0.15]
    greys = [adjusted(c) for c in others if c not in coloured]
    candidates = ([c for c in coloured if stands_out(c)] + [adjusted(c) for c in coloured]
                  + [adjusted(default.highlight)] + greys)
    highlight = next((c for c in candidates if all(_apart(c, t) for t in taken)), None)
    if highlight is None:
        spare = [shown(c) for c in accents if _apart(shown(c), neutral)]
        highlight = spare[0] if spare else adjusted(default.highlight)
    return Meanings(positive, negative, neutral, highlight)


def _of_hue(color: str, hues: tuple[float, float, float]) -> bool:
    """Whether `color` is of the hue range `hues` (low, high, centre; wrapping at 360):
    saturated, neither near black nor near white."""
    low, high, _ = hues
    degrees, lightness, saturation = hue(color)
    hit = low <= degrees <= high if low <= high else (degrees >= low or degrees <= high)
    return hit and saturation >= 0.3 and 0.15 <= lightness <= 0.75


def _hue_pick(accents: list[str], hues: tuple[float, float, float]) -> str | None:
    """The accent of the hue range `hues` nearest its centre (a true green before a
    yellow-green, a red before a pink)."""
    found = [color for color in accents if _of_hue(color, hues)]
    return min(found, key=lambda color: _hue_gap(hue(color)[0], hues[2]), default=None)


def _hue_gap(a: float, b: float) -> float:
    return min(abs(a - b), 360 - abs(a - b))


def _apart(a: str, b: str) -> bool:
    """Two colours a reader tells apart: far enough in channels, and of other hues or
    lightness (a magenta and a pink of the same lightness read as one colour)."""
    if distance(a, b) < APART:
        return False
    hue_a, light_a, sat_a = hue(a)
    hue_b, light_b, sat_b = hue(b)
    if sat_a < 0.15 or sat_b < 0.15:  # a grey: hue means nothing, the distance decides
        return True
    return _hue_gap(hue_a, hue_b) >= 20 or abs(light_a - light_b) >= 0.2


def _muted(text: str, background: str) -> str:
    """A grey between text and background that still reads at 4.5:1."""
    for share in (0.45, 0.35, 0.25, 0.15, 0.0):
        mixed = mix(text, background, share)
        if contrast_ratio(mixed, background) >= 5.2:  # some room for a near-white surface
            return mixed
    return text


def _fonts(pattern, default: Fonts) -> Fonts:
    if pattern is None:
        return default
    data = pattern.pattern_data
    return Fonts(latin_major=data.get("major_latin") or default.latin_major,
                 latin_minor=data.get("minor_latin") or default.latin_minor,
                 ea_major=data.get("major_ea") or default.ea_major,
                 ea_minor=data.get("minor_ea") or default.ea_minor)


def _typography(pattern, default: Typography, template: Path | None = None) -> Typography:
    if pattern is None:
        return default
    data = pattern.pattern_data
    title = min(max(float(data.get("title") or default.title), 20.0), 32.0)
    body = min(max(float(data.get("body") or default.body), 14.0), 20.0)
    largest = data.get("body_max") or (_master_body_size(template) if template else None)
    return replace(default, title=title, title_min=min(18.0, title), body=body,
                   body_max=body_max(body, largest))


def body_max(body: float, largest: float | None) -> float:
    """The largest body size text may grow to: the template's own first-level body size,
    kept between `body` and a quarter above it (at least 20 pt, at most 24 pt): a
    template's 28 pt bullets are a title's size on a consulting slide."""
    ceiling = min(max(20.0, body * 1.25), 24.0)
    if not largest:
        return max(body, min(ceiling, Typography.body_max))
    return min(max(float(largest), body), max(ceiling, body))


def _master_body_size(template: Path) -> float | None:
    """The first level's size of the template's body text style (cached per file and
    version: a design is rebuilt for every deck)."""
    try:
        stamp = template.stat().st_mtime_ns
    except OSError:
        return None
    return _cached_master_body_size(str(template), stamp)


@functools.lru_cache(maxsize=64)
def _cached_master_body_size(path: str, stamp: int) -> float | None:
    try:
        return master_text_size(Presentation(path).slide_master, "bodyStyle")
    except Exception:  # a template python-pptx cannot open was refused at learning
        return None


def layout_map(entries: list[tuple[str, dict]]) -> dict[str, str]:
    """Slide kind -> layout name: the most confident layout learned for each kind.

    `entries` are (layout name, layout pattern data).  Content slides ("*") always get
    a layout: the best title-only one, else one with a title, else the first.  Ties go to
    the first name in sorted order, so learning (which probes the layouts chosen here)
    and rendering (which reads the patterns back in the database's order) choose alike.
    """
    entries = sorted(entries, key=lambda entry: entry[0])
    best: dict[str, tuple[float, str]] = {}
    for name, data in entries:
        kind = data.get("kind")
        confidence = data.get("confidence", 0)
        if kind and (kind not in best or confidence > best[kind][0]):
            best[kind] = (confidence, name)
    mapping = {}
    if "cover" in best:
        mapping["cover"] = best["cover"][1]
    if "section" in best:
        mapping["section"] = mapping["appendix"] = best["section"][1]
    content = best.get("*") or best.get("message")
    if content:
        mapping["*"] = content[1]
    elif entries:
        titled = [name for name, data in entries
                  if any(p["type"] in TITLE_TYPES for p in data.get("placeholders", []))]
        mapping["*"] = (titled or [entries[0][0]])[0]
    return mapping


def _title_box(entries: list[tuple[str, dict]], name: str | None, width: int,
               height: int) -> Box | None:
    """The content layout's title placeholder, if it is usable for a two-line action
    title (None: missing, tiny or odd; the built-in geometry is used)."""
    for entry_name, data in entries:
        if entry_name != name:
            continue
        for placeholder in data.get("placeholders", []):
            if placeholder["type"] in TITLE_TYPES and placeholder["geometry"]:
                box = Box.from_json(placeholder["geometry"])
                if _usable_title(box, width, height):
                    return box
    return None


def _usable_title(box: Box, width: int, height: int) -> bool:
    return (box.height >= Inches(0.45) and box.width >= width * 0.35
            and box.height <= height * 0.35 and box.left >= 0 and box.top >= 0
            and box.right <= width * 1.01 and box.bottom <= height * 0.6)


def _margin(value, limit: int) -> int:
    """A learned margin kept sane: at least MIN_MARGIN, at most `limit` (sparse decks
    with a few small shapes would otherwise leave no room for a body)."""
    return min(max(int(value or 0), MIN_MARGIN), limit)


def _clear_of_graphics(frames: Frames, probe: dict | None, width: int, height: int) -> Frames:
    """The page number and source lines moved up, a step at a time, off the template's
    own graphics (a slide-number badge, a footer band) when the layout picture shows any."""
    if not probe or not probe.get("mask"):
        return frames
    surface = Surface.from_mask(probe["mask"], probe.get("background") or "FFFFFF")

    def covered(box: Box) -> float:
        return surface.graphics_share(box.left / width, box.top / height, box.width / width,
                                      box.height / height)

    def lifted(box: Box) -> Box:
        step = int(Inches(0.1))
        for shift in range(0, int(Inches(1.2)), step):
            moved = Box(box.left, box.top - shift, box.width, box.height)
            if covered(moved) <= 0.02:
                return moved
        return box

    page, source = lifted(frames.page_number), lifted(frames.source)
    top = min(page.top, source.top)
    body = frames.body
    if body.bottom > top - int(Inches(0.1)):
        body = Box(body.left, body.top, body.width, max(top - int(Inches(0.1)) - body.top,
                                                         int(Inches(1.0))))
    return replace(frames, page_number=page, source=source, body=body)


def _frames(title: Box | None, grid: dict, width: int, height: int,
            free: Box | None = None) -> Frames:
    frames = _frames_around(title, grid, width, height, free)
    if title is not None and frames.body.height < height * 0.3:  # the title takes the room
        frames = _frames_around(None, grid, width, height, free)
    return frames


def _frames_around(title: Box | None, grid: dict, width: int, height: int,
                   free: Box | None) -> Frames:
    """The furniture's frames: inside the free area (when known) and the learned margins.

    A missing or unusable title placeholder gets the built-in geometry at the top of
    the free area; a tracker with no room above the title takes the title's top.
    """
    area = free or Box(0, 0, width, height)
    left = area.left + MIN_MARGIN if area.left > 0 else _margin(
        max(int(grid.get("margin_left", 0)), title.left if title else 0), int(width * 0.1))
    right = (width - area.right) + MIN_MARGIN if area.right < width else _margin(
        grid.get("margin_right"), int(width * 0.1))
    bottom = (height - area.bottom) + int(Inches(0.1)) if area.bottom < height else _margin(
        grid.get("margin_bottom"), int(height * 0.1))
    content_width = width - left - right
    tracker_height = int(Inches(0.3))
    if title is None:
        title = Box(left, area.top + MIN_MARGIN + tracker_height, content_width,
                    int(Inches(1.05)))
    if title.top < tracker_height and title.height - tracker_height >= Inches(0.45):
        # no room above: the tracker takes the title's top, the title keeps its bottom
        # (moved down whole, it would run into what the template draws under its title: a
        # band's edge, a rule, a logo)
        title = Box(title.left, title.top + tracker_height, title.width,
                    title.height - tracker_height)
    source_height = int(Inches(0.42))
    source_top = height - bottom - source_height
    body_top = max(title.bottom, area.top) + int(Inches(0.2))
    if source_top - body_top < height * 0.4:  # a tall title area: keep room for the body
        source_top = min(height - MIN_MARGIN, area.bottom) - source_height
    tracker_top = max(title.top - tracker_height, 0)  # a title too low to share: over its top
    return Frames(
        tracker=Box(left, tracker_top, content_width, tracker_height),
        title=title,
        body=Box(left, body_top, content_width, source_top - body_top - int(Inches(0.1))),
        source=Box(left, source_top, content_width - int(Inches(1.0)), source_height),
        page_number=Box(width - right - int(Inches(0.8)), height - bottom - int(Inches(0.3)),
                        int(Inches(0.8)), int(Inches(0.3))),
        title_rule_y=None,
    )
