"""A corpus of hostile outlines, built in code: each is (name, text, what its refusal says).

Every text stays within the source limit (what the web, the API and the command
line accept), so each one reaches the reader.  `needle` is a piece of the message
the refusal must carry (None: a legitimate outline that must be read).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Case:
    name: str
    text: str
    needle: str | None  # None: must be read, not refused


def _fill(unit: str, limit: int, head: str = "# T\n\n", tail: str = "\n") -> str:
    """`head` + `unit` repeated to just under `limit` bytes + `tail`."""
    room = limit - len(head.encode()) - len(tail.encode()) - 16
    return head + unit * (room // len(unit.encode())) + tail


def _laughs(levels: int, width: int, *, front_matter: bool) -> str:
    lines = ['a0: &a0 ["lol"' + ', "lol"' * (width - 1) + "]"]
    for level in range(1, levels):
        refs = ", ".join([f"*a{level - 1}"] * width)
        lines.append(f"a{level}: &a{level} [{refs}]")
    lines.append(f"title: *a{levels - 1}")
    yaml = "\n".join(lines)
    if front_matter:
        return f"---\n{yaml}\n---\n\n# T\n\n- a\n"
    return f"# T\n\n```chart\ntype: column\n{yaml}\n```\n"


def _compact_laughs() -> str:
    """The issue's 378-byte alias bomb: nine levels of nine references (9**9 strings)."""
    names = "abcdefghi"
    lines = ["a: &a [x,x,x,x,x,x,x,x,x]"]
    for previous, name in zip(names, names[1:]):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    return "---\n" + "\n".join(lines) + "\ntitle: *i\n---\n# T\n"


def _nested_list(levels: int) -> str:
    deep = "".join("  " * depth + f"- level {depth + 1}\n" for depth in range(levels))
    return f"# One\n\n{deep}\n# Two\n\n- b\n\n# Three\n\n- c\n"


def _paragraphs(unit: str, limit: int, chars: int = 29_000) -> str:
    """Many paragraphs, each just under the one-paragraph limit, of `unit`."""
    paragraph = unit * (chars // len(unit)) + "\n\n"
    return _fill(paragraph, limit)


def corpus(limit: int) -> list[Case]:
    """The hostile outlines for a source limit of `limit` bytes."""
    nested_divs = "# T\n\n" + "::: box\n" * 3000 + "deep text\n" + ":::\n" * 3000
    cases = [
        # YAML: alias bombs (billion laughs), merge keys, depth, size, tags, values
        Case("alias bomb in front matter", _laughs(9, 9, front_matter=True), "aliases"),
        Case("alias bomb in a chart block", _laughs(9, 9, front_matter=False), "aliases"),
        Case("a compact alias bomb", _compact_laughs(), "aliases"),
        Case("merge-key bomb", "---\nx: &x {a: 1}\ny: {<<: *x, b: 2}\n---\n\n# T\n", "aliases"),
        Case("a lone anchor", "---\ntitle: &t Title\n---\n\n# T\n\n- a\n", "anchors"),
        Case("flow nesting 50,000 deep", "---\ntitle: " + "[" * 50_000 + "\n---\n\n# T\n",
             "YAML"),
        Case("block nesting 200 deep", "---\n" + "".join(" " * i + f"k{i}:\n"
                                                        for i in range(200)) + "---\n\n# T\n",
             "levels deep"),
        Case("50,000 YAML values", "---\ntitle: [" + "1," * 50_000 + "1]\n---\n\n# T\n",
             "characters long"),
        Case("25,000 YAML values", "---\nt: [" + "1," * 25_000 + "1]\n---\n\n# T\n", "values"),
        Case("a 10,000-digit integer", "---\ntitle: " + "9" * 10_000 + "\n---\n\n# T\n\n- a\n",
             "cannot be read"),
        Case("a 13th month", "---\ndate: 2026-13-45\n---\n\n# T\n\n- a\n", "cannot be read"),
        Case("a python tag", "---\ntitle: !!python/object/apply:os.system [echo]\n---\n\n# T\n",
             "invalid YAML"),
        Case("front matter of a 200,000-character line",
             "---\ntitle: " + "x" * 200_000 + "\n---\n# T\n", "characters long"),
        Case("front matter to the byte limit",
             _fill("k: v\n", limit, head="---\n", tail="---\n# T\n"), "lines"),
        # nesting: lists, quotes, ::: blocks
        Case("lists nested twelve deep", _nested_list(12), "nested too deeply"),
        Case("lists nested to the byte limit",
             "# T\n\n" + "".join(" " * (2 * i) + "- x\n" for i in range(990)),
             "nested too deeply"),
        Case("quotes nested 5,000 deep", "# One\n\n" + ">" * 5000 + " deep\n\n# Two\n\n- b\n",
             "nested too deeply"),
        Case("quotes and lists nested", "# One\n\n" + "".join(
            "  " * i + ("> " if i % 2 else "- ") + "x\n" for i in range(40)) + "\n# Two\n",
             "nested too deeply"),
        Case("::: blocks nested 3,000 deep", nested_divs, "nested too deeply"),
        # size: tables, headings, lines, paragraphs
        Case("a table of 3,000 columns", "# T\n\n" + "|" + "a|" * 3000 + "\n|" + "-|" * 3000
             + "\n" + ("|" + "b|" * 3000 + "\n") * 100, "Markdown blocks"),
        Case("a table to the byte limit", _fill("|x|y|\n", limit, head="# T\n\n|a|b|\n|-|-|\n"),
             "lines"),
        Case("headings to the byte limit", _fill("# H\n", limit, head=""), "lines"),
        Case("19,000 headings", "# H\n" * 19_000, "Markdown blocks"),
        Case("numbered items up to the line limit", "# T\n\n" + "1. a\n" * 19_990,
             "Markdown blocks"),
        Case("setext headings up to the line limit", "a\n===\n" * 9_990, "at most 500"),
        Case("501 slides", "".join(f"# S{i}\n\n- a\n\n" for i in range(501)), "line 2001"),
        Case("slides to the byte limit", _fill("# Slide\n\n- point\n\n", limit, head=""),
             "lines"),
        Case("one 2 MB line", _fill("word ", limit), "characters long"),
        Case("one 2 MB heading", _fill("x", limit, head="# "), "characters long"),
        Case("paragraphs of soft line breaks", _paragraphs("a\n", limit), "lines"),
        Case("old Mac line ends past the line limit", "# T\n\n" + "a\r" * 100_000, "lines"),
        Case("paragraph lines up to the line limit", "# T\n\n" + ("a\n" * 9_990 + "\n") * 2,
             "characters"),
        Case("link definitions to the byte limit", _fill("[a]: http://x\n", limit, head=""),
             "lines"),
        Case("1,500 link definitions", "# T\n\n" + "[a]: http://x\n" * 1_500, "link labels"),
        # markdown-it's slow paths: emphasis, brackets, images, backticks, entities
        Case("one paragraph of emphasis runs", _fill("*a **", limit), "characters long"),
        Case("paragraphs of emphasis runs", _paragraphs("*a **", limit), "Markdown marks"),
        Case("paragraphs of underscore runs", _paragraphs("_a __", limit), "Markdown marks"),
        Case("paragraphs of open brackets", _paragraphs("[", limit), "Markdown marks"),
        Case("paragraphs of image openers", _paragraphs("![", limit), "Markdown marks"),
        Case("paragraphs of unclosed links", _paragraphs("[a](", limit), "Markdown marks"),
        Case("paragraphs of backtick runs", _paragraphs("`a``", limit), "Markdown marks"),
        Case("growing backtick runs", "# T\n\n" + "".join("`" * i + "a" for i in range(1, 240))
             + "\n", "characters"),
        Case("29,000 open brackets", "# T\n\n" + "[" * 29_000 + "\n", "characters"),
        Case("14,500 image openers", "# T\n\n" + "![" * 14_500 + "\n", "characters"),
        Case("9,900 emphasis runs", "# T\n\n" + ("*a **" * 4_950 + "\n\n") * 2, "characters"),
        Case("9,900 unclosed links", "# T\n\n" + ("[a](" * 4_950 + "\n\n") * 2, "characters"),
        Case("paragraphs of entities", _paragraphs("&#", limit), "Markdown marks"),
        Case("paragraphs of autolink openers", _paragraphs("<a ", limit), "Markdown marks"),
        Case("paragraphs of escapes", _paragraphs("\\*", limit), "Markdown marks"),
        # our own code on long text: attributes, quotes, fenced blocks
        Case("a title of spaces before attributes",
             "# a" + " " * 29_000 + "b {.agenda}\n\n- x\n", "title"),
        Case("an attribute block of 29,000 letters", "# T {" + "a" * 29_000 + "}\n\n- x\n",
             "title"),
        Case("a quote of dashes", "# T\n\n> " + "-- " * 9_000 + "—\n", "quote"),
        Case("a quote of spaces", "# T\n\n> a" + " " * 29_000 + "b\n", None),
        Case("block options of 2 MB", _fill("x", limit, head="# T\n\n```chart ", tail="\n```\n"),
             "block options"),
        Case("a chart of 100,000 CSV rows", "# T\n\n```chart column\nyear,sales\n"
             + "2020,1\n" * 100_000 + "```\n", "lines"),
        Case("a chart of 19,000 CSV rows", "# T\n\n```chart column\nyear,sales\n"
             + "2020,1\n" * 19_000 + "```\n", "categories"),
        Case("a KPI line of spaces", "# T\n\n```kpi\na" + " " * 990_000 + "b\n```\n", "KPI"),
        Case("process steps of spaces", "# T\n\n```process\n" + (" " * 1000 + "x\n") * 990
             + "```\n", "steps"),
        Case("an issue tree 1,400 deep", "# T\n\n```tree\n" + "".join(
            " " * i + "n\n" for i in range(1400)) + "```\n",
             "line 8: an issue tree takes at most 4"),
        Case("blank lines in a KPI block", "# T\n\n```kpi\n" + "\n" * 990_000 + "```\n",
             "lines"),
        Case("a KPI block of 19,000 blank lines", "# T\n\n```kpi\n" + "\n" * 19_000 + "```\n",
             "kpi block is empty"),
        # characters no deck can carry
        Case("a NUL in a bullet", "# T\n\n- a\x00b\n", "U+0000"),
        Case("a NUL in the front matter", "---\ntitle: x\nfoo: \"a\x00\"\n---\n\n# T\n\n- a\n",
             "U+0000"),
        Case("a NUL in a chart block", "# T\n\n```chart column\nyear,a\x00\n2020,1\n```\n",
             "U+0000"),
        Case("an escape character", "# T \x1b[31m\n\n- a\n", "U+001B"),
        Case("a C1 control", "# T\n\n- a\x85b\n", "U+0085"),
        Case("a non-character", "# T\n\n- a\uffffb\n", "U+FFFF"),
        # pictures: nothing from the server's folders, nothing fetched
        Case("another user's slide picture", "# T\n\n![](data/previews/1/slide-001.png)\n",
             "command line"),
        Case("a remote picture", "# T\n\n![x](http://127.0.0.1:9/x.png)\n", "not fetched"),
        Case("a data: picture", "# T\n\n![x](data:image/png;base64,iVBORw0KGgo=)\n",
             "not fetched"),
        Case("a picture in a bullet", "# T\n\n- see ![x](http://127.0.0.1:9/x.png)\n",
             "not fetched"),
        # the largest legitimate outline must still be read
        Case("500 slides of six bullets", "---\ntitle: A long deck\n---\n\n" + "".join(
            f"# Slide {i} makes its point clearly\n\n" + "".join(
                f"- **Point {j}** of slide {i} holds a plain sentence of evidence\n"
                for j in range(5)) + f"- See [the source](https://example.com/{i}) and `code`\n"
            "\n::: notes\nSay it.\n:::\n\n" for i in range(499)), None),
    ]
    too_big = [case.name for case in cases if len(case.text.encode()) > limit]
    assert not too_big, f"corpus cases over the {limit}-byte limit: {too_big}"
    return cases + [Case("an outline over the byte limit", _fill("x", 2 * limit), "bytes")]
