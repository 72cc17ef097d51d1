"""Fenced blocks for the consulting slide kinds: ```chart, ```matrix, ```growth-share,
```tree, ```timeline, ```process, ```kpi — each with a YAML body, and most also with
a CSV (or line-per-item) body.  A malformed block raises `OutlineError` naming its line.
"""

from __future__ import annotations

import csv
import io
import re
import shlex
from typing import Any, Callable

from django.utils.translation import gettext as _

from generator.errors import OutlineError
from generator.outline import safe_yaml
from generator.spec import CHART_TYPES

BLOCK_KINDS = ("chart", "matrix", "growth-share", "tree", "timeline", "process", "kpi")
_CHART_ALIASES = {
    "stacked": "stacked_column", "stacked-column": "stacked_column", "stacked-bar": "stacked_bar",
    "100%": "stacked100_column", "stacked100": "stacked100_column",
    "stacked-100": "stacked100_column", "stacked100-column": "stacked100_column",
    "stacked100-bar": "stacked100_bar", "donut": "doughnut", "pie-chart": "pie",
}
# the chart types as the syntax guide writes them (examples/outline-syntax.*.md)
GUIDE_CHART_TYPES = ("column", "bar", "stacked", "stacked-bar", "stacked100", "stacked100-bar",
                     "line", "pie", "doughnut", "waterfall", "scatter", "bubble")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


MAX_INFO_CHARS = 500
MAX_TREE_LEVELS = 4  # as `spec.IssueTreeSlide` draws


def info_options(info: str, line: int) -> tuple[str, dict[str, str]]:
    """'chart column unit="bn JPY"' -> ('chart', {'type': 'column', 'unit': 'bn JPY'})."""
    if len(info) > MAX_INFO_CHARS:  # shlex reads a character at a time
        raise OutlineError(_("the block options are %(size)s characters long; the limit is "
                             "%(limit)s") % {"size": f"{len(info):,}",
                                             "limit": f"{MAX_INFO_CHARS:,}"}, line)
    try:
        words = shlex.split(info)
    except ValueError as exc:
        raise OutlineError(_("cannot read the block options '%(info)s': %(reason)s")
                           % {"info": info, "reason": exc}, line) from None
    name, options = (words[0].lower() if words else ""), {}
    for word in words[1:]:
        key, sep, value = word.partition("=")
        if sep:
            options[key.strip().lower()] = value
        elif name == "chart" and "type" not in options:
            options["type"] = word
        else:
            options.setdefault(_WORDS, word)  # a word that is no option: refused by `parse`
    return name, options


_WORDS = " words"
# the options of each block as the syntax guide writes them (examples/outline-syntax.*.md)
GUIDE_OPTIONS = {
    "chart": ("unit", "x_title", "y_title", "labels", "legend", "number_format", "totals"),
    "growth-share": ("growth_threshold", "share_threshold"),
}


def parse(name: str, options: dict[str, str], body: str, line: int) -> tuple[str, dict]:
    """(slide kind, slide fields) for a fenced block starting at `line` (1-based)."""
    handler: Callable = _HANDLERS[name]
    _check_options(name, options, line)
    if not body.strip():
        raise OutlineError(_("the ```%(name)s block is empty") % {"name": name}, line)
    return handler(options, body, line)


def _check_options(name: str, options: dict[str, str], line: int) -> None:
    """An option the block does not read is refused at its fence, never ignored."""
    known = GUIDE_OPTIONS.get(name, ())
    for key in options:
        if key == "type" and name == "chart":
            continue
        shown = options[_WORDS] if key == _WORDS else f"{key}="
        if not known:
            raise OutlineError(_("the ```%(name)s block takes no options ('%(option)s')")
                               % {"name": name, "option": shown[:40]}, line)
        if key not in known:
            raise OutlineError(_("the ```%(name)s block has no option '%(option)s'; its "
                                 "options are: %(options)s")
                               % {"name": name, "option": shown[:40],
                                  "options": ", ".join(f"{k}=" for k in known)}, line)


# -- YAML and CSV with line numbers ------------------------------------------------------------
def _yaml(body: str, line: int) -> Any:
    return safe_yaml.load(body, first_line=line + 1)


def _looks_like_yaml(body: str) -> bool:
    first = next((ln for ln in body.splitlines() if ln.strip()), "")
    return bool(re.match(r"^\s*(-\s|[\w\u3040-\u9fff-]+\s*:(\s|$))", first))


def _csv(body: str, line: int) -> list[tuple[int, list[str]]]:
    """Rows (with their 1-based source line) of a CSV body; blank lines skipped."""
    rows = []
    for offset, raw in enumerate(body.splitlines()):
        if not raw.strip():
            continue
        try:
            cells = next(csv.reader(io.StringIO(raw), skipinitialspace=True))
        except csv.Error as exc:
            raise OutlineError(_("invalid CSV: %(reason)s") % {"reason": exc},
                               line + 1 + offset) from None
        rows.append((line + 1 + offset, [cell.strip() for cell in cells]))
    return rows


def number(text: str, where: int, what: str) -> float | None:
    """A CSV cell as a number: '1,234' and '25%' are read; empty or '-' is no value."""
    cleaned = text.replace(",", "").replace("_", "").rstrip("%").strip()
    if cleaned in ("", "-", "–", "—", "n/a", "NA"):
        return None
    if not _NUMBER.match(cleaned):
        raise OutlineError(_("%(what)s: '%(text)s' is not a number") % {"what": what, "text": text},
                           where)
    return float(cleaned)


def _row_cells(cells: list[str], header: list[str]) -> str:
    return _("this row has %(cells)d cells; the header has %(header)d") % {
        "cells": len(cells), "header": len(header)}


def _mapping(data: Any, name: str, line: int) -> dict:
    if not isinstance(data, dict):
        raise OutlineError(_("the ```%(name)s block must be a YAML mapping (key: value lines)")
                           % {"name": name}, line)
    return data


# -- chart ------------------------------------------------------------------------------------------
def _chart_type(value: str, line: int) -> str:
    """The DeckSpec's chart type for a type written in the outline; an unknown one is
    refused at `line` (the block's fence), listing the types in the guide's words."""
    word = value.strip().lower()
    kind = _CHART_ALIASES.get(word, word.replace("-", "_"))
    if kind not in CHART_TYPES:
        if not word:
            raise OutlineError(_("the chart needs a type after the word chart (```chart "
                                 "column); the types are: %(types)s")
                               % {"types": ", ".join(GUIDE_CHART_TYPES)}, line)
        raise OutlineError(_("unknown chart type '%(type)s'; the types are: %(types)s")
                           % {"type": value.strip()[:40], "types": ", ".join(GUIDE_CHART_TYPES)},
                           line)
    return kind


def _chart(options: dict[str, str], body: str, line: int) -> tuple[str, dict]:
    if _looks_like_yaml(body) and not _is_csv_header(body):
        chart = dict(_mapping(_yaml(body, line), "chart", line))
        for key, value in options.items():
            chart.setdefault(key, value)
    else:
        chart = _chart_from_csv(options, body, line)
    if "type" not in chart:
        raise OutlineError(_("the chart needs a type (```chart column, or 'type:' in YAML)"), line)
    chart["type"] = _chart_type(str(chart["type"]), line)
    if "categories" in chart and isinstance(chart["categories"], list):
        chart["categories"] = [str(c) for c in chart["categories"]]
    _options_into(chart, options)
    return "chart", {"chart": chart}


def _is_csv_header(body: str) -> bool:
    first = next((ln for ln in body.splitlines() if ln.strip()), "")
    return "," in first and ":" not in first.split(",")[0]


def _options_into(chart: dict, options: dict[str, str]) -> None:
    for key in ("unit", "number_format", "x_title", "y_title"):
        if key in options:
            chart[key] = options[key]
    if "labels" in options:
        chart["data_labels"] = options["labels"].lower() not in ("no", "false", "off", "0")
    if "legend" in options:
        chart["legend"] = options["legend"].lower() not in ("no", "false", "off", "0")
    if "totals" in options and not chart.get("totals"):
        chart["totals"] = _totals(options["totals"], len(chart.get("categories", [])))


def _totals(spec: str, count: int) -> list[int]:
    picked = []
    for word in spec.split(","):
        word = word.strip().lower()
        if word == "first":
            picked.append(0)
        elif word == "last":
            picked.append(count - 1)
        elif word.lstrip("-").isdigit():
            picked.append(int(word))
    return picked


def _chart_from_csv(options: dict[str, str], body: str, line: int) -> dict:
    rows = _csv(body, line)
    if not rows:
        raise OutlineError(_("the chart has no data rows"), line)
    kind = _chart_type(options.get("type", ""), line)
    if kind in ("scatter", "bubble"):
        return {"type": kind, "points": _xy_points(rows)}
    (header_line, header), data = rows[0], rows[1:]
    if not data:
        raise OutlineError(_("the chart has no data rows below its header"), header_line)
    if len(header) < 2:
        raise OutlineError(_("the CSV header needs a category column and at least one series"),
                           header_line)
    series = [{"name": name or f"Series {i + 1}", "values": []} for i, name in enumerate(header[1:])]
    categories = []
    for where, cells in data:
        if len(cells) != len(header):
            raise OutlineError(_row_cells(cells, header),
                               where)
        categories.append(cells[0])
        for item, cell in zip(series, cells[1:]):
            item["values"].append(number(cell, where, f"'{item['name']}'"))
    chart = {"type": kind, "categories": categories, "series": series}
    if header[0] and "x_title" not in options:
        chart["x_title"] = header[0]
    return chart


def _xy_points(rows: list[tuple[int, list[str]]]) -> list[dict]:
    (header_line, header), data = rows[0], rows[1:]
    columns = {name.lower(): index for index, name in enumerate(header)}
    if "x" not in columns or "y" not in columns:
        raise OutlineError(_("scatter and bubble CSV need columns named x and y "
                             "(and size, label, series)"), header_line)
    points = []
    for where, cells in data:
        if len(cells) != len(header):
            raise OutlineError(_row_cells(cells, header),
                               where)
        point = {"x": number(cells[columns["x"]], where, "x"),
                 "y": number(cells[columns["y"]], where, "y")}
        if point["x"] is None or point["y"] is None:
            raise OutlineError(_("x and y need values"), where)
        for key in ("size", "label", "series"):
            if key in columns and cells[columns[key]]:
                value = cells[columns[key]]
                point[key] = number(value, where, key) if key == "size" else value
        points.append(point)
    return points


# -- matrix and growth-share -------------------------------------------------------------------------
def _axis(value: Any, line: int) -> dict:
    if isinstance(value, str):
        label, _, rest = value.partition(":")
        low, _, high = rest.partition("->") if "->" in rest else rest.partition("→")
        return {"label": label.strip(), "low": low.strip(), "high": high.strip()}
    if isinstance(value, dict):
        return {key: str(val) for key, val in value.items()}
    raise OutlineError(_("an axis is 'Label: low -> high' or a mapping with label/low/high"),
                       line)


def _quadrant(value: Any) -> Any:
    if isinstance(value, str):
        title, _, text = value.partition(":")
        return {"title": title.strip(), "text": text.strip()}
    return value


def _matrix(options: dict[str, str], body: str, line: int) -> tuple[str, dict]:
    data = dict(_mapping(_yaml(body, line), "matrix", line))
    for axis in ("x_axis", "y_axis"):
        short = axis[0]
        if short in data and axis not in data:
            data[axis] = data.pop(short)
        if axis in data:
            data[axis] = _axis(data[axis], line)
    if isinstance(data.get("quadrants"), list):
        data["quadrants"] = [_quadrant(q) for q in data["quadrants"]]
    if isinstance(data.get("items"), list):
        data["items"] = [_matrix_item(item, line) for item in data["items"]]
    return "matrix", data


def _matrix_item(value: Any, line: int) -> Any:
    if isinstance(value, str):  # "Partner B: 0.8, 0.7"
        label, _, coords = value.rpartition(":")
        parts = [p.strip() for p in coords.split(",")]
        if len(parts) != 2:
            raise OutlineError(_("a matrix item is 'Label: x, y' (0..1), not '%(value)s'")
                               % {"value": value}, line)
        return {"label": label.strip(), "x": number(parts[0], line, "x"),
                "y": number(parts[1], line, "y")}
    return value


_GS_COLUMNS = {
    "name": ("name", "business", "事業", "名前", "名称"),
    "market_growth": ("market_growth", "growth", "成長率", "市場成長率"),
    "relative_share": ("relative_share", "share", "相対シェア", "相対市場シェア", "シェア"),
    "revenue": ("revenue", "sales", "size", "売上", "売上高", "規模"),
}


_GS_GUIDE = {"name": "name", "market_growth": "growth", "relative_share": "share",
             "revenue": "revenue"}  # the columns as the guide writes them


def _growth_share(options: dict[str, str], body: str, line: int) -> tuple[str, dict]:
    if _looks_like_yaml(body) and not _is_csv_header(body):
        data = _yaml(body, line)
        fields = {"items": data} if isinstance(data, list) else dict(
            _mapping(data, "growth-share", line))
    else:
        fields = {"items": _growth_share_csv(body, line)}
    for key in ("growth_threshold", "share_threshold"):
        if key in options:
            fields[key] = number(options[key], line, key)
    return "growth_share", fields


def _growth_share_csv(body: str, line: int) -> list[dict]:
    rows = _csv(body, line)
    (header_line, header), data = rows[0], rows[1:]
    index = {}
    for field, names in _GS_COLUMNS.items():
        hits = [i for i, cell in enumerate(header) if cell.lower() in names]
        if not hits:
            raise OutlineError(_("the growth-share CSV needs a '%(field)s' column "
                                 "(name, growth, share, revenue)") % {"field": _GS_GUIDE[field]},
                               header_line)
        index[field] = hits[0]
    items = []
    for where, cells in data:
        if len(cells) != len(header):
            raise OutlineError(_row_cells(cells, header),
                               where)
        item = {"name": cells[index["name"]]}
        for field in ("market_growth", "relative_share", "revenue"):
            item[field] = number(cells[index[field]], where, header[index[field]])
        items.append(item)
    return items


# -- tree, timeline, process, kpi ----------------------------------------------------------------------
def _tree(options: dict[str, str], body: str, line: int) -> tuple[str, dict]:
    if _looks_like_yaml(body) and re.match(r"^\s*(text|root)\s*:", body):
        data = _mapping(_yaml(body, line), "tree", line)
        return "issue_tree", {"root": data.get("root", data)}
    stack: list[tuple[int, dict]] = []
    root = None
    for offset, raw in enumerate(body.splitlines()):
        if not raw.strip():
            continue
        expanded = raw.replace("\t", "    ")
        indent = len(expanded) - len(expanded.lstrip(" "))
        text = re.sub(r"^[-*+]\s+", "", expanded.strip())
        node = {"text": text, "children": []}
        while stack and stack[-1][0] >= indent:
            stack.pop()
        if len(stack) >= MAX_TREE_LEVELS:  # refused here, by its line, before any recursion
            raise OutlineError(_("an issue tree takes at most %(limit)d levels")
                               % {"limit": MAX_TREE_LEVELS}, line + 1 + offset)
        if not stack:
            if root is not None:
                raise OutlineError(_("an issue tree has one root: indent this line under it"),
                                   line + 1 + offset)
            root = node
        else:
            stack[-1][1]["children"].append(node)
        stack.append((indent, node))
    return "issue_tree", {"root": root}


def _split_line(raw: str) -> list[str]:
    return [part.strip() for part in re.split(r"[|｜]", raw.strip())]


def _timeline(options: dict[str, str], body: str, line: int) -> tuple[str, dict]:
    if _looks_like_yaml(body) and re.search(r"^(milestones|periods|lanes)\s*:", body, re.M):
        return "timeline", dict(_mapping(_yaml(body, line), "timeline", line))
    milestones = []
    for offset, raw in enumerate(body.splitlines()):
        if not raw.strip():
            continue
        parts = _split_line(raw)
        if len(parts) == 1:  # "Q1 2027: Partner chosen"
            when, _, label = raw.partition(":")
            parts = [when.strip(), label.strip()]
        if len(parts) < 2 or not parts[0] or not parts[1]:
            raise OutlineError(_("a milestone is 'when | label | detail' or 'when: label'"),
                               line + 1 + offset)
        milestones.append({"when": parts[0], "label": parts[1],
                           "detail": parts[2] if len(parts) > 2 else ""})
    return "timeline", {"milestones": milestones}


def _process(options: dict[str, str], body: str, line: int) -> tuple[str, dict]:
    if _looks_like_yaml(body) and re.search(r"^[ \t]*-[ \t]*title[ \t]*:", body, re.M):
        data = _yaml(body, line)
        return "process", {"steps": data if isinstance(data, list) else []}
    steps = []
    for offset, raw in enumerate(body.splitlines()):
        text = re.sub(r"^\s*([-*+]|\d+[.)])\s+", "", raw).strip()
        if not text:
            continue
        title, colon, rest = text.partition(":")
        if colon and "|" not in title:  # "Title: detail | detail"
            parts = [title.strip()] + _split_line(rest)
        else:  # "Title | detail | detail"
            parts = _split_line(text)
        if not parts[0]:
            raise OutlineError(_("a process step needs a title"), line + 1 + offset)
        steps.append({"title": parts[0], "detail": [p for p in parts[1:] if p]})
    return "process", {"steps": steps}


def _kpi(options: dict[str, str], body: str, line: int) -> tuple[str, dict]:
    if _looks_like_yaml(body) and re.search(r"^[ \t]*-[ \t]*value[ \t]*:", body, re.M):
        data = _yaml(body, line)
        return "kpi", {"metrics": data if isinstance(data, list) else []}
    metrics = []
    for offset, raw in enumerate(body.splitlines()):
        if not raw.strip():
            continue
        parts = _split_line(raw)
        if len(parts) < 2:
            raise OutlineError(_("a KPI is 'value | label | change'"), line + 1 + offset)
        metric = {"value": parts[0], "label": parts[1]}
        if len(parts) > 2 and parts[2]:
            metric["delta"] = parts[2]
            metric["trend"] = "down" if parts[2].startswith(("-", "−", "▼")) else "up"
        metrics.append(metric)
    return "kpi", {"metrics": metrics}


_HANDLERS: dict[str, Callable] = {
    "chart": _chart, "matrix": _matrix, "growth-share": _growth_share, "tree": _tree,
    "timeline": _timeline, "process": _process, "kpi": _kpi,
}
