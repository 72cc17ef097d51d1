"""The material's part of each prompt, and what is done to the model's answer afterwards.

The model sees passages labelled [P7] with their file and page, and sheet
tables [T2] by their size and first rows; it cites ids, picks ranges and chart
types.  Afterwards every chart or table it tied to a range is rebuilt from the
cells, and every source line it cited by id is written out as file and page.
"""

from __future__ import annotations

import json
import re

from django.conf import settings

from generator.errors import SpecError
from generator.material.cells import CellData, chart_from_cells, table_from_cells
from generator.material.numbers import Known, extract, worth_checking
from generator.material.pack import Material
from generator.material.passages import Passage, column_letter, format_value
from generator.material.review import written_texts
from generator.material.select import choose

STORYLINE_RULES = """The user attached source material. Passages are labelled [P<n>] with file
and page; spreadsheet tables [T<n>] with their cell range. Build the story from this material:
for every slide list in "sources" the ids its facts come from. For a chart or table of
spreadsheet numbers set "data" to the table id, an A1 range whose first row and first column
are labels, the chart type (or "table"), and series_in ("columns" or "rows"); the numbers will
be taken from the cells, so never copy them. Never invent a number: every figure you write must
appear in the material or the brief; otherwise write it without a figure."""

FILL_RULES = """Source material follows ([P<n>] passages, [T<n>] tables). Charts and tables
listed under "Built from cells" are fixed: copy them unchanged. Every number you write must
appear in the material or the brief. For each slide's "source" write the ids it relies on
(e.g. "P3, P12, T1"); they are replaced by file and page."""

_ID = re.compile(r"\b([PT]\d{1,6})\b")
PREVIEW_ROWS = 4
NO_SOURCE_LINE = {"cover", "section", "appendix"}


def budget(name: str) -> int:
    """Tokens of material a call may carry (MATERIAL_*_TOKENS in bcgslides.settings)."""
    return int(getattr(settings, name))


def passage_block(passages: list[Passage]) -> str:
    return "\n\n".join(f"[{p.id}] {p.label()}\n{p.text}" for p in passages)


def tables_block(material: Material) -> str:
    lines = []
    for table in material.tables:
        width = len(table.rows[0]) if table.rows else 0
        lines.append(f"[{table.id}] {table.label()}: A1:{column_letter(width)}{len(table.rows)}")
        for number, row in enumerate(table.rows[:PREVIEW_ROWS], start=1):
            lines.append(f"  {number}: " + " | ".join(format_value(v) for v in row))
    return "\n".join(lines)


def storyline_material(brief: str, material: Material) -> str:
    chosen = choose(material.passages, brief,
                    budget_tokens=budget("MATERIAL_STORYLINE_TOKENS"))
    parts = ["Material (the passages most relevant to the brief):", passage_block(chosen)]
    if material.tables:
        parts += ["Spreadsheet tables:", tables_block(material)]
    return "\n\n".join(parts)


def fill_material(brief: str, storyline, material: Material) -> str:
    cited = tuple(i for s in storyline.slides for i in s.sources)
    query = brief + "\n" + " ".join(f"{s.title} {s.content}" for s in storyline.slides)
    chosen = choose(material.passages, query, budget_tokens=budget("MATERIAL_FILL_TOKENS"),
                    must=cited)
    parts = ["Material:", passage_block(chosen)]
    fixed = []
    for number, slide in enumerate(storyline.slides, start=1):
        built = cell_content(slide.data, material) if slide.data else None
        if built:
            fixed.append(f"slide {number}: {json.dumps(built, ensure_ascii=False)}")
    if fixed:
        parts += ["Built from cells:", "\n".join(fixed)]
    return "\n\n".join(parts)


def cell_content(data: CellData | None, material: Material) -> dict | None:
    """{'chart': {...}} or {'columns': [...], 'rows': [...]} from the cells; None if unusable."""
    if data is None:
        return None
    table = material.table(data.table)
    if table is None:
        return None
    try:
        if data.chart == "table":
            columns, rows = table_from_cells(table, data.range)
            return {"columns": columns, "rows": rows}
        return {"chart": chart_from_cells(table, data).model_dump(mode="json",
                                                                   exclude_defaults=True)}
    except SpecError:
        return None


def source_line(ids: list[str], material: Material, data: CellData | None = None) -> str:
    """'report.pdf p. 3, p. 5; data.xlsx 'Revenue' B2:E6' for the cited ids."""
    places: dict[str, list[str]] = {}
    for pid in ids:
        item = material.passage(pid)
        if item is not None:
            places.setdefault(item.doc, [])
            if item.place not in places[item.doc]:
                places[item.doc].append(item.place)
        table = material.table(pid)
        if table is not None and (data is None or data.table != pid):
            places.setdefault(table.doc, []).append(f"'{table.sheet}'")
    if data is not None and material.table(data.table) is not None:
        table = material.table(data.table)
        places.setdefault(table.doc, []).append(f"'{table.sheet}' {data.range.upper()}")
    return "; ".join(f"{doc} {', '.join(where[:4])}" for doc, where in places.items())


def apply(deck: dict, storyline, material: Material) -> dict:
    """The model's deck with cell-built charts and tables and id-free source lines."""
    slides = deck.get("slides") or []
    pairs = _pairs(slides, storyline.slides)
    index: list = []
    for slide, planned in pairs:
        content = cell_content(planned.data, material) if planned else None
        if content and "chart" in content and slide.get("kind") == "chart":
            slide["chart"] = content["chart"]
        elif content and "columns" in content and slide.get("kind") == "table":
            slide.update(columns=content["columns"], rows=content["rows"])
        if slide.get("kind") in NO_SOURCE_LINE:
            continue
        cited = list(planned.sources) if planned else []
        cited += [i for i in _ID.findall(slide.get("source") or "") if i not in cited]
        if "source" in _furniture(slide) or cited:
            line = source_line(cited, material, planned.data if planned else None)
            if line:
                slide["source"] = line
            elif _ID.search(slide.get("source") or ""):
                slide["source"] = ""
        if not slide.get("source"):
            slide["source"] = source_line(attribution(slide, material, index), material)
        if not slide["source"]:
            del slide["source"]
    return deck


def attribution(slide: dict, material: Material, index: list) -> list[str]:
    """Ids of the first passage holding each number written on a slide that cites nothing.

    `index` is filled on first use with each passage's numbers (one pass per deck)."""
    wanted = [n for text in written_texts(slide) for n in extract(text) if worth_checking(n, text)]
    if not wanted:
        return []
    if not index:
        for passage in material.passages:
            known = Known()
            known.add_text(passage.text)
            index.append((passage.id, known))
    found: list[str] = []
    for pid, known in index:
        hits = [n for n in wanted if known.knows(n)]
        if hits:
            found.append(pid)
            wanted = [n for n in wanted if n not in hits]
        if not wanted or len(found) >= 4:
            break
    return found


def _furniture(slide: dict) -> set[str]:
    return {key for key in ("source",) if slide.get(key)}


def _pairs(slides: list[dict], planned: list) -> list[tuple[dict, object]]:
    if len(slides) == len(planned):
        return list(zip(slides, planned))
    by_title = {p.title.strip().lower(): p for p in planned}
    return [(s, by_title.get(str(s.get("title", "")).strip().lower())) for s in slides]
