"""A `Design` from a learned asset: its file is the template, its patterns the rules.

The template's masters, layouts and theme stay (logos, footers, colours);
each slide kind goes to the layout learned for it, content slides to the
"title only" layout, and the furniture (tracker, body, source, page number)
is placed on the grid learned from the deck's own shapes.
"""

from __future__ import annotations

from dataclasses import replace

from pptx.util import Inches

from .design import Box, Design, Fonts, Frames, Palette, Typography, default_design
from .errors import GeneratorError
from .models import DesignAsset
from .render.canvas import contrast_ratio, mix

MIN_MARGIN = int(Inches(0.3))


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
    layouts = _layout_map(patterns.get("layout", []))
    title_box = _title_box(patterns.get("layout", []), layouts.get("*"), width, height)
    grid = patterns.get("grid", [None])[0]
    frames = _frames(title_box, grid.pattern_data if grid else {}, width, height)
    return replace(
        base, name=asset.filename, slide_width=width, slide_height=height,
        palette=_palette(patterns["theme_colors"][0].pattern_data, base.palette),
        fonts=_fonts(patterns.get("theme_fonts", [None])[0], base.fonts),
        type=_typography(patterns.get("typography", [None])[0], base.type),
        frames=frames, template_path=template, layouts=layouts, asset_id=asset.pk,
    )


def _palette(colors: dict, default: Palette) -> Palette:
    values = {slot: (colors.get(slot) or getattr(default, slot)).upper()
              for slot in ("dk1", "lt1", "dk2", "lt2", "accent1", "accent2", "accent3",
                           "accent4", "accent5", "accent6", "hlink")}
    if contrast_ratio(values["dk1"], values["lt1"]) < 4.5:
        values["dk1"] = default.dk1 if contrast_ratio(default.dk1, values["lt1"]) >= 4.5 \
            else "000000"
    muted = _muted(values["dk1"], values["lt1"])
    return replace(default, **values, muted=muted, highlight=values["accent2"])


def _muted(text: str, background: str) -> str:
    """A grey between text and background that still reads at 4.5:1."""
    for share in (0.45, 0.35, 0.25, 0.15, 0.0):
        mixed = mix(text, background, share)
        if contrast_ratio(mixed, background) >= 4.6:
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


def _typography(pattern, default: Typography) -> Typography:
    if pattern is None:
        return default
    data = pattern.pattern_data
    title = min(max(float(data.get("title") or default.title), 20.0), 32.0)
    body = min(max(float(data.get("body") or default.body), 14.0), 20.0)
    return replace(default, title=title, title_min=min(18.0, title), body=body)


def _layout_map(layouts: list) -> dict[str, str]:
    """Slide kind -> layout name: the most confident layout learned for each kind."""
    best: dict[str, tuple[float, str]] = {}
    for pattern in layouts:
        kind = pattern.pattern_data.get("kind")
        confidence = pattern.pattern_data.get("confidence", 0)
        if kind and (kind not in best or confidence > best[kind][0]):
            best[kind] = (confidence, pattern.pattern_name)
    mapping = {}
    if "cover" in best:
        mapping["cover"] = best["cover"][1]
    if "section" in best:
        mapping["section"] = mapping["appendix"] = best["section"][1]
    content = best.get("*") or best.get("message")
    if content:
        mapping["*"] = content[1]
    return mapping


def _title_box(layouts: list, name: str | None, width: int, height: int) -> Box:
    for pattern in layouts:
        if pattern.pattern_name != name:
            continue
        for placeholder in pattern.pattern_data.get("placeholders", []):
            if placeholder["type"] in ("TITLE", "CENTER_TITLE") and placeholder["geometry"]:
                return Box.from_json(placeholder["geometry"])
    return Box(int(width * 0.05), int(height * 0.05), int(width * 0.9), int(height * 0.15))


def _margin(value, limit: int) -> int:
    """A learned margin kept sane: at least MIN_MARGIN, at most `limit` (sparse decks
    with a few small shapes would otherwise leave no room for a body)."""
    return min(max(int(value or 0), MIN_MARGIN), limit)


def _frames(title: Box, grid: dict, width: int, height: int) -> Frames:
    left = _margin(max(int(grid.get("margin_left", 0)), title.left), int(width * 0.1))
    right = _margin(grid.get("margin_right"), int(width * 0.1))
    bottom = _margin(grid.get("margin_bottom"), int(height * 0.1))
    content_width = width - left - right
    source_height = int(Inches(0.42))
    source_top = height - bottom - source_height
    body_top = title.bottom + int(Inches(0.2))
    if source_top - body_top < height * 0.4:  # a tall title area: keep room for the body
        source_top = height - MIN_MARGIN - source_height
    tracker_height = int(Inches(0.3))
    tracker_top = max(title.top - tracker_height, 0)
    return Frames(
        tracker=Box(left, tracker_top, content_width, min(tracker_height, title.top or 1)),
        title=title,
        body=Box(left, body_top, content_width, source_top - body_top - int(Inches(0.1))),
        source=Box(left, source_top, content_width - int(Inches(1.0)), source_height),
        page_number=Box(width - right - int(Inches(0.8)), height - bottom - int(Inches(0.3)),
                        int(Inches(0.8)), int(Inches(0.3))),
        title_rule_y=None,
    )
