"""DeckSpec -> the Markdown outline that generates it again (`examples/outline-syntax.en.md`).

So a deck, generated or read back from a .pptx (restyle), can be edited as text.
Charts, matrices, timelines and the other diagrams are written as fenced blocks
with a YAML body (the form the reader takes for every block, so nothing is lost
to a CSV shorthand); tables as Markdown tables; every heading carries its kind
as a class so the reader never has to guess.  Markdown punctuation in the text
is escaped, so what is read back is the text as it was.
"""

from __future__ import annotations

import re

import yaml

from generator.spec import DeckSpec

_ESCAPE = re.compile(r"([\\`*_\[\]<>|{}#!~&$])")
_LIST_START = re.compile(r"^(\d+)([.)])|^([-+=>:])")
_HARVEY = "○◔◑◕●"
_RAG = {"red": "[R]", "amber": "[A]", "green": "[G]"}
_CLASSES = {"message": "message", "executive_summary": "summary", "agenda": "agenda",
            "two_column": "two-column", "table": "table", "next_steps": "next-steps",
            "quote": "quote", "section": "section", "appendix": "appendix"}
_BLOCKS = {"chart": "chart", "matrix": "matrix", "growth_share": "growth-share",
           "issue_tree": "tree", "timeline": "timeline", "process": "process", "kpi": "kpi"}


def write_outline(spec: DeckSpec) -> str:
    """The Markdown outline of `spec`."""
    slides = list(spec.slides)
    parts = [_front_matter(spec, slides[0] if slides[0].kind == "cover" else None)]
    if slides[0].kind == "cover":
        slides = slides[1:]
    parts.extend(_slide(slide) for slide in slides)
    return "\n\n".join(part.rstrip("\n") for part in parts if part) + "\n"


def _front_matter(spec: DeckSpec, cover) -> str:
    meta = {}
    if cover is not None:
        meta = {"title": cover.title, "subtitle": cover.subtitle, "author": cover.author,
                "date": cover.date}
    if spec.language:
        meta["language"] = spec.language
    if spec.confidentiality:
        meta["confidentiality"] = spec.confidentiality
    if spec.sticker:
        meta["sticker"] = spec.sticker
    meta = {key: value for key, value in meta.items() if value}
    if not meta:
        return ""
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=10_000) + "---"


def _esc(text: str) -> str:
    text = _ESCAPE.sub(r"\\\1", " ".join(text.split()))
    return _LIST_START.sub(lambda m: (f"{m.group(1)}\\{m.group(2)}" if m.group(1)
                                      else f"\\{m.group(3)}"), text)


def _heading(slide, cls: str | None, **attrs) -> str:
    pieces = [f".{cls}"] if cls else []
    for key in ("tracker", "sticker"):
        if getattr(slide, key, ""):
            attrs[key] = getattr(slide, key)
    for key, value in attrs.items():
        if value not in (None, ""):
            quoted = f'"{value}"' if '"' not in str(value) else f"'{value}'"
            pieces.append(f"{key}={quoted}")
    return f"# {_esc(slide.title)} {{{' '.join(pieces)}}}"


def _points(points, indent: str = "") -> list[str]:
    lines = []
    for point in points:
        lines.append(f"{indent}- {_esc(point.text)}")
        lines.extend(f"{indent}  - {_esc(sub)}" for sub in point.sub)
    return lines


def _furniture(slide) -> list[str]:
    lines = []
    if getattr(slide, "source", ""):
        lines.append(f"Source: {_esc(slide.source)}")
    if getattr(slide, "footnote", ""):
        lines.append(f"Note: {_esc(slide.footnote)}")
    if slide.notes:
        paragraphs = [p for p in slide.notes.split("\n") if p.strip()]
        lines.append("::: notes\n" + "\n\n".join(_esc(p) for p in paragraphs) + "\n:::")
    return lines


def _yaml_block(name: str, data, options: str = "") -> str:
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000)
    return f"```{name}{(' ' + options) if options else ''}\n{body}```"


def _slide(slide) -> str:
    kind = slide.kind
    if kind in _BLOCKS:
        body = _block_body(slide)
    else:
        body = globals()[f"_{kind}"](slide)
    head = body.pop(0)
    return "\n\n".join([head, *body, *_furniture(slide)])


def _block_body(slide) -> list[str]:
    kind = slide.kind
    data = slide.model_dump(mode="json", exclude_defaults=True)
    for key in ("kind", "title", "tracker", "sticker", "source", "footnote", "notes", "points",
                "takeaway"):
        data.pop(key, None)
    if kind == "chart":
        data = data["chart"]
        data = {"type": data.pop("type"), **data}
    elif kind in ("process", "kpi"):
        data = data["steps" if kind == "process" else "metrics"]
    parts = [_heading(slide, None), _yaml_block(_BLOCKS[kind], data)]
    if kind == "chart" and slide.points:
        parts.append("\n".join(_points(slide.points)))
    if getattr(slide, "takeaway", ""):
        parts.append(f"**{_esc(slide.takeaway)}**")
    return parts


def _message(slide) -> list[str]:
    parts = [_heading(slide, "message")]
    if slide.points:
        parts.append("\n".join(_points(slide.points)))
    if slide.image is not None:
        path = slide.image.path.replace(" ", "%20").replace("(", "%28").replace(")", "%29")
        parts.append(f"![{_esc(slide.image.alt)}]({path})")
    if slide.callout:
        parts.append(f"**{_esc(slide.callout)}**")
    return parts


def _executive_summary(slide) -> list[str]:
    return [_heading(slide, "summary"), "\n".join(_points(slide.points))]


def _agenda(slide) -> list[str]:
    return [_heading(slide, "agenda", current=slide.current),
            "\n".join(f"- {_esc(item)}" for item in slide.items)]


def _two_column(slide) -> list[str]:
    def column(col) -> str:
        inner = ([f"**{_esc(col.heading)}**", ""] if col.heading else []) + _points(col.points)
        return "::: column\n" + "\n".join(inner) + "\n:::"
    return [_heading(slide, "two-column"),
            f":::: columns\n{column(slide.left)}\n{column(slide.right)}\n::::"]


def _cell(cell) -> str:
    if cell.harvey is not None:
        return _HARVEY[cell.harvey]
    text = _esc(cell.text)
    return f"{_RAG[cell.rag]} {text}".strip() if cell.rag else text


def _table_lines(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    return "\n".join(lines)


def _table(slide) -> list[str]:
    parts = [_heading(slide, "table"),
             _table_lines([_esc(c) for c in slide.columns],
                          [[_cell(c) for c in row] for row in slide.rows])]
    if slide.takeaway:
        parts.append(f"**{_esc(slide.takeaway)}**")
    return parts


def _next_steps(slide) -> list[str]:
    return [_heading(slide, "next-steps"),
            _table_lines(["Action", "Owner", "Due"],
                         [[_esc(a.action), _esc(a.owner), _esc(a.due)] for a in slide.actions])]


def _quote(slide) -> list[str]:
    lines = f"> {_esc(slide.quote)}"
    if slide.attribution:
        lines += f"\n> — {_esc(slide.attribution)}"
    return [_heading(slide, "quote"), lines]


def _section(slide) -> list[str]:
    return [_heading(slide, "section", number=slide.number)] + (
        [_esc(slide.subtitle)] if slide.subtitle else [])


def _appendix(slide) -> list[str]:
    return [_heading(slide, "appendix")] + ([_esc(slide.subtitle)] if slide.subtitle else [])


def _cover(slide) -> list[str]:  # a cover that is not the first slide: a section keeps its words
    text = " ".join(t for t in (slide.subtitle, slide.author, slide.date) if t)
    return [_heading(slide, "section")] + ([_esc(text)] if text else [])


def deck_outline(row) -> str:
    """The outline of a recorded deck (`GeneratedPresentation`); LookupError when it has no
    spec yet (a brief still being drafted, or a deck that failed before one existed)."""
    if not row.spec:
        raise LookupError("no spec")
    # the stored spec was validated when it was recorded; its picture names (a restyled
    # deck's own extracted pictures) are written as they are, nothing is opened here
    spec = DeckSpec.model_validate(row.spec, context={"pictures_from": "recorded deck"})
    return write_outline(spec)
