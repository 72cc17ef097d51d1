"""Inline Markdown to the plain text a DeckSpec carries (emphasis flattened, links to their text)."""

from __future__ import annotations

import re
from urllib.parse import unquote

from markdown_it.tree import SyntaxTreeNode

from generator.fonts import is_east_asian

MAX_ATTRIBUTES_CHARS = 500
_ATTR_PAIR = re.compile(r"""([\w-]+)=(?:"([^"]*)"|'([^']*)'|(\S+))""")


def plain(node: SyntaxTreeNode) -> str:
    """The text of an inline node (or a block holding one), Markdown markup removed."""
    if node.type == "inline":
        return _join(node.children).strip()
    for child in node.children:
        if child.type == "inline":
            return plain(child)
    return _join(node.children).strip()


def _join(children: list[SyntaxTreeNode]) -> str:
    text = ""
    for child in children:
        if child.type in ("text", "code_inline", "html_inline"):
            piece = child.content
        elif child.type in ("softbreak", "hardbreak"):
            piece = "\n" if child.type == "hardbreak" else " "
        elif child.type == "image":
            piece = ""
        else:
            piece = _join(child.children)
        if piece == " " and text and _cjk_edge(text[-1]):
            continue  # a line break inside Japanese text is not a space
        if text.endswith(" ") and piece and _cjk_edge(piece[0]) and _cjk_edge(text[-2:-1] or "a"):
            text = text[:-1]
        text += piece
    return text


def _cjk_edge(char: str) -> bool:
    return bool(char) and is_east_asian(char)


def images(node: SyntaxTreeNode) -> list[tuple[str, str]]:
    """(src, alt) of every image inside a paragraph."""
    found = []
    for child in node.walk():
        if child.type == "image":
            found.append((image_source(child.attrs.get("src", "")), _join(child.children).strip()))
    return found


def image_source(src) -> str:
    """An image's address as written: markdown-it percent-encodes it (`グラフ.png`,
    `my chart.png`, a backslash), and every check must see what the file system would."""
    return unquote(str(src))


def only_image(node: SyntaxTreeNode) -> bool:
    """A paragraph holding nothing but one image (and whitespace)."""
    inline = next((c for c in node.children if c.type == "inline"), None)
    if inline is None:
        return False
    kinds = [c.type for c in inline.children if not (c.type == "text" and not c.content.strip())]
    return kinds == ["image"]


def only_strong(node: SyntaxTreeNode) -> bool:
    """A paragraph that is entirely bold (used as a column heading or a callout)."""
    inline = next((c for c in node.children if c.type == "inline"), None)
    if inline is None:
        return False
    parts = [c for c in inline.children if not (c.type == "text" and not c.content.strip())]
    return len(parts) == 1 and parts[0].type == "strong"


def split_attributes(text: str) -> tuple[str, list[str], dict[str, str]]:
    """'Title {.agenda #id tracker="X"}' -> ('Title', ['agenda'], {'tracker': 'X', 'id': 'id'})."""
    stripped = text.rstrip()
    start = stripped.rfind("{")
    body = stripped[start + 1:-1]
    if (not stripped.endswith("}") or start < 0 or "}" in body
            or len(body) > MAX_ATTRIBUTES_CHARS):  # a regex here was quadratic on long titles
        return text, [], {}
    classes = re.findall(r"(?:^|\s)\.([\w-]+)", body)
    pairs = {m.group(1): next(g for g in m.groups()[1:] if g is not None)
             for m in _ATTR_PAIR.finditer(body)}
    ident = re.search(r"(?:^|\s)#([\w-]+)", body)
    if ident:
        pairs.setdefault("id", ident.group(1))
    return text[:start].rstrip(), classes, pairs
