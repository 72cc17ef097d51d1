"""Learn a house design from an uploaded deck: `DesignAsset` + `DesignPattern` rows.

Patterns (pattern_type: what pattern_data holds):
- theme_colors: dk1, lt1, dk2, lt2, accent1-6, hlink as 'RRGGBB'
- theme_fonts: major/minor Latin and East Asian typefaces
- slide_size: width, height (EMU)
- layout (one per layout): placeholders (type, idx, geometry), the slide kind it serves
  and the confidence of that mapping
- slide (one per slide): its kind, title geometry, body area, text density, sizes used
- chart_style, table_style: series colours, labels, gridlines, legend, gap width; table style
- typography: title / body / source sizes actually used
- grid: margins and column edges inferred from shape edges

quality_score (0..1) per pattern, and the formula behind it:
- alignment: share of shape left edges within 0.05" of an inferred grid edge
- contrast: WCAG ratio of dk1 on lt1, scaled (7:1 or better = 1)
- fonts: 1 for at most two Latin families in use, 0.7 for three, 0.4 beyond
- density: 1 up to 400 characters a slide, falling linearly to 0 at 1,200
- completeness: the share of what a design needs that the file provides
theme_colors = 0.6 contrast + 0.4 completeness; theme_fonts = completeness
(Latin + East Asian); layout = its mapping confidence; slide = mean of
alignment and density; typography = fonts; grid = alignment; chart and
table styles = completeness of what was found.  Patterns above 0.5 are the
"learned patterns" that backups export.
"""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from statistics import mean, median

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.util import Emu

from generator import files, queueing

from generator.intake import ingest, removal_notes
from generator.errors import InvalidDeckFile
from generator.models import DesignAsset, DesignPattern
from generator.colours import contrast_ratio
from generator.learning.layout_probe import attach_probes
from generator.ooxml import (chart_plot_types, chart_style_facts, master_text_size, read_theme,
                              shape_box, table_style_facts)
from generator.previews.soffice import asset_prefix, available

logger = logging.getLogger(__name__)
_SNAP = int(Emu(914400 * 0.05))
_LAYOUT_NAMES = {
    "cover": ("title slide", "タイトル スライド", "タイトルスライド", "表紙", "cover"),
    "section": ("section", "セクション", "中扉", "divider"),
    "two_column": ("two content", "comparison", "2 つのコンテンツ", "比較", "two column"),
    "*": ("title only", "タイトルのみ"),
    "blank": ("blank", "白紙"),
}


@dataclass(frozen=True)
class Learned:
    """A learned asset and the sentences that tell the user what was removed or skipped."""

    asset: DesignAsset
    warnings: list[str]


def learn_design(*, file=None, path: Path | None = None, filename: str = "", category: str = "",
                 user=None) -> DesignAsset:
    """Check, store and learn an uploaded deck; returns its `DesignAsset` (see `learn_upload`)."""
    return learn_upload(file=file, path=path, filename=filename, category=category,
                        user=user).asset


def learn_upload(*, file=None, path: Path | None = None, filename: str = "", category: str = "",
                 user=None, queue_pictures: bool = True) -> Learned:
    """Check, store and learn an uploaded deck or template; returns the asset and warnings.

    What is stored is intake's clean copy (no macros, no outside links).  The
    same file again returns the asset learned before.  A new asset's slide and
    layout pictures are queued once it is committed, when LibreOffice is here
    (`queue_pictures=False` for a caller that renders them itself).  Raises
    `InvalidDeckFile`; then nothing is stored (no file, no row).
    """
    source = path if path is not None else file
    checked = ingest.receive(Path(source) if path is not None else source,
                             filename=filename or (path.name if path else ""))
    try:
        asset = DesignAsset.objects.filter(sha256=checked.sha256).first()
        if asset is None:
            asset = _store(checked, filename=filename or (path.name if path else "upload.pptx"),
                           category=category, user=user)
            if queue_pictures and available():
                new_pk = asset.pk
                transaction.on_commit(lambda: queueing.asset_thumbnails(new_pk))
    finally:
        checked.path.unlink(missing_ok=True)
    told = [removal_notes.message(note) for note in checked.notes]
    return Learned(asset, told + [w for w in warnings(asset) if w not in told])


def warnings(asset: DesignAsset) -> list[str]:
    """What learning removed from or skipped in the asset's file, as sentences."""
    return [removal_notes.message(p.pattern_data)
            for p in asset.patterns.filter(pattern_type=removal_notes.PATTERN_TYPE)]


def _store(checked: ingest.CheckedFile, *, filename: str, category: str, user) -> DesignAsset:
    # learned from the checked local copy, which is also what goes to the shared store
    # under a generated name: complete or not at all (files.store)
    patterns = _extract_or_refuse(checked.path)
    patterns += [removal_notes.as_pattern(note) for note in checked.notes]
    stored = files.store(checked.path, f"{files.ASSETS}/{uuid.uuid4().hex}.pptx")
    try:
        with transaction.atomic():
            asset = DesignAsset.objects.create(
                filename=Path(filename).name[:255], category=category[:100],
                stored_name=stored.rsplit("/", 1)[-1], sha256=checked.sha256,
                size_bytes=checked.size, slide_count=checked.slides, uploaded_by=user)
            _save_patterns(asset, patterns)
            asset.learned_at = timezone.now()
            asset.save(update_fields=["learned_at"])
    except BaseException:
        files.delete(stored)
        raise
    logger.info("learned design asset %s from '%s'", asset.pk, asset.filename)
    return asset


def relearn(asset: DesignAsset) -> DesignAsset:
    """Clean the stored file with today's intake and extract the patterns again (after an
    upgrade of the learner: an asset stored before outside links and macros were removed
    loses them here, and decks made in it from then on carry none)."""
    checked = _clean_again(asset)
    try:
        patterns = _extract_or_refuse(checked.path if checked else asset.path)
        patterns += [removal_notes.as_pattern(note) for note in (checked.notes if checked else ())]
        if checked and checked.sha256 != asset.sha256:
            files.replace(checked.path, asset.storage_name)  # atomic: old or clean, never half
            asset.size_bytes = checked.size
            if not DesignAsset.objects.filter(sha256=checked.sha256).exists():
                asset.sha256 = checked.sha256
    finally:
        if checked:
            checked.path.unlink(missing_ok=True)
    with transaction.atomic():
        asset.patterns.all().delete()
        _save_patterns(asset, patterns)
        asset.learned_at = timezone.now()
        asset.save(update_fields=["learned_at", "sha256", "size_bytes"])
    return asset


def _clean_again(asset: DesignAsset) -> ingest.CheckedFile | None:
    try:
        return ingest.receive(asset.path, filename=asset.filename)
    except InvalidDeckFile as exc:  # stored under older rules: keep it, say why
        logger.warning("design asset %s fails today's intake and is kept as it is: %s",
                       asset.pk, exc)
        return None


def delete_asset(asset: DesignAsset) -> None:
    """Remove an asset, its patterns, its file and its thumbnails (from the shared store)."""
    name, thumbs = asset.storage_name, asset_prefix(asset)
    asset.delete()
    files.delete(name)
    files.delete_all(thumbs)


def _save_patterns(asset: DesignAsset, patterns: list[dict]) -> None:
    DesignPattern.objects.bulk_create([
        DesignPattern(asset=asset, pattern_type=p["type"], pattern_name=p["name"][:200],
                      pattern_data=p["data"], quality_score=round(min(max(p["score"], 0.0),
                                                                      1.0), 4))
        for p in patterns
    ])


def _extract_or_refuse(path: Path) -> list[dict]:
    """`extract`, with whatever python-pptx raises on a part it cannot read as a refusal."""
    try:
        return extract(path)
    except (InvalidDeckFile, Warning):  # a warning made an error (the tests) is ours to see
        raise
    except Exception:  # python-pptx raises a wide range on damaged or unusual parts
        logger.warning("learning failed on a checked deck", exc_info=True)
        raise InvalidDeckFile(_("Part of the deck cannot be read as a presentation: open it in "
                                "PowerPoint and save it again.")) from None


# -- extraction -------------------------------------------------------------------------------------
def extract(path: Path) -> list[dict]:
    """Every pattern of the deck at `path` (already checked by `ingest`)."""
    try:
        prs = Presentation(str(path))
    except Exception:
        raise InvalidDeckFile(_("The deck cannot be read as a presentation: open it in "
                                "PowerPoint and save it again.")) from None
    theme = read_theme(prs.slide_master.part)
    colors = {slot: theme.colors.get(slot, "") for slot in ingest.THEME_SLOTS}
    edges = _left_edges(prs)
    grid = _grid(prs, edges)
    alignment = _alignment(edges, grid["columns"])
    patterns = [
        _theme_colors(colors),
        _theme_fonts(theme),
        {"type": "slide_size", "name": "slide size", "score": 1.0,
         "data": {"width": int(prs.slide_width), "height": int(prs.slide_height)}},
        {"type": "grid", "name": "grid", "score": alignment, "data": grid},
    ]
    patterns += [_layout(layout) for layout in _layouts(prs)]
    sizes, families, densities = _slides_facts(prs)
    patterns += [_slide(prs, index, slide, alignment, densities[index])
                 for index, slide in enumerate(prs.slides)]
    patterns.append(_typography(prs, sizes, families))
    patterns += _chart_and_table_styles(prs)
    return attach_probes(path, patterns, prs)  # what the used layouts really look like


def _theme_colors(colors: dict[str, str]) -> dict:
    present = sum(1 for v in colors.values() if v)
    contrast = contrast_ratio(colors["dk1"], colors["lt1"]) if colors["dk1"] and colors["lt1"] else 1
    score = 0.6 * min(contrast / 7.0, 1.0) + 0.4 * present / len(colors)
    return {"type": "theme_colors", "name": "theme colours", "data": colors, "score": score}


def _theme_fonts(theme) -> dict:
    data = {"major_latin": theme.major_latin, "minor_latin": theme.minor_latin,
            "major_ea": theme.major_ea, "minor_ea": theme.minor_ea}
    score = sum(1 for v in data.values() if v) / len(data)
    return {"type": "theme_fonts", "name": "theme fonts", "data": data, "score": score}


def _layouts(prs):
    for master in prs.slide_masters:
        yield from master.slide_layouts


def _geometry(shape) -> list[int] | None:
    left, top, width, height = shape_box(shape)
    if left is None or width is None:
        return None
    return [int(left), int(top), int(width), int(height)]


def _layout_kind(layout) -> tuple[str, float]:
    """The slide kind a layout serves best, with a confidence."""
    name = layout.name.lower()
    for kind, names in _LAYOUT_NAMES.items():
        if any(n in name for n in names):
            return kind, 0.9
    types = Counter(ph.placeholder_format.type for ph in layout.placeholders)
    bodies = types[PP_PLACEHOLDER.BODY] + types[PP_PLACEHOLDER.OBJECT]
    if types[PP_PLACEHOLDER.CENTER_TITLE] and types[PP_PLACEHOLDER.SUBTITLE]:
        return "cover", 0.8
    if types[PP_PLACEHOLDER.TITLE] and bodies == 0:
        return "*", 0.75
    if types[PP_PLACEHOLDER.TITLE] and bodies >= 2:
        return "two_column", 0.6
    if types[PP_PLACEHOLDER.TITLE] and bodies == 1:
        return "message", 0.6
    if not types:
        return "blank", 0.5
    return "other", 0.3


def _layout(layout) -> dict:
    kind, confidence = _layout_kind(layout)
    placeholders = [{"type": str(ph.placeholder_format.type).split(".")[-1].split(" ")[0],
                     "idx": ph.placeholder_format.idx, "geometry": _geometry(ph)}
                    for ph in layout.placeholders]
    return {"type": "layout", "name": layout.name or "layout", "score": confidence,
            "data": {"kind": kind, "confidence": confidence, "placeholders": placeholders,
                     "master": layout.slide_master.name or ""}}


def _left_edges(prs) -> list[int]:
    edges = []
    sources = list(prs.slides) or list(_layouts(prs))
    for source in sources:
        for shape in source.shapes:
            left, _top, width, _height = shape_box(shape)
            if left is not None and width:
                edges.append(int(left))
    return edges


def _grid(prs, edges: list[int]) -> dict:
    width, height = int(prs.slide_width), int(prs.slide_height)
    boxes = []
    for source in list(prs.slides) or list(_layouts(prs)):
        for shape in source.shapes:
            geometry = _geometry(shape)
            if geometry and geometry[2] < width * 0.98 and geometry[3] < height * 0.98:
                boxes.append(geometry)
    if not boxes:
        margin = int(width * 0.05)
        return {"margin_left": margin, "margin_right": margin, "margin_top": margin,
                "margin_bottom": margin, "columns": []}
    left = max(min(b[0] for b in boxes), 0)
    right = max(width - max(b[0] + b[2] for b in boxes), 0)
    top = max(min(b[1] for b in boxes), 0)
    bottom = max(height - max(b[1] + b[3] for b in boxes), 0)
    return {"margin_left": left, "margin_right": right, "margin_top": top,
            "margin_bottom": bottom, "columns": _clusters(edges)}


def _clusters(edges: list[int]) -> list[int]:
    """Left edges used at least twice, merged when within 0.05 inch: the column lines."""
    counts = Counter(round(edge / _SNAP) for edge in edges)
    return sorted(key * _SNAP for key, count in counts.items() if count >= 2)


def _alignment(edges: list[int], columns: list[int]) -> float:
    if not edges:
        return 0.5
    if not columns:
        return 0.3
    aligned = sum(1 for edge in edges if min(abs(edge - c) for c in columns) <= _SNAP)
    return aligned / len(edges)


def _slides_facts(prs) -> tuple[dict, Counter, list[float]]:
    sizes: dict[str, list[float]] = {"title": [], "body": [], "small": []}
    families: Counter = Counter()
    densities = []
    for slide in prs.slides:
        characters = 0
        for shape in slide.shapes:
            if not shape.has_text_frame:
                continue
            role = _role(shape, slide, prs)
            for paragraph in shape.text_frame.paragraphs:
                for run in paragraph.runs:
                    characters += len(run.text)
                    if run.font.size is not None:
                        sizes[role].append(run.font.size.pt)
                    if run.font.name:
                        families[run.font.name] += 1
        densities.append(_density(characters))
    return sizes, families, densities


def _density(characters: int) -> float:
    if characters <= 400:
        return 1.0
    return max(0.0, 1 - (characters - 400) / 800)


def _role(shape, slide, prs) -> str:
    if shape.is_placeholder and shape.placeholder_format.type in (
            PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE):
        return "title"
    if shape.top is not None and shape.top > prs.slide_height * 0.85:
        return "small"
    return "body"


def _slide_kind(slide) -> str:
    shapes = list(slide.shapes)
    if any(getattr(s, "has_chart", False) and s.has_chart for s in shapes):
        return "chart"
    if any(getattr(s, "has_table", False) and s.has_table for s in shapes):
        return "table"
    layout_kind, _ = _layout_kind(slide.slide_layout)
    if layout_kind in ("cover", "section", "two_column"):
        return layout_kind
    return "message"


def _slide(prs, index: int, slide, alignment: float, density: float) -> dict:
    title = next((s for s in slide.placeholders if s.placeholder_format.type in (
        PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE)), None)
    others = [g for g in (_geometry(s) for s in slide.shapes if s is not title) if g]
    body = None
    if others:
        left = min(g[0] for g in others)
        top = min(g[1] for g in others)
        body = [left, top, max(g[0] + g[2] for g in others) - left,
                max(g[1] + g[3] for g in others) - top]
    sizes = sorted({run.font.size.pt for s in slide.shapes if s.has_text_frame
                    for p in s.text_frame.paragraphs for run in p.runs if run.font.size})
    return {"type": "slide", "name": f"slide {index + 1}", "score": (alignment + density) / 2,
            "data": {"index": index + 1, "kind": _slide_kind(slide),
                     "layout": slide.slide_layout.name, "title": _geometry(title) if title else None,
                     "body": body, "density": round(density, 3), "font_sizes": sizes}}


def _typography(prs, sizes: dict, families: Counter) -> dict:
    master_title = _master_size(prs, "titleStyle") or 32.0
    master_body = _master_size(prs, "bodyStyle") or 18.0
    data = {
        "title": median(sizes["title"]) if sizes["title"] else master_title,
        "body": median(sizes["body"]) if sizes["body"] else master_body,
        "source": min(sizes["small"]) if sizes["small"] else None,
        "families": [name for name, _ in families.most_common(5)],
    }
    count = len(families)
    score = 1.0 if count <= 2 else 0.7 if count == 3 else 0.4
    return {"type": "typography", "name": "typography", "data": data, "score": score}


def _master_size(prs, style: str) -> float | None:
    return master_text_size(prs.slide_master, style)


def _chart_and_table_styles(prs) -> list[dict]:
    patterns, style = [], None
    for number, slide in enumerate(prs.slides, start=1):
        for shape in slide.shapes:
            if not (getattr(shape, "has_chart", False) and shape.has_chart):
                continue
            try:
                style = style or _chart_style(shape.chart)
            except Exception:  # python-pptx reads no 3-D and few damaged charts: skip, tell
                patterns.append(removal_notes.as_pattern(
                    removal_notes.chart(number, _plot_types(shape))))
        if any(rel.reltype.endswith("/chartEx") for rel in slide.part.rels.values()):
            patterns.append(removal_notes.as_pattern(removal_notes.chart(number, ["chartex"])))
    if style is not None:
        patterns.append(style)
    tables = [shape for slide in prs.slides for shape in slide.shapes
              if getattr(shape, "has_table", False) and shape.has_table]
    if tables:
        patterns.append(_table_style(tables[0]))
    return patterns


def _plot_types(frame) -> list[str]:
    """The plot elements of a chart python-pptx could not read (bar3DChart, ...)."""
    try:
        return chart_plot_types(frame.chart_part)
    except Exception:
        return []


def _chart_style(chart) -> dict:
    facts = chart_style_facts(chart)
    data = {
        "chart_type": str(chart.chart_type).split(" ")[0],
        "series_colors": facts["series_colors"],
        "data_labels": facts["data_labels"],
        "gridlines": facts["gridlines"],
        "legend": chart.has_legend,
        "gap_width": facts["gap_width"],
    }
    known = sum(1 for v in data.values() if v not in (None, []))
    return {"type": "chart_style", "name": "chart style", "data": data,
            "score": known / len(data)}


def _table_style(frame) -> dict:
    data = table_style_facts(frame.table)
    known = sum(1 for v in data.values() if v not in (None,))
    return {"type": "table_style", "name": "table style", "data": data,
            "score": known / len(data)}


def summary(asset: DesignAsset) -> dict:
    """Counts and mean quality by pattern type (the learn command prints it)."""
    by_type: dict[str, list[float]] = {}
    for pattern in asset.patterns.all():
        by_type.setdefault(pattern.pattern_type, []).append(pattern.quality_score)
    return {kind: {"count": len(scores), "quality": round(mean(scores), 3)}
            for kind, scores in sorted(by_type.items())}
