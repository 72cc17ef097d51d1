"""Slides drawn by this renderer, read back as the kinds they were drawn from.

The renderer names every shape of its diagrams ("Step 2 Detail", "Node 0.1",
"KPI Value 3", "Quadrant 4 Text", ...), so a deck it wrote, or one edited in
PowerPoint since, comes back as process, issue tree, KPI, quote, timeline,
roadmap or 2x2 slides rather than loose bullets: outline -> deck -> outline
gives the outline again.  Any slide these names do not describe fully is left
to the generic reader (None).
"""

from __future__ import annotations

import re
from collections.abc import Callable

_QUOTES = "“”\"「」『』"


def _text(shape) -> str:
    if not shape.has_text_frame:
        return ""
    return " ".join(shape.text_frame.text.replace("\v", " ").split())


def _lines(shape) -> list[str]:
    if not shape.has_text_frame:
        return []
    return [" ".join(p.text.replace("\v", " ").split()) for p in shape.text_frame.paragraphs
            if p.text.strip()]


def _numbered(named: dict, pattern: str) -> dict[int, object]:
    found = {}
    for name, shape in named.items():
        match = re.fullmatch(pattern, name)
        if match:
            found[int(match.group(1))] = shape
    return dict(sorted(found.items()))


def _quote(named: dict) -> dict | None:
    if "Quote" not in named:
        return None
    quote = _text(named["Quote"]).strip(_QUOTES).strip()
    slide = {"kind": "quote", "quote": quote}
    if "Attribution" in named:
        attribution = re.sub(r"^[—―–-]+\s*", "", _text(named["Attribution"]))
        if attribution:
            slide["attribution"] = attribution
    return slide if quote else None


def _process(named: dict) -> dict | None:
    steps = _numbered(named, r"Step (\d+)")
    if len(steps) < 2:
        return None
    return {"kind": "process", "steps": [
        {"title": _text(shape), **({"detail": _lines(named[f"Step {n} Detail"])}
                                   if f"Step {n} Detail" in named else {})}
        for n, shape in steps.items()]}


def _tree(named: dict) -> dict | None:
    nodes = {name[5:]: shape for name, shape in named.items()
             if re.fullmatch(r"Node \d+(\.\d+)*", name)}
    if "0" not in nodes:
        return None

    def build(path: str) -> dict:
        children = sorted((key for key in nodes if key.rsplit(".", 1)[0] == path
                           and key.count(".") == path.count(".") + 1),
                          key=lambda key: int(key.rsplit(".", 1)[1]))
        node = {"text": _text(nodes[path])}
        if children:
            node["children"] = [build(child) for child in children]
        return node

    return {"kind": "issue_tree", "root": build("0")}


def _kpi(named: dict) -> dict | None:
    values = _numbered(named, r"KPI Value (\d+)")
    if not values:
        return None
    metrics = []
    for n, shape in values.items():
        metric = {"value": _text(shape), "label": _text(named.get(f"KPI Label {n}", shape))}
        delta = named.get(f"KPI Delta {n}")
        if delta is not None:
            text = _text(delta)
            trend = {"▲": "up", "▼": "down", "▶": "flat", "►": "flat"}.get(text[:1])
            metric["delta"] = text[1:].strip() if trend else text
            if trend:
                metric["trend"] = trend
        metrics.append(metric)
    return {"kind": "kpi", "metrics": metrics}


def _milestones(named: dict) -> dict | None:
    dates = _numbered(named, r"Milestone (\d+) Date")
    if len(dates) < 2:
        return None
    milestones = []
    for n, shape in dates.items():
        lines = _lines(named[f"Milestone {n} Text"]) if f"Milestone {n} Text" in named else []
        if not lines:
            return None
        milestone = {"when": _text(shape), "label": lines[0]}
        if lines[1:]:
            milestone["detail"] = " ".join(lines[1:])
        milestones.append(milestone)
    return {"kind": "timeline", "milestones": milestones}


def _roadmap(named: dict) -> dict | None:
    periods = _numbered(named, r"Period (\d+)")
    lanes = _numbered(named, r"Lane (\d+)")
    if len(periods) < 2 or not lanes:
        return None
    boxes = [(shape.left, shape.left + shape.width, _text(shape)) for shape in periods.values()]

    def period_at(x: int) -> str | None:
        return next((name for left, right, name in boxes if left <= x < right), None)

    built = []
    for n, lane in lanes.items():
        bars = []
        for _m, bar in _numbered(named, rf"Bar {n}\.(\d+)").items():
            margin = min(bar.width // 4, 91440)
            start, end = period_at(bar.left + margin), period_at(bar.left + bar.width - margin)
            if start is None or end is None:
                return None
            bars.append({"label": _text(bar), "start": start, "end": end})
        if not bars:
            return None
        built.append({"name": _text(lane), "bars": bars})
    return {"kind": "timeline", "periods": [name for _l, _r, name in boxes], "lanes": built}


def _axis(label: str, low: str = "", high: str = "") -> dict:
    match = re.fullmatch(r"(.*?)\s*[(（](.*) → (.*)[)）]", label)
    if match and not (low or high):
        label, low, high = match.groups()
    parts = {"label": label, "low": low, "high": high}
    return {key: value for key, value in parts.items() if value or key == "label"}


def _matrix(named: dict) -> dict | None:
    texts = _numbered(named, r"Quadrant (\d+) Text")
    areas = _numbered(named, r"Quadrant (\d+)")
    if len(texts) != 4 or len(areas) != 4 or "X Axis Label" not in named:
        return None
    quadrants = []
    for shape in texts.values():
        lines = _lines(shape)
        quadrants.append({"title": lines[0], **({"text": " ".join(lines[1:])}
                                                if lines[1:] else {})})
    left = min(s.left for s in areas.values())
    top = min(s.top for s in areas.values())
    right = max(s.left + s.width for s in areas.values())
    bottom = max(s.top + s.height for s in areas.values())
    items = []
    for n, dot in _numbered(named, r"Item (\d+)").items():
        label = named.get(f"Item {n} Label")
        if label is None:
            return None
        x = (dot.left - left) / (right - left - dot.width)  # as the renderer placed it
        y = 1 - (dot.top - top) / (bottom - top - dot.height)
        items.append({"label": _text(label), "x": round(min(max(x, 0), 1), 2),
                      "y": round(min(max(y, 0), 1), 2)})
    slide = {"kind": "matrix", "quadrants": quadrants,
             "x_axis": _axis(_text(named["X Axis Label"]),
                             _text(named["X Axis Low"]) if "X Axis Low" in named else "",
                             _text(named["X Axis High"]) if "X Axis High" in named else ""),
             "y_axis": _axis(_text(named.get("Y Axis Label", named["X Axis Label"])))}
    if items:
        slide["items"] = items
    highlight = _odd_one_out([_fill(shape) for shape in areas.values()])
    if highlight is not None:
        slide["highlight"] = highlight
    return slide


def _fill(shape) -> str:
    try:
        color = shape.fill.fore_color
        return str(color.rgb) if color.type == 1 else f"theme:{color.theme_color}"
    except (AttributeError, TypeError, ValueError, NotImplementedError):
        return ""


def _odd_one_out(fills: list[str]) -> int | None:
    """The 1-based quadrant filled unlike the other three (the highlighted one)."""
    for index, fill in enumerate(fills):
        others = fills[:index] + fills[index + 1:]
        if fill and len(set(others)) == 1 and fill != others[0]:
            return index + 1
    return None


_READERS: tuple[Callable[[dict], dict | None], ...] = (
    _quote, _process, _tree, _kpi, _milestones, _roadmap, _matrix)
# shapes these readers account for: a slide with any other text is left to the generic reader
_OWN = re.compile(r"Quote|Attribution|Step \d+( Detail)?|Node \d+(\.\d+)*|KPI (Value|Label|Delta) "
                  r"\d+|Milestone \d+ (Date|Text)|Period \d+|Lane \d+|Bar \d+\.\d+|Quadrant \d+"
                  r"( Text)?|[XY] Axis( Label| Low| High)?|Item \d+( Label)?")


def read_own(shapes) -> dict | None:
    """The kind and fields of a diagram slide this renderer drew, from its named shapes;
    None when the slide is not one (or holds other text besides)."""
    named = {shape.name: shape for shape in shapes if shape.name}
    diagram = [name for name in named if _OWN.fullmatch(name)]
    if not diagram:
        return None
    for reader in _READERS:
        try:
            found = reader(named)
        except (AttributeError, IndexError, KeyError, TypeError, ValueError, ZeroDivisionError):
            found = None
        if found is not None:
            return found
    return None


def own_text_shape(name: str) -> bool:
    """Whether a shape named `name` is part of a diagram `read_own` reads."""
    return bool(_OWN.fullmatch(name or ""))
