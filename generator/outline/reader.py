"""Markdown outline -> DeckSpec.

pandoc's slide Markdown first, so existing pandoc decks render: YAML front
matter (or a `%` title block), one slide per heading at the slide level
(the highest level followed directly by content; higher levels become
section slides), `---` starts a new slide, two bullet levels, pipe tables,
`:::: columns` / `::: column`, `::: notes`, images.  Our extensions add the
other kinds (see `blocks.py` and examples/outline-syntax.*.md).  Every error
names the line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _
from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from generator.errors import OutlineError, SpecError
from generator.spec import MAX_SLIDES, DeckSpec, load_spec, no_local_pictures, picture_path_problem
from generator.outline import blocks, parsing, safe_yaml
from generator.outline.inline import image_source, images, only_image, only_strong, plain, split_attributes

_META_KEYS = {"title", "subtitle", "author", "date", "language", "lang", "confidentiality",
              "sticker"}
_PREFIXES = {
    "source": ("source:", "sources:", "出典:", "出典：", "出所:", "出所：", "資料:", "資料："),
    "footnote": ("note:", "notes:", "注:", "注：", "備考:", "備考："),
    "tracker": ("tracker:", "トラッカー:", "トラッカー："),
}
_KIND_CLASSES = {
    "agenda": "agenda", "summary": "executive_summary", "executive-summary": "executive_summary",
    "executive_summary": "executive_summary", "section": "section", "appendix": "appendix",
    "quote": "quote", "callout": "quote", "next-steps": "next_steps", "next_steps": "next_steps",
    "message": "message", "two-column": "two_column", "table": "table", "cover": "cover",
}
# the classes as the syntax guide writes them (examples/outline-syntax.*.md)
GUIDE_CLASSES = ", ".join(f".{name}" for name in (
    "agenda", "summary", "section", "appendix", "message", "two-column", "table", "quote",
    "next-steps", "cover"))
# the fenced blocks' names as the guide writes them, by slide kind
_BLOCK_NAMES = {"growth_share": "growth-share", "issue_tree": "tree"}
# kinds whose one bold line (**...**) is their takeaway box, the "so what"
_TAKEAWAY_KINDS = ("chart", "table", "matrix", "growth_share")
_SUMMARY_TITLES = ("executive summary", "summary", "エグゼクティブサマリー", "エグゼクティブ・サマリー",
                   "サマリー", "要旨", "要約")
_NEXT_STEP_HEADERS = ({"action", "owner", "due"}, {"アクション", "担当", "期限"},
                      {"action", "owner", "date"}, {"タスク", "担当", "期限"})
_PARSER = parsing.bounded(
    MarkdownIt("commonmark", {"html": False}).enable("table")
    .use(front_matter_plugin).use(container_plugin, "div", validate=lambda *args: True)
)


@dataclass
class _Slide:
    """The Markdown of one slide: heading text, classes, attributes, its nodes, where it starts."""

    title: str
    line: int
    level: int = 0
    classes: list[str] = field(default_factory=list)
    attrs: dict[str, str] = field(default_factory=dict)
    nodes: list[SyntaxTreeNode] = field(default_factory=list)
    section: bool = False
    picture_lines: list[int] = field(default_factory=list)  # pictures the slide shows


@dataclass(frozen=True)
class SlideLines:
    """Where a slide of the deck was written: its heading's line and the first line of each
    part (`points`, `tables`, `block`, `columns`, `callout`, `source`, ...)."""

    line: int
    parts: dict[str, int] = field(default_factory=dict)

    def of(self, part: str) -> int:
        return self.parts.get(part, self.line)


@dataclass(frozen=True)
class Outline:
    """An outline read: its `DeckSpec` and where each of its slides was written."""

    spec: DeckSpec
    slides: list[SlideLines]

    def place(self, index: int, kind: str, field_name: str = "") -> str:
        """'line 12 (slide 3, chart): chart.type' for slide `index` (0-based) and a field of
        it, at the line of the construct that holds the field."""
        return _place_at(self.slides, index, kind, field_name)


def read_outline(text: str, *, base_dir: Path | None = None) -> DeckSpec:
    """Read a Markdown outline into a validated `DeckSpec` (see `read_outline_places`)."""
    return read_outline_places(text, base_dir=base_dir).spec


def read_outline_places(text: str, *, base_dir: Path | None = None) -> Outline:
    """Read a Markdown outline into a validated `DeckSpec`, with its slides' lines.

    `base_dir` is the outline's folder (the command line): only then may the
    outline embed a picture, from inside that folder.  Raises
    `OutlineError`/`SpecError` whose message starts with the line, e.g.
    "line 42 (slide 7, chart): chart.series[0] ...".  Any text is refused or read
    in bounded time and memory, and no line is dropped without a word.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # markdown-it's own line ends
    parsing.check_source(text)
    if not text.strip():
        raise OutlineError(_("the outline is empty"), 1)
    text, title_block = _pandoc_title_block(text)
    tokens = parsing.parse(_PARSER, text)
    _check_pictures(tokens, base_dir)
    tree = SyntaxTreeNode(tokens)
    meta, nodes = _front_matter(tree.children)
    meta = {**title_block, **meta}
    slides = _split(nodes)
    if not slides:
        raise OutlineError(_("the outline has no slides: start each slide with a '#' heading"),
                           1)
    _check_slide_count(meta, slides)
    data, lines = _deck(meta, slides)
    _check_pictures_shown(tokens, slides)
    try:
        return Outline(load_spec(data, base_dir=base_dir), lines)
    except SpecError as exc:
        raise _with_lines(exc, lines) from None


def _check_slide_count(meta: dict, slides: list[_Slide]) -> None:
    """Refuse too many slides before building any (10,000 headings took seconds)."""
    room = MAX_SLIDES - (1 if meta.get("title") else 0)
    if len(slides) > room:
        raise OutlineError(_("the outline has %(count)s slides; a deck takes at most %(limit)s")
                           % {"count": f"{len(slides):,}", "limit": MAX_SLIDES},
                           slides[room].line)


# -- pictures -------------------------------------------------------------------------------------
def _picture_tokens(tokens):
    """(line, src) of every picture in the outline."""
    for token in tokens:
        if token.type == "inline":
            for child in token.children or []:
                if child.type == "image":
                    yield token.map[0] + 1, image_source(child.attrs.get("src", ""))


def _check_pictures(tokens, base_dir: Path | None) -> None:
    """Refuse a remote picture always, and any picture without the outline's folder."""
    for line, src in _picture_tokens(tokens):
        problem = picture_path_problem(src)
        if problem is None and base_dir is None:
            problem = no_local_pictures()
        if problem:
            raise OutlineError(problem, line)


def _check_pictures_shown(tokens, slides: list[_Slide]) -> None:
    """A picture the reader would not show is refused, not dropped."""
    shown = {line for slide in slides for line in slide.picture_lines}
    for line, _src in _picture_tokens(tokens):
        if line not in shown:
            raise OutlineError(_("a picture is shown only on a line of its own, directly in a "
                                 "slide (not in a list, a table, a heading, a column or a "
                                 "sentence)"), line)


# -- meta ------------------------------------------------------------------------------------------
def _pandoc_title_block(text: str) -> tuple[str, dict]:
    """pandoc's '% title / % author / % date' lines at the very top."""
    lines = text.split("\n")
    if not lines[0].startswith("% "):
        return text, {}
    values = []
    while lines and lines[0].startswith("%"):
        values.append(lines.pop(0)[1:].strip())
    meta = dict(zip(("title", "author", "date"), values))
    # keep line numbers: replace the block by blank lines
    return "\n" * len(values) + "\n".join(lines), {k: v for k, v in meta.items() if v}


def _front_matter(nodes: list[SyntaxTreeNode]) -> tuple[dict, list[SyntaxTreeNode]]:
    if not nodes or nodes[0].type != "front_matter":
        return {}, nodes
    node = nodes[0]
    data = safe_yaml.load(node.content, first_line=2) or {}
    if not isinstance(data, dict):
        raise OutlineError(_("the front matter must be 'key: value' lines"), 1)
    meta = {}
    for key, value in data.items():
        key = str(key).lower()
        if key in _META_KEYS and value is not None:
            meta["language" if key == "lang" else key] = _meta_text(value)
    return meta, nodes[1:]


def _meta_text(value) -> str:
    if isinstance(value, list):
        return "、".join(str(v) for v in value) if any(
            re.search(r"[\u3040-\u9fff]", str(v)) for v in value) else ", ".join(map(str, value))
    return str(value)


# -- splitting into slides ---------------------------------------------------------------------------
def _heading_level(node: SyntaxTreeNode) -> int:
    return int(node.tag[1])


def _slide_level(nodes: list[SyntaxTreeNode]) -> int:
    """pandoc's rule: the highest heading level followed directly by content."""
    levels = []
    for index, node in enumerate(nodes):
        if node.type != "heading":
            continue
        following = nodes[index + 1] if index + 1 < len(nodes) else None
        if following is not None and following.type not in ("heading", "hr"):
            levels.append(_heading_level(node))
    return min(levels) if levels else min(
        (_heading_level(n) for n in nodes if n.type == "heading"), default=1)


def _split(nodes: list[SyntaxTreeNode]) -> list[_Slide]:
    level = _slide_level(nodes)
    slides: list[_Slide] = []
    current: _Slide | None = None
    for node in nodes:
        line = node.map[0] + 1 if node.map else 1
        if node.type == "heading" and _heading_level(node) <= level:
            title, classes, attrs = split_attributes(plain(node))
            current = _Slide(title=title, line=line, level=_heading_level(node), classes=classes,
                             attrs=attrs, section=_heading_level(node) < level)
            slides.append(current)
        elif node.type == "hr":
            current = None
        elif current is None:
            if _is_blank(node):
                continue
            raise OutlineError(_("this slide has no title: start it with a heading "
                                 "(%(marks)s Action title)") % {"marks": "#" * level}, line)
        else:
            current.nodes.append(node)
    return slides


def _is_blank(node: SyntaxTreeNode) -> bool:
    return node.type == "paragraph" and not plain(node).strip()


# -- building the deck -------------------------------------------------------------------------------
def _deck(meta: dict, slides: list[_Slide]) -> tuple[dict, list[SlideLines]]:
    title = meta.get("title") or slides[0].title
    deck = {key: value for key, value in meta.items() if key != "language"}
    deck["title"] = title
    if meta.get("language") in ("ja", "en"):
        deck["language"] = meta["language"]
    built, lines = [], []
    if meta.get("title"):
        built.append({k: v for k, v in {
            "kind": "cover", "title": title, "subtitle": meta.get("subtitle", ""),
            "author": meta.get("author", ""), "date": meta.get("date", "")}.items() if v})
        lines.append(SlideLines(1))
    for slide in slides:
        data, found = _slide(slide)
        built.append(data)
        lines.append(SlideLines(slide.line, found))
    deck["slides"] = built
    return deck, lines


# the fields of a slide (as the DeckSpec and the renderer name them) -> the part written
_FIELD_PARTS = {
    "points": "points", "items": "points", "actions": "tables", "columns": "tables",
    "rows": "tables", "left": "columns", "right": "columns", "quote": "quote",
    "attribution": "quote", "image": "image", "callout": "callout", "source": "source",
    "footnote": "footnote", "tracker": "tracker", "subtitle": "points",
}
_TITLE_FIELDS = ("title", "kind", "number", "current", "notes", "")


def _part_of(field_name: str, parts: dict[str, int]) -> str:
    head = re.split(r"[.\[]", field_name, maxsplit=1)[0]
    if head in _TITLE_FIELDS:
        return ""
    if head == "actions" and "tables" not in parts:
        return "points"
    return _FIELD_PARTS.get(head, "block")  # the rest are a chart's or diagram's fields


# DeckSpec field names the outline writes otherwise (the guide's words)
_GUIDE_FIELDS = {"x_axis": "x", "y_axis": "y", "data_labels": "labels",
                 "market_growth": "growth", "relative_share": "share"}
_FIELD_WORD = re.compile(r"\b(" + "|".join(_GUIDE_FIELDS) + r")\b")


def _place_at(slides: list[SlideLines], index: int, kind: str, field_name: str) -> str:
    field_name = _FIELD_WORD.sub(lambda match: _GUIDE_FIELDS[match.group()], field_name)
    if not 0 <= index < len(slides):
        return f"slide {index + 1}" + (f": {field_name}" if field_name else "")
    lines = slides[index]
    where = f"line {lines.of(_part_of(field_name, lines.parts))} (slide {index + 1}" \
            + (f", {kind})" if kind else ")")
    return f"{where}: {field_name}" if field_name else where


def _with_lines(exc: SpecError, slides: list[SlideLines]) -> SpecError:
    problems = []
    for place, message in exc.problems:
        match = re.match(r"slide (\d+)(?: \((\w+)\))?:?\s*(.*)", place)
        if match and int(match.group(1)) <= len(slides):
            number, kind, rest = int(match.group(1)), match.group(2), match.group(3)
            place = _place_at(slides, number - 1, kind or "", rest)
        problems.append((place, message))
    lines = "\n".join(f"  {place}: {message}" for place, message in problems[:20])
    return SpecError(_("the outline is not valid:") + f"\n{lines}", problems)


def _slide(slide: _Slide) -> tuple[dict, dict[str, int]]:
    kinds = [_KIND_CLASSES[c] for c in slide.classes if c in _KIND_CLASSES]
    unknown = [c for c in slide.classes if c not in _KIND_CLASSES]
    if unknown and not kinds and unknown[0] not in ("incremental", "nonincremental", "build"):
        raise OutlineError(_("unknown slide class '.%(name)s'; the classes are: %(known)s")
                           % {"name": unknown[0], "known": GUIDE_CLASSES}, slide.line)
    body = _Body.collect(slide)
    if slide.section or (kinds and kinds[0] in ("section", "appendix")):
        return body.divider(kinds[0] if kinds else "section"), body.found
    return body.build(kinds[0] if kinds else None), body.found


@dataclass
class _Body:
    """What a slide's Markdown holds, sorted by role."""

    slide: _Slide
    fields: dict = field(default_factory=dict)
    points: list = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    tables: list[tuple[int, list[str], list[list[str]]]] = field(default_factory=list)
    block: tuple[str, dict, int] | None = None
    columns: list[dict] | None = None
    quote: tuple[str, str] | None = None
    image: dict | None = None
    callout: str = ""
    notes: list[str] = field(default_factory=list)
    found: dict[str, int] = field(default_factory=dict)  # part -> its first line

    @classmethod
    def collect(cls, slide: _Slide) -> _Body:
        body = cls(slide=slide)
        for key in ("tracker", "sticker"):
            if slide.attrs.get(key):
                body.fields[key] = slide.attrs[key]
                body._found(key, slide.line)
        for node in slide.nodes:
            body._take(node)
        return body

    def _found(self, part: str, line: int) -> None:
        self.found.setdefault(part, line)

    def _take(self, node: SyntaxTreeNode) -> None:
        line = node.map[0] + 1 if node.map else self.slide.line
        kind = node.type
        if kind == "paragraph":
            self._paragraph(node, line)
        elif kind in ("bullet_list", "ordered_list"):
            self.points.extend(_list_points(node))
            self._found("points", line)
        elif kind == "table":
            self.tables.append((line, *_table(node)))
            self._found("tables", line)
        elif kind == "fence":
            self._fence(node, line)
        elif kind == "code_block":
            self.points.extend(t for t in node.content.splitlines() if t.strip())
            self._found("points", line)
        elif kind == "blockquote":
            if self.quote is not None:
                raise OutlineError(_("a slide takes one quote: start a new slide for this one"),
                                   line)
            self.quote = _quote(node)
            self._found("quote", line)
        elif kind == "container_div":
            self._div(node, line)
        elif kind == "heading":
            self.points.append(plain(node))
            self._found("points", line)

    def _paragraph(self, node: SyntaxTreeNode, line: int) -> None:
        text = plain(node)
        lowered = text.lower()
        for role, prefixes in _PREFIXES.items():
            for prefix in prefixes:
                if lowered.startswith(prefix):
                    if role in self.fields:
                        raise OutlineError(_("this slide already has a '%(prefix)s' line: "
                                             "write both on one line") % {"prefix": prefix},
                                           line)
                    self.fields[role] = text[len(prefix):].strip()
                    self._found(role, line)
                    return
        if only_image(node):
            src, alt = images(node)[0]
            if self.image is not None:
                raise OutlineError(_("a slide takes one picture"), line)
            self.image = {"path": src, "alt": alt}
            self.slide.picture_lines.append(line)
            self._found("image", line)
        elif only_strong(node) and not self.callout:
            self.callout = text
            self._found("callout", line)
        elif text:
            self.paragraphs.append(text)
            self._found("points", line)

    def _fence(self, node: SyntaxTreeNode, line: int) -> None:
        name, options = blocks.info_options(node.info or "", line)
        if name not in blocks.BLOCK_KINDS:
            self.points.extend(t for t in node.content.splitlines() if t.strip())
            self._found("points", line)
            return
        if self.block is not None:
            raise OutlineError(_("one chart or diagram per slide: start a new slide for this "
                                 "```%(name)s block") % {"name": name}, line)
        kind, fields = blocks.parse(name, options, node.content, line)
        self.block = (kind, fields, line)
        self._found("block", line)

    def _div(self, node: SyntaxTreeNode, line: int) -> None:
        name = (node.info or "").strip().strip("{}").strip().lstrip(".").split(" ")[0].lower()
        if name == "notes":
            self.notes.append(_div_text(node))
        elif name == "columns":
            if self.columns is not None:
                raise OutlineError(_("a slide takes one ':::: columns' block"), line)
            for child in node.children:
                if child.type != "container_div":
                    raise OutlineError(_("inside ':::: columns', write everything in its two "
                                         "'::: column' blocks"), _line_of(child, line))
            self.columns = [_column(child) for child in node.children]
            if len(self.columns) != 2:
                raise OutlineError(_("a columns block takes exactly two '::: column' blocks, "
                                     "not %(count)d") % {"count": len(self.columns)}, line)
            self._found("columns", line)
        else:  # ::: incremental and other pandoc divs: their content counts as usual
            for child in node.children:
                self._take(child)

    # -- deciding the kind ---------------------------------------------------------------------
    def divider(self, kind: str) -> dict:
        slide = {"kind": kind, "title": self.slide.title}
        subtitle = " ".join(self.paragraphs + [p if isinstance(p, str) else p["text"]
                                               for p in self.points])
        if subtitle:
            slide["subtitle"] = subtitle
        if self.slide.attrs.get("number"):
            slide["number"] = self.slide.attrs["number"]
        self._refuse_unshown(kind, {"points"})
        return self._common(slide, content=False)

    def build(self, explicit: str | None) -> dict:
        kind = explicit or self._inferred_kind()
        builder = getattr(self, f"_as_{kind}", None)
        if builder is None:
            raise OutlineError(_("'.%(kind)s' cannot be written this way; see the syntax guide")
                               % {"kind": kind.replace("_", "-")},
                               self.slide.line)
        slide = builder()
        self._refuse_unshown(kind, self._shown(kind) | {"tracker", "sticker", "source",
                                                        "footnote"})
        return self._common(slide, content=True)

    def _shown(self, kind: str) -> set[str]:
        """The parts of the Markdown a slide of `kind` shows."""
        if kind == "message":
            return {"points", "image", "callout"}
        if kind in ("executive_summary", "agenda"):
            return {"points"}
        if kind == "two_column":
            return {"columns"}
        if kind == "table":
            return {"tables", "callout"}
        if kind == "next_steps":
            return {"tables"} if self.tables else {"points"}
        if kind == "quote":
            return {"quote"} if self.quote is not None else {"points"}
        if kind == "chart":
            return {"block", "points", "callout"}
        if kind in _TAKEAWAY_KINDS:
            return {"block", "tables", "callout"}
        return {"block"}  # the diagrams (they refuse other points themselves)

    def _refuse_unshown(self, kind: str, shown: set[str]) -> None:
        """Content the slide would not show is refused with its line, never dropped."""
        for part, line in sorted(self.found.items(), key=lambda item: item[1]):
            if part not in shown:
                raise OutlineError(
                    _("a %(kind)s slide does not show %(part)s: move it to a slide of its own "
                      "or into '::: notes'") % {"kind": kind.replace("_", " "),
                                                 "part": _part_name(part)}, line)

    def _inferred_kind(self) -> str:
        if self.block is not None:
            return self.block[0]
        if self.columns is not None:
            return "two_column"
        if self.tables:
            header = {cell.strip().lower() for cell in self.tables[0][1]}
            return "next_steps" if header in _NEXT_STEP_HEADERS else "table"
        if self.quote is not None and not self.points:
            return "quote"
        if self.slide.title.strip().lower() in _SUMMARY_TITLES:
            return "executive_summary"
        return "message"

    def _common(self, slide: dict, *, content: bool) -> dict:
        if self.notes:
            slide["notes"] = "\n\n".join(self.notes)
        if content:
            slide.setdefault("title", self.slide.title)
            for key in ("tracker", "sticker", "source", "footnote"):
                if self.fields.get(key):
                    slide[key] = self.fields[key]
            if self.callout and slide["kind"] in _TAKEAWAY_KINDS:
                slide["takeaway"] = self.callout  # the bold line under a chart or table
        return slide

    def _all_points(self) -> list:
        return [*self.paragraphs, *self.points]

    def _no_extra(self, what: str) -> None:
        if self._all_points():
            raise OutlineError(_("a %(what)s slide takes no bullets or paragraphs besides its "
                                 "block: move them to '::: notes' or their own slide")
                               % {"what": what},
                               self.slide.line)

    def _as_message(self) -> dict:
        slide = {"kind": "message", "points": self._all_points()}
        if self.image:
            slide["image"] = self.image
        if self.callout:
            slide["callout"] = self.callout
        return slide

    def _as_executive_summary(self) -> dict:
        return {"kind": "executive_summary", "points": self._all_points()}

    def _as_agenda(self) -> dict:
        items = [p if isinstance(p, str) else p["text"] for p in self._all_points()]
        slide = {"kind": "agenda", "items": items}
        if self.slide.attrs.get("current", "").isdigit():
            slide["current"] = int(self.slide.attrs["current"])
        return slide

    def _as_two_column(self) -> dict:
        if self.columns is None:
            raise OutlineError(_("a two-column slide needs ':::: columns' with two '::: column'"),
                               self.slide.line)
        return {"kind": "two_column", "left": self.columns[0], "right": self.columns[1]}

    def _as_table(self) -> dict:
        if len(self.tables) != 1:
            raise OutlineError(_("a table slide takes exactly one table"),
                               self.tables[1][0] if self.tables else self.slide.line)
        _line, header, rows = self.tables[0]
        return {"kind": "table", "columns": header, "rows": [[_cell(c) for c in row]
                                                            for row in rows]}

    def _as_next_steps(self) -> dict:
        if len(self.tables) > 1:
            raise OutlineError(_("a next-steps slide takes one table"), self.tables[1][0])
        if self.tables:
            _line, header, rows = self.tables[0]
            return {"kind": "next_steps", "actions": [
                {"action": row[0], "owner": row[1] if len(row) > 1 else "",
                 "due": row[2] if len(row) > 2 else ""} for row in rows]}
        actions = []
        for point in self._all_points():
            text = point if isinstance(point, str) else point["text"]
            parts = [p.strip() for p in re.split(r"[|｜]", text)]
            actions.append({"action": parts[0], "owner": parts[1] if len(parts) > 1 else "",
                            "due": parts[2] if len(parts) > 2 else ""})
        return {"kind": "next_steps", "actions": actions}

    def _as_quote(self) -> dict:
        if self.quote is None:
            text = " ".join(p if isinstance(p, str) else p["text"] for p in self._all_points())
            return {"kind": "quote", "quote": text}
        quote, attribution = self.quote
        slide = {"kind": "quote", "quote": quote}
        if attribution:
            slide["attribution"] = attribution
        return slide

    def _block_slide(self) -> dict:
        kind, fields, _line = self.block
        return {"kind": kind, **fields}

    def _as_chart(self) -> dict:
        if self.block is None:
            raise OutlineError(_("a chart slide needs a ```chart block"), self.slide.line)
        slide = self._block_slide()
        if self._all_points():
            slide["points"] = self._all_points()
        return slide

    def _block_only(self, kind: str) -> dict:
        if self.block is None or self.block[0] != kind:
            raise OutlineError(_("this slide needs its ```%(name)s block")
                               % {"name": _BLOCK_NAMES.get(kind, kind)},
                               self.slide.line)
        self._no_extra(kind.replace("_", " "))
        return self._block_slide()

    def _as_matrix(self) -> dict:
        return self._block_only("matrix")

    def _as_growth_share(self) -> dict:
        return self._block_only("growth_share")

    def _as_issue_tree(self) -> dict:
        return self._block_only("issue_tree")

    def _as_timeline(self) -> dict:
        return self._block_only("timeline")

    def _as_process(self) -> dict:
        return self._block_only("process")

    def _as_kpi(self) -> dict:
        return self._block_only("kpi")


def _part_name(part: str) -> str:
    return {
        "points": _("its bullets and text"), "tables": _("its table"),
        "block": _("its chart or diagram block"), "columns": _("its columns"),
        "quote": _("its quote"), "image": _("its picture"), "callout": _("its bold callout"),
        "source": _("its source line"), "footnote": _("its note line"),
        "tracker": _("its tracker"),
    }[part]


def _line_of(node: SyntaxTreeNode, default: int) -> int:
    return node.map[0] + 1 if node.map else default


def _refuse_in(node: SyntaxTreeNode, where: str, default: int) -> None:
    raise OutlineError(_("%(where)s holds only text and bullets: this block would not be "
                         "shown") % {"where": where}, _line_of(node, default))


# -- node helpers -----------------------------------------------------------------------------------------
def _list_points(node: SyntaxTreeNode) -> list:
    """List items as points; a nested list gives sub-points (deeper levels fold into them)."""
    points = []
    for item in node.children:
        text, subs = "", []
        for child in item.children:
            if child.type == "paragraph" and not text:
                text = plain(child)
            elif child.type in ("bullet_list", "ordered_list"):
                subs.extend(_flatten(child))
            elif child.type == "paragraph":
                subs.append(plain(child))
            elif child.type != "hr":
                _refuse_in(child, _("a bullet"), 1)
        if text or subs:
            points.append({"text": text or subs.pop(0), "sub": subs} if subs else text)
    return points


def _flatten(node: SyntaxTreeNode) -> list[str]:
    texts = []
    for item in node.children:
        for child in item.children:
            if child.type == "paragraph":
                texts.append(plain(child))
            elif child.type in ("bullet_list", "ordered_list"):
                texts.extend(f"– {text}" for text in _flatten(child))
            elif child.type != "hr":
                _refuse_in(child, _("a bullet"), 1)
    return texts


def _table(node: SyntaxTreeNode) -> tuple[list[str], list[list[str]]]:
    header, rows = [], []
    for section in node.children:
        for row in section.children:
            cells = [plain(cell) for cell in row.children]
            if section.type == "thead":
                header = cells
            else:
                rows.append(cells)
    return header, rows


_HARVEY = {"○": 0, "◔": 1, "◑": 2, "◕": 3, "●": 4}
_RAG = {"[r]": "red", "[a]": "amber", "[g]": "green", "🔴": "red", "🟡": "amber", "🟠": "amber",
        "🟢": "green"}


def _cell(text: str):
    """Table cell text: Harvey balls (○◔◑◕● or (0)..(4)) and RAG marks ([R]/[A]/[G], 🔴🟡🟢)."""
    stripped = text.strip()
    if stripped in _HARVEY:
        return {"harvey": _HARVEY[stripped]}
    match = re.fullmatch(r"\(([0-4])\)", stripped)
    if match:
        return {"harvey": int(match.group(1))}
    for mark, status in _RAG.items():
        if stripped.lower().startswith(mark):
            return {"rag": status, "text": stripped[len(mark):].strip()}
    return text


def _quote(node: SyntaxTreeNode) -> tuple[str, str]:
    """The quote and its attribution (after the first dash with no em dash after it)."""
    text = " ".join(" ".join(plain(child) for child in node.children).split())
    start = _attribution_start(text)
    if start is not None:
        dash, rest = start
        return text[:dash].strip().strip("「」\"“”"), text[rest:].strip()
    return text.strip("「」\"“”"), ""


def _attribution_start(text: str) -> tuple[int, int] | None:
    """(where the dash starts, where the attribution starts), in linear time."""
    last_bar = max(text.rfind("—"), text.rfind("―"))
    candidates = [last_bar] if last_bar >= 0 else []
    for marker in ("--", "– "):
        found = text.find(marker, last_bar + 1)
        if found >= 0:
            candidates.append(found)
    for dash in sorted(candidates):
        rest = dash + (1 if text[dash] in "—―" else 2)
        if text[rest:].strip():
            return dash, rest
    return None


def _div_text(node: SyntaxTreeNode) -> str:
    parts = []
    for child in node.children:
        if child.type in ("bullet_list", "ordered_list"):
            parts.extend(f"- {p if isinstance(p, str) else p['text']}"
                         for p in _list_points(child))
        else:
            parts.append(plain(child) if child.type != "fence" else child.content.strip())
    return "\n".join(part for part in parts if part)


def _column(node: SyntaxTreeNode) -> dict:
    heading, points = "", []
    for child in node.children:
        if child.type == "heading" or (child.type == "paragraph" and only_strong(child)
                                       and not heading and not points):
            if heading:
                raise OutlineError(_("a column takes one heading"), _line_of(child, 1))
            heading = plain(child)
        elif child.type in ("bullet_list", "ordered_list"):
            points.extend(_list_points(child))
        elif child.type == "paragraph":
            points.append(plain(child))
        elif child.type != "hr":
            _refuse_in(child, _("a column"), 1)
    column = {"points": points}
    if heading:
        column["heading"] = heading
    return column
