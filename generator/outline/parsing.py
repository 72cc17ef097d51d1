"""Markdown to tokens with bounded cost, and proof that no line was dropped.

markdown-it is linear on most input but slow on some (a paragraph of 200,000
`[` took 4 s, `*a **` runs 14 s and 650 MB at 2 MB), and it silently skips
whatever lies deeper than its nesting limit (ten list levels made three slides
one).  So, before anything is built:

- the source is bounded in bytes, lines and link definitions, and refused for
  characters no deck can carry (`check_source`, on text with Unix line ends);
- the number of block tokens, the length of one paragraph (or heading, or cell)
  and the markup the inline rules must examine are bounded, each refusal
  naming the line;
- a block nested to markdown-it's limit is refused, and every line holding a
  word must have been read into some block: nothing is dropped silently.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.utils.translation import gettext as _
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from generator.errors import OutlineError
from generator.spec import source_text_problem

# Each bound keeps the worst input of its kind under a second of work here (markdown-it
# spends up to 40 us on a line, 15 us on a block token, 20 us on a bracket, and reads the
# whole source a character at a time first); real outlines stay far below them: 500 slides
# of six bold bullets, a link and code each, with notes, are about 7,000 lines, 20,000 block
# tokens and 16,000 marks.
MAX_OUTLINE_BYTES = 1_000_000
MAX_LINES = 20_000
MAX_LINK_DEFINITIONS = 1_000  # `[label]: url` lines, each costing 80 us
MAX_BLOCK_TOKENS = 40_000
MAX_INLINE_CHARS = 30_000  # one paragraph, heading or cell: no field takes over 20,000
MAX_MARKUP_CHARS = 30_000  # characters that start the costly inline rules, in the whole outline
_MARKUP_CHARS = "[]!*_`<&\\"
_LINK_DEFINITION = re.compile(r"^ {0,3}\[[^\]\n]*\]:", re.M)
# block tokens whose contents markdown-it tokenizes one level deeper
_CONTAINERS = ("blockquote_open", "bullet_list_open", "ordered_list_open", "list_item_open")
# blocks that hold the source's words: each covers the lines of its `map`
_LEAVES = ("paragraph_open", "heading_open", "fence", "code_block", "table_open", "hr",
           "html_block", "front_matter")
_WORD = re.compile(r"\w")


def check_source(text: str) -> None:
    """Refuse an outline too large to read, or holding characters no deck can carry."""
    size, limit = len(text.encode("utf-8", "surrogatepass")), outline_limit()
    if size > limit:
        raise OutlineError(_("the outline is %(size)s bytes; the limit is %(limit)s")
                           % {"size": f"{size:,}", "limit": f"{limit:,}"})
    lines = text.count("\n") + 1
    if lines > MAX_LINES:
        raise OutlineError(_("the outline has %(count)s lines; the limit is %(limit)s")
                           % {"count": f"{lines:,}", "limit": f"{MAX_LINES:,}"}, MAX_LINES + 1)
    definitions = _LINK_DEFINITION.findall(text)
    if len(definitions) > MAX_LINK_DEFINITIONS:
        raise OutlineError(_("the outline defines more than %(limit)s link labels "
                             "('[label]: address' lines)") % {"limit": f"{MAX_LINK_DEFINITIONS:,}"})
    problem = source_text_problem(text)
    if problem is not None:
        line, _column, message = problem
        raise OutlineError(message, line)


def outline_limit() -> int:
    """The largest outline read, in bytes (JSON specs may be larger: they skip markdown-it)."""
    return min(settings.MAX_SOURCE_BYTES, MAX_OUTLINE_BYTES)


def bounded(parser: MarkdownIt) -> MarkdownIt:
    """`parser` with the token and inline bounds installed (core rules around its own)."""
    parser.core.ruler.before("block", "bound_block_tokens", _bound_block_tokens)
    parser.core.ruler.before("inline", "bound_inline_work", _bound_inline_work)
    return parser


def parse(parser: MarkdownIt, text: str) -> list[Token]:
    """The tokens of `text`; refuses (naming the line) what would be cut or dropped."""
    env: dict = {}
    tokens = parser.parse(text, env)
    _refuse_deep_nesting(tokens, parser.options["maxNesting"])
    _refuse_unread_lines(text, tokens, env)
    return tokens


class _BoundedTokens(list):
    """The block token list, refusing to grow past `MAX_BLOCK_TOKENS` (tables of
    thousands of cells and rows otherwise took gigabytes before any check)."""

    def append(self, token: Token) -> None:
        if len(self) >= MAX_BLOCK_TOKENS:
            line = next((t.map[0] + 1 for t in reversed(self) if t.map), None)
            raise OutlineError(_("the outline has more than %(limit)s Markdown blocks; split it")
                               % {"limit": f"{MAX_BLOCK_TOKENS:,}"}, line)
        super().append(token)


def _bound_block_tokens(state: StateCore) -> None:
    state.tokens = _BoundedTokens(state.tokens)


def _bound_inline_work(state: StateCore) -> None:
    markup = 0
    for token in state.tokens:
        if token.type != "inline":
            continue
        line = token.map[0] + 1 if token.map else None
        if len(token.content) > MAX_INLINE_CHARS:
            raise OutlineError(_("this paragraph is %(size)s characters long; the limit is "
                                 "%(limit)s") % {"size": f"{len(token.content):,}",
                                                 "limit": f"{MAX_INLINE_CHARS:,}"}, line)
        markup += sum(token.content.count(char) for char in _MARKUP_CHARS)
        if markup > MAX_MARKUP_CHARS:
            raise OutlineError(_("the outline holds more than %(limit)s Markdown marks "
                                 "(brackets, emphasis, backticks) up to here; split it")
                               % {"limit": f"{MAX_MARKUP_CHARS:,}"}, line)


def _refuse_deep_nesting(tokens: list[Token], limit: int) -> None:
    """markdown-it skips, without a word, the contents of a block opened at its limit."""
    for token in tokens:
        if token.level >= limit - 1 and (token.type in _CONTAINERS
                                         or token.type.startswith("container_")):
            if token.nesting == 1:
                raise OutlineError(_("lists, quotes and ::: blocks are nested too deeply here "
                                     "for their contents to be read; use fewer levels"),
                                   token.map[0] + 1 if token.map else None)


def _refuse_unread_lines(text: str, tokens: list[Token], env: dict) -> None:
    """Every line holding a word was read into a block (or is a link definition)."""
    read = bytearray(text.count("\n") + 2)
    for token in tokens:
        if not token.map:
            continue
        if token.type in _LEAVES:
            read[token.map[0]:token.map[1]] = b"\1" * (token.map[1] - token.map[0])
        elif token.type.startswith("container_") and token.nesting == 1:
            read[token.map[0]] = 1  # the ':::' line naming the block
    for group in ("references", "duplicate_refs"):
        entries = env.get(group) or {}
        for entry in entries.values() if isinstance(entries, dict) else entries:
            start, end = entry.get("map") or (0, 0)
            read[start:end] = b"\1" * (end - start)
    for index, line in enumerate(text.split("\n")):
        if not read[index] and _WORD.search(line):
            raise OutlineError(_("this line could not be read as part of the outline (the "
                                 "Markdown around it is malformed or nested too deeply)"),
                               index + 1)
