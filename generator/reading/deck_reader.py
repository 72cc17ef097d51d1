"""Read any .pptx into a DeckSpec, so it can be rendered again in a house design (restyle).

Per slide: its kind, title, bullets with their levels, tables with their cells,
native charts with their numbers (`reading.charts`), pictures (extracted into a
folder the caller owns and passes to the renderer as its trusted `base_dir`),
speaker notes and a "Source:" / "出典" line.  What has no DeckSpec form
(SmartArt, free-form drawings, embedded objects, video) is carried over as a
picture of its region cut from the rendered source slide (`reading.regions`),
and listed in `ReadDeck.unmapped`.

One source slide may become several spec slides (a chart and a table on one
slide become two, the second titled "(cont.)"): nothing is dropped to fit a kind.
Uploads are read only after `ingest.receive` made a checked clean copy
(`read_upload`).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from django.utils.translation import gettext as _
from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE, PP_PLACEHOLDER
from pptx.exc import PackageNotFoundError

from generator.errors import InvalidDeckFile, SpecError
from generator.intake.ingest import receive
from generator.ooxml import (DIAGRAM_NS, graphic_uris, has_picture_fill, paragraph_has_slide_number,
                              paragraph_margin, plays_media, shape_description)
from generator.reading.charts import read_chart, read_growth_share
from generator.reading.own_shapes import own_text_shape, read_own
from generator.reading.regions import Region, crop_regions, render_source
from generator.render.words import word
from generator.spec import MAX_NOTES_CHARS, MAX_TEXT_CHARS, DeckSpec, load_spec

TITLE_CHARS = 110  # longer titles keep their first part; the rest leads the bullets
MAX_POINTS = 60
MAX_SUBS = 8
MAX_CHART_POINTS = 5
MAX_TABLE_COLUMNS = 10
MAX_TABLE_ROWS = 300
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SOURCE = re.compile(r"^\s*(sources?\s*[:：]|出典|出所|資料\s*[:：])", re.I)
_SOURCE_PREFIX = re.compile(r"^\s*(sources?|出典|出所|資料)\s*[:：]?\s*", re.I)
_NOTE = re.compile(r"^\s*(notes?\s*[:：]|注\s*[:：]|備考\s*[:：])", re.I)
_AGENDA_TITLES = {"agenda", "contents", "table of contents", "outline", "アジェンダ", "目次",
                  "本日の内容", "議題"}
_SKIPPED_PLACEHOLDERS = {PP_PLACEHOLDER.DATE, PP_PLACEHOLDER.FOOTER,
                         PP_PLACEHOLDER.SLIDE_NUMBER, PP_PLACEHOLDER.HEADER}
_TITLE_PLACEHOLDERS = {PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE,
                       PP_PLACEHOLDER.VERTICAL_TITLE}
_APPENDIX_TITLES = {"Appendix", "参考資料", "付録", "Appendices"}
GROWTH_SHARE = "Growth-Share Matrix"  # this renderer's name for its growth-share chart


@dataclass
class ReadDeck:
    """A deck read back: its spec, the folder its pictures are in, what had no form."""

    spec: DeckSpec
    pictures: Path
    unmapped: list[Region] = field(default_factory=list)

    def report(self) -> list[str]:
        """One line per region carried over as a picture (or only listed)."""
        lines = []
        for region in self.unmapped:
            how = (_("kept as a picture") if region.picture
                   else _("not kept: no slide pictures on this server"))
            lines.append(_("slide %(slide)d: %(what)s, %(how)s")
                         % {"slide": region.slide, "what": region.what, "how": how})
        return lines


def read_upload(source: BinaryIO | Path, pictures: Path, *, filename: str = "",
                regions: bool = True, before: bool = False) -> ReadDeck:
    """Safe intake (`ingest.receive`), then `read_deck` on the checked clean copy.

    `before`: also keep pictures of every source slide (`pictures/.source-pictures`,
    where the slide-picture pipeline is available) for a before/after view.
    Raises `InvalidDeckFile` with a clear message for anything intake refuses.
    """
    checked = receive(source, filename=filename)
    try:
        read = read_deck(checked.path, pictures, regions=regions)
        if before:
            render_source(checked.path, pictures)
        return read
    finally:
        checked.path.unlink(missing_ok=True)


def read_deck(path: Path, pictures: Path, *, regions: bool = True) -> ReadDeck:
    """Read the (already checked) deck at `path`; its pictures go into `pictures`."""
    try:
        prs = Presentation(str(path))
    except (PackageNotFoundError, KeyError, ValueError) as exc:
        raise InvalidDeckFile(_("This file is not a PowerPoint deck that can be read.")) from exc
    pictures.mkdir(parents=True, exist_ok=True)
    reader = _Reader(prs, pictures)
    slides: list[dict] = []
    for number, slide in enumerate(prs.slides, start=1):
        slides.extend(reader.slide(slide, number))
    if regions and reader.regions:
        crop_regions(path, reader.regions, (prs.slide_width, prs.slide_height), pictures)
    for pending in reader.region_slides:
        region = pending.pop("_region")
        if region.picture:
            pending["image"] = {"path": region.picture, "alt": region.what}
    slides = [s for s in slides if s.get("image") or s.get("points") or s["kind"] != "message"
              or not s.pop("_region_only", False)]
    for s in slides:
        s.pop("_region_only", None)
    if not slides:
        raise InvalidDeckFile(_("This deck has no slides to restyle."))
    _drop_inherited_trackers(slides)
    title = _deck_title(prs, slides, path)
    sticker = _deck_sticker(slides)
    try:
        spec = load_spec({"title": title, "slides": slides, **sticker}, base_dir=pictures)
    except SpecError as exc:  # e.g. more slides than a deck may have, once split
        raise InvalidDeckFile(_("This deck cannot be restyled: %(problem)s")
                              % {"problem": str(exc).splitlines()[-1].strip()}) from None
    return ReadDeck(spec=spec, pictures=pictures, unmapped=reader.regions)


def _drop_inherited_trackers(slides: list[dict]) -> None:
    """After a section or appendix divider the renderer labels every slide with its title:
    that label comes from the divider, not from each slide."""
    label = None
    for slide in slides:
        if slide["kind"] in ("section", "appendix"):
            label = slide["title"]
        elif label is not None and slide.get("tracker") == label:
            del slide["tracker"]


def _deck_sticker(slides: list[dict]) -> dict:
    """{"sticker": ...} when every slide that can carry one has the same (the deck's, as
    the renderer draws it), taken off the slides; else {} and each keeps its own."""
    content = [s for s in slides if s["kind"] not in ("cover", "section", "appendix")]
    stickers = {s.get("sticker") for s in content}
    if len(stickers) != 1 or None in stickers:
        return {}
    for slide in content:
        del slide["sticker"]
    return {"sticker": stickers.pop()}


def _deck_title(prs, slides: list[dict], path: Path) -> str:
    for slide in slides:
        if slide["kind"] == "cover":
            return slide["title"]
    core = _clean(prs.core_properties.title or "")
    return core[:300] or slides[0].get("title") or path.stem


# -- text --------------------------------------------------------------------------------------
def _clean(text: str) -> str:
    return " ".join(_CONTROL.sub(" ", text.replace("\v", " ")).split())


def _chunks(text: str, limit: int) -> list[str]:
    """`text` in pieces of at most `limit` characters, cut at spaces where there are any."""
    pieces = []
    while len(text) > limit:
        cut = text.rfind(" ", 0, limit)
        cut = cut if cut > limit // 2 else limit
        pieces.append(text[:cut].strip())
        text = text[cut:].strip()
    return pieces + ([text] if text else [])


def _paragraphs(frame) -> list[tuple[int, str]]:
    """(level, text) of each paragraph with text.  Where no paragraph sets a level but
    their left margins differ (indentation drawn by margins), the margins give the levels."""
    found = []
    for paragraph in frame.paragraphs:
        if _only_page_number(paragraph):
            continue
        text = _clean("".join(run.text for run in paragraph.runs) if paragraph.runs
                      else paragraph.text)
        if text:
            found.append((paragraph.level, text, paragraph_margin(paragraph)))
    if found and not any(level for level, _t, _m in found):
        ranks = {margin: rank for rank, margin in enumerate(sorted({m for _l, _t, m in found}))}
        return [(ranks[margin], text) for _l, text, margin in found]
    return [(level, text) for level, text, _m in found]


def _only_page_number(paragraph) -> bool:
    """A paragraph that is just a slide-number field (a page number, not content)."""
    return paragraph_has_slide_number(paragraph) and not any(run.text.strip() for run in paragraph.runs)


def _points(lines: list[tuple[int, str]]) -> list[dict]:
    """Levelled lines as Point dicts: level 0 a point, deeper ones its sub-points."""
    points: list[dict] = []
    for level, text in lines:
        for piece in _chunks(text, MAX_TEXT_CHARS):
            if level == 0 or not points or len(points[-1]["sub"]) >= MAX_SUBS:
                points.append({"text": piece, "sub": []})
            else:
                points[-1]["sub"].append(piece)
    return points


def _batches(items: list, size: int) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), size)] or [[]]


# -- one slide ---------------------------------------------------------------------------------
@dataclass
class _Content:
    title: str = ""
    subtitle: list[str] = field(default_factory=list)
    blocks: list[tuple[object, list[tuple[int, str]]]] = field(default_factory=list)
    charts: list[dict] = field(default_factory=list)
    tables: list[list[list[str]]] = field(default_factory=list)
    pictures: list[dict] = field(default_factory=list)
    source: list[str] = field(default_factory=list)
    tracker: list[str] = field(default_factory=list)
    number: list[str] = field(default_factory=list)
    byline: list[str] = field(default_factory=list)
    unit: list[str] = field(default_factory=list)
    callout: list[str] = field(default_factory=list)
    sticker: list[str] = field(default_factory=list)
    takeaway: list[str] = field(default_factory=list)
    growth_share: object = None
    footnote: list[str] = field(default_factory=list)
    unmapped: list[tuple[object, str]] = field(default_factory=list)


class _Reader:
    def __init__(self, prs, pictures: Path):
        self.prs = prs
        self.pictures = pictures
        self.regions: list[Region] = []
        self.region_slides: list[dict] = []
        self.lang = "en"

    def slide(self, slide, number: int) -> list[dict]:
        content = _Content()
        for shape in _walk(slide.shapes):
            self._take(shape, content)
        self._take_source_lines(content)
        notes = self._notes(slide)
        title = content.title
        lead: list[tuple[int, str]] = []
        if len(title) > TITLE_CHARS:
            cut = title.rfind(" ", 0, TITLE_CHARS)
            cut = cut if cut > TITLE_CHARS // 2 else TITLE_CHARS
            title, rest = title[:cut].strip(), title[cut:].strip()
            lead = [(0, rest)]
        if not title:
            title = _("Slide %(number)d") % {"number": number}
        if lead:
            content.blocks.insert(0, (None, lead))
        built = self._compose(slide, number, title, content)
        if notes:
            built[0]["notes"] = notes
        return built

    # -- shapes --
    def _take(self, shape, content: _Content) -> None:
        kind = _shape_type(shape)
        role = _furniture_role(shape)
        if role == "skip":
            return
        if role == "byline" and shape.has_text_frame:  # author and date, an em space apart
            content.byline.extend(p for p in re.split(r"\u3000+|\n", shape.text_frame.text)
                                  if _clean(p))
            return
        if role and shape.has_text_frame:
            text = _clean(" ".join(t for _l, t in _paragraphs(shape.text_frame)))
            if text:
                getattr(content, role).append(text)
            return
        if shape.is_placeholder:
            ph = shape.placeholder_format.type
            if ph in _SKIPPED_PLACEHOLDERS:
                return
            if ph in _TITLE_PLACEHOLDERS and not content.title and shape.has_text_frame:
                content.title = _clean(" ".join(t for _l, t in _paragraphs(shape.text_frame)))
                return
            if ph == PP_PLACEHOLDER.SUBTITLE and shape.has_text_frame:
                content.subtitle.extend(t for _l, t in _paragraphs(shape.text_frame))
                return
        if getattr(shape, "has_chart", False) and shape.has_chart and shape.name == GROWTH_SHARE:
            content.growth_share = shape
            return
        if getattr(shape, "has_chart", False) and shape.has_chart:
            chart = read_chart(shape.chart)
            if chart is not None:
                content.charts.append(chart)
            else:
                content.unmapped.append((shape, _("a chart that cannot be read as numbers")))
            return
        if getattr(shape, "has_table", False) and shape.has_table:
            content.tables.append([[{"text": _clean(cell.text)} for cell in row.cells]
                                   for row in shape.table.rows])
            return
        what = self._unmappable(shape, kind)
        if what:
            content.unmapped.append((shape, what))
        elif kind == MSO_SHAPE_TYPE.PICTURE or _has_image(shape):
            picture = self._picture(shape)
            if picture is None:
                content.unmapped.append((shape, _("a picture in a format slides cannot show")))
            else:
                content.pictures.append(picture)
        if shape.has_text_frame:
            lines = _paragraphs(shape.text_frame)
            if lines:
                content.blocks.append((shape, lines))

    def _unmappable(self, shape, kind) -> str:
        if kind == MSO_SHAPE_TYPE.MEDIA or plays_media(shape):
            return _("a video or sound")
        if kind in (MSO_SHAPE_TYPE.EMBEDDED_OLE_OBJECT, MSO_SHAPE_TYPE.LINKED_OLE_OBJECT):
            return _("an embedded object")
        uris = graphic_uris(shape)
        if any(uri == DIAGRAM_NS for uri in uris):
            return _("a SmartArt graphic")
        if any("ole" in uri.lower() for uri in uris):
            return _("an embedded object")
        has_text = shape.has_text_frame and shape.text_frame.text.strip()
        if kind == MSO_SHAPE_TYPE.FREEFORM and not has_text:
            return _("a free-form drawing")
        return ""

    def _picture(self, shape) -> dict | None:
        try:
            image = shape.image
            blob, ext = image.blob, (image.ext or "png").lower()
        except (AttributeError, ValueError, KeyError):
            return None
        name = f"picture-{hashlib.sha256(blob).hexdigest()[:20]}.{ext}"
        target = self.pictures / name
        if not target.exists():
            target.write_bytes(blob)
        try:
            with Image.open(target) as check:
                check.verify()
        except Exception:  # EMF, WMF, SVG...: the rendered region stands in for it
            target.unlink(missing_ok=True)
            return None
        alt = _clean(shape_description(shape) or "")
        return {"path": name, "alt": alt[:MAX_TEXT_CHARS]}

    def _take_source_lines(self, content: _Content) -> None:
        kept = []
        for shape, lines in content.blocks:
            rest = []
            for level, text in lines:
                if _SOURCE.match(text):
                    content.source.append(_SOURCE_PREFIX.sub("", text, count=1).strip() or text)
                elif _NOTE.match(text):
                    content.footnote.append(_NOTE.sub("", text, count=1).strip() or text)
                else:
                    rest.append((level, text))
            if rest:
                kept.append((shape, rest))
        content.blocks = kept

    def _notes(self, slide) -> str:
        if not slide.has_notes_slide:
            return ""
        frame = slide.notes_slide.notes_text_frame
        if frame is None:
            return ""
        text = "\n".join(_CONTROL.sub(" ", p.text.replace("\v", "\n")).strip()
                         for p in frame.paragraphs)
        return text.strip()[:MAX_NOTES_CHARS]

    # -- composing spec slides --
    def _compose(self, slide, number: int, title: str, content: _Content) -> list[dict]:
        """The spec slides of one deck slide, its takeaway band given back to the slide
        that shows the chart, table or matrix (else kept as a message's callout)."""
        built = self._compose_slides(slide, number, title, content)
        takeaway = " ".join(content.takeaway)[:MAX_TEXT_CHARS]
        if not takeaway:
            return built
        target = next((s for s in built if s["kind"] in _TAKEAWAY_KINDS), None)
        if target is not None:
            target["takeaway"] = takeaway
        else:
            _give_callout(built, takeaway)
        return built

    def _compose_slides(self, slide, number: int, title: str, content: _Content) -> list[dict]:
        lines = [line for _shape, block in content.blocks for line in block]
        objects = content.charts or content.tables or content.pictures or content.unmapped
        furniture = {}
        if content.source:
            furniture["source"] = "; ".join(content.source)[:MAX_TEXT_CHARS]
        if content.footnote:
            furniture["footnote"] = " ".join(content.footnote)[:MAX_TEXT_CHARS]
        if content.tracker:
            furniture["tracker"] = " ".join(content.tracker)[:200]
        if content.sticker:
            furniture["sticker"] = " ".join(content.sticker)[:200]
        layout = (slide.slide_layout.name or "").lower()
        subtitle = " ".join(content.subtitle)
        if content.growth_share is not None:
            matrix = _growth_share(slide, content)
            if matrix is not None:
                return [{**matrix, "title": title, **furniture}]
            chart = read_chart(content.growth_share.chart)
            if chart is None:
                content.unmapped.append((content.growth_share, _("a chart that cannot be "
                                                                   "read as numbers")))
            else:
                content.charts.append(chart)
            objects = True
        own = None if objects else _own_diagram(slide, content.blocks)
        if own is not None:
            return [{**own, "title": title, **furniture}]
        if not objects and not (content.source or content.footnote):
            simple = _divider(number, title, subtitle, lines, layout, content.byline)
            if simple is not None:
                if content.number and simple["kind"] == "section":
                    simple["number"] = " ".join(content.number)[:200]
                return [simple]
            agenda_like = title.strip().lower() in _AGENDA_TITLES or _has_agenda_items(slide)
            if agenda_like and lines and len(lines) <= 12 and all(
                    level == 0 and len(text) <= 200 for level, text in lines):
                agenda = {"kind": "agenda", "title": title, "items": [t for _l, t in lines],
                          **furniture}
                current = _agenda_current(slide)
                if current is not None and current <= len(lines):
                    agenda["current"] = current
                return [agenda]
            columns = _two_columns(content.blocks)
            if columns is not None and not subtitle:
                return [{"kind": "two_column", "title": title, **columns, **furniture}]
        lines = [(0, text) for text in content.number + content.byline] + lines
        if subtitle:
            lines = [(0, subtitle)] + lines
        points = _points(lines)
        if (not objects and not content.callout and points and len(points) <= 8
                and title.strip().lower() in _SUMMARY_TITLES):
            return [{"kind": "executive_summary", "title": title, "points": points, **furniture}]
        _mark_cells(slide, content)
        built = self._with_objects(number, title, points, content, furniture)
        if content.unit and len(content.charts) == 1:
            unit = " ".join(content.unit)
            unit = unit[1:-1] if unit[:1] + unit[-1:] in ("()", "（）") else unit
            if built[0]["kind"] == "chart" and unit:
                built[0]["chart"]["unit"] = unit[:200]
        callout = " ".join(content.callout)[:MAX_TEXT_CHARS]
        if callout:
            _give_callout(built, callout)
        return built

    def _with_objects(self, number: int, title: str, points: list[dict], content: _Content,
                      furniture: dict) -> list[dict]:
        slides: list[dict] = []
        more = f"{title}{word('continued', 'ja' if re.search(r'[぀-ヿ一-鿿]', title) else 'en')}"

        def add(slide: dict) -> None:
            slide["title"] = title if not slides else more
            slides.append(slide)

        for index, chart in enumerate(content.charts):
            slide = {"kind": "chart", "chart": chart}
            if index == 0 and points and len(points) <= MAX_CHART_POINTS:
                slide["points"], points = points, []
            add(slide)
        for picture in content.pictures:
            slide = {"kind": "message", "image": picture}
            if points and not slides:
                slide["points"], points = points[:MAX_POINTS], points[MAX_POINTS:]
            add(slide)
        for shape, what in content.unmapped:
            region = Region(slide=number, left=int(shape.left or 0), top=int(shape.top or 0),
                            width=int(shape.width or 0), height=int(shape.height or 0),
                            what=what)
            self.regions.append(region)
            slide = {"kind": "message", "_region": region, "_region_only": True}
            if points and not slides:
                slide["points"], points = points[:MAX_POINTS], points[MAX_POINTS:]
            add(slide)
            self.region_slides.append(slide)
        for table in content.tables:
            for piece in _table_slides(table):
                add(piece)
        for batch in _batches(points, MAX_POINTS):
            if batch or not slides:
                add({"kind": "message", "points": batch})
        for key, value in furniture.items():
            slides[0][key] = value
        return slides


_ROLES = {"tracker": "tracker", "section number": "number", "page number": "skip",
          "current marker": "skip", "byline": "byline", "unit": "unit", "callout": "callout",
          "sticker": "sticker", "section agenda marker": "skip", "takeaway": "takeaway"}
_TAKEAWAY_KINDS = ("chart", "table", "matrix", "growth_share")
_SUMMARY_TITLES = {"executive summary", "summary", "エグゼクティブサマリー", "エグゼクティブ・サマリー",
                   "サマリー", "要旨", "要約"}
_NEXT_STEP_HEADERS = ({"action", "owner", "due"}, {"アクション", "担当", "期限"},
                      {"action", "owner", "date"}, {"タスク", "担当", "期限"})
_MARK = re.compile(r"(Harvey ([0-4])/4|RAG (red|amber|green)) r(\d+)c(\d+)")


def _give_callout(built: list[dict], text: str) -> None:
    """`text` as the callout of the first message slide that has none, else as a message
    slide of its own after the others."""
    message = next((s for s in built if s["kind"] == "message" and not s.get("callout")
                    and not s.get("_region_only")), None)
    if message is not None:
        message["callout"] = text
    else:
        built.append({"kind": "message", "title": built[-1]["title"],
                      "points": [{"text": text, "sub": []}]})


def _furniture_role(shape) -> str:
    """What a shape named as slide furniture holds (decks written by this renderer and
    others that name their shapes so): tracker, section number, or nothing to keep."""
    name = (shape.name or "").strip().lower()
    if re.fullmatch(r"agenda number \d+|summary number \d+|section agenda (item|number) \d+"
                    r"|key \d+ (swatch|name|value|rule)", name):  # a round chart's key
        return "skip"
    return _ROLES.get(name, "")


def _walk(shapes):
    for shape in shapes:
        if shape.shape_type == MSO_SHAPE_TYPE.GROUP:
            yield from _walk(shape.shapes)
        else:
            yield shape


def _shape_type(shape):
    try:
        return shape.shape_type
    except (NotImplementedError, KeyError, ValueError):
        return None


def _has_image(shape) -> bool:
    return has_picture_fill(shape) and shape.is_placeholder


def _divider(number: int, title: str, subtitle: str, lines, layout: str,
             byline: list[str]) -> dict | None:
    """A cover (first slide) or a section divider: a title and at most a short line under it."""
    if number == 1 and byline and len(" ".join(byline)) <= 200:
        cover = _divider(number, title, subtitle, lines, layout, [])
        if cover is not None and cover["kind"] == "cover":
            cover["author"] = _clean(byline[0])
            if len(byline) > 1:
                cover["date"] = _clean(" ".join(byline[1:]))
            return cover
    texts = ([subtitle] if subtitle else []) + [t for _l, t in lines] + [_clean(b) for b in byline]
    joined = " ".join(texts)
    if len(texts) > 3 or len(joined) > MAX_TEXT_CHARS:
        return None
    if number == 1 and (subtitle or "title" in layout or not texts):
        cover = {"kind": "cover", "title": title}
        if joined:
            cover["subtitle"] = joined
        return cover
    if title in _APPENDIX_TITLES and len(joined) <= MAX_TEXT_CHARS:
        appendix = {"kind": "appendix", "title": title}
        if joined:
            appendix["subtitle"] = joined
        return appendix
    if "section" in layout or "セクション" in layout or not texts:
        section = {"kind": "section", "title": title}
        if joined:
            section["subtitle"] = joined
        return section
    return None


def _named_columns(blocks) -> dict | None:
    """Columns drawn by this renderer: shapes named Left/Right Heading and Body."""
    named = {(shape.name or "").lower(): lines for shape, lines in blocks if shape is not None}
    if len(named) != len(blocks) or not set(named) <= {"left heading", "left body",
                                                        "right heading", "right body"}:
        return None
    columns = {}
    for side in ("left", "right"):
        heading = " ".join(t for _l, t in named.get(f"{side} heading", []))
        points = _points(named.get(f"{side} body", []))
        if len(heading) > 200 or len(points) > 12:
            return None
        columns[side] = {"points": points, **({"heading": heading} if heading else {})}
    return columns


def _two_columns(blocks) -> dict | None:
    """Two text boxes side by side (and nothing else) are a two-column slide."""
    named = _named_columns(blocks)
    if named is not None:
        return named
    if len(blocks) != 2 or any(shape is None for shape, _lines in blocks):
        return None
    (left, left_lines), (right, right_lines) = sorted(blocks, key=lambda b: b[0].left or 0)
    if None in (left.left, left.width, right.left, left.top, right.top, left.height):
        return None
    side_by_side = left.left + left.width <= right.left + right.width // 4
    level = abs(left.top - right.top) < max(left.height, right.height) // 2
    columns = [_points(left_lines), _points(right_lines)]
    if not (side_by_side and level) or any(len(c) > 12 for c in columns):
        return None
    return {"left": {"points": columns[0]}, "right": {"points": columns[1]}}


def _table_slides(table: list[list[dict]]) -> list[dict]:
    """A table as table slides: wide ones split by columns (first column repeated), long by
    rows; a header of Action | Owner | Due makes a next-steps slide."""
    width = max((len(row) for row in table), default=0)
    if width == 0:
        return []
    rows = [row + [{"text": ""}] * (width - len(row)) for row in table]
    header, body = (rows[0], rows[1:]) if len(rows) > 1 else ([{"text": ""}] * width, rows)
    names = [cell["text"] for cell in header]
    if ({n.strip().lower() for n in names} in _NEXT_STEP_HEADERS and width == 3 and body
            and all(len(r[0]["text"]) <= MAX_TEXT_CHARS and r[0]["text"] for r in body)):
        return [{"kind": "next_steps", "actions": [
            {"action": r[0]["text"], "owner": r[1]["text"][:200], "due": r[2]["text"][:200]}
            for r in batch]} for batch in _batches(body, 40)]
    groups = [list(range(width))] if width <= MAX_TABLE_COLUMNS else [
        [0] + list(range(start, min(start + MAX_TABLE_COLUMNS - 1, width)))
        for start in range(1, width, MAX_TABLE_COLUMNS - 1)]
    slides = []
    for group in groups:
        for batch in _batches(body, MAX_TABLE_ROWS):
            slides.append({
                "kind": "table", "columns": [names[i][:200] for i in group],
                "rows": [[{**row[i], "text": row[i]["text"][:MAX_TEXT_CHARS]} for i in group]
                         for row in batch],
            })
    return slides


def _growth_share(slide, content: _Content) -> dict | None:
    """This renderer's growth-share matrix: its bubble chart and quadrant labels, nothing else."""
    labels = {}
    for shape, lines in content.blocks:
        match = re.fullmatch(r"Quadrant Label (\d)", (shape.name if shape is not None else ""))
        if not match:
            return None
        labels[int(match.group(1))] = " ".join(t for _l, t in lines)
    if content.charts or content.tables or content.pictures or content.unmapped:
        return None
    ordered = [labels[n] for n in sorted(labels)]
    lang = "ja" if any(re.search(r"[぀-ヿ一-鿿]", t) for t in ordered) else "en"
    defaults = [word(k, lang) for k in ("stars", "question_marks", "cash_cows", "dogs")]
    return read_growth_share(content.growth_share.chart,
                             [] if ordered == defaults else ordered)


def _own_diagram(slide, blocks) -> dict | None:
    """A diagram this renderer drew (`reading.own_shapes`), when its named shapes are all
    the text the slide holds."""
    if any(shape is None or not own_text_shape(shape.name) for shape, _lines in blocks):
        return None
    return read_own(list(_walk(slide.shapes)))


def _has_agenda_items(slide) -> bool:
    """Whether the slide is an agenda this renderer drew (its items are named so)."""
    return any(re.fullmatch(r"Agenda Item \d+", s.name or "") for s in slide.shapes)


def _agenda_current(slide) -> int | None:
    """The agenda item beside this renderer's "Current Marker", if there is one."""
    shapes = list(_walk(slide.shapes))
    marker = next((s for s in shapes if s.name == "Current Marker"), None)
    if marker is None or marker.top is None:
        return None
    middle = marker.top + (marker.height or 0) // 2
    for shape in shapes:
        match = re.fullmatch(r"Agenda Item (\d+)", shape.name or "")
        if match and shape.top is not None and shape.top <= middle <= shape.top + shape.height:
            return int(match.group(1))
    return None


def _mark_cells(slide, content: _Content) -> None:
    """Harvey balls and RAG dots this renderer drew over a table's cells, back into them."""
    if len(content.tables) != 1:
        return
    table = content.tables[0]
    for shape in _walk(slide.shapes):
        match = _MARK.fullmatch(shape.name or "")
        if not match:
            continue
        row, column = int(match.group(4)), int(match.group(5)) - 1
        if row < len(table) and column < len(table[row]):
            cell = table[row][column]
            if match.group(2) is not None:
                cell["harvey"] = int(match.group(2))
            else:
                cell["rag"] = match.group(3)
