"""Material split into passages small enough to choose between, each keeping its place.

A passage is a few paragraphs of one page (or slide, or section), or a block
of rows of one sheet named by its cell range, so that a slide built from it
can say exactly where its facts came from.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from generator.material.readers import Document, Table, Value

MAX_PASSAGE_CHARS = 1200
ROWS_PER_PASSAGE = 25


@dataclass
class Passage:
    id: str
    doc: str
    place: str
    text: str

    def label(self) -> str:
        """'report.pdf, p. 3': what a source line shows."""
        return f"{self.doc}, {self.place}"


@dataclass
class SheetTable:
    """A spreadsheet grid the model may point at by range (never copy values from)."""

    id: str
    doc: str
    sheet: str
    rows: list[list[Value]]

    def label(self) -> str:
        return f"{self.doc}, '{self.sheet}'"

    def as_dict(self) -> dict:
        return asdict(self)


def split(documents: list[Document]) -> tuple[list[Passage], list[SheetTable]]:
    """All passages (P1, P2, ...) and sheet tables (T1, T2, ...) in document order."""
    passages: list[Passage] = []
    tables: list[SheetTable] = []
    for doc in documents:
        for unit in doc.units:
            for chunk in _chunks(unit.text):
                passages.append(Passage(f"P{len(passages) + 1}", doc.name, unit.place, chunk))
        for table in doc.tables:
            sheet = SheetTable(f"T{len(tables) + 1}", doc.name, table.sheet, table.rows)
            tables.append(sheet)
            for place, text in _table_blocks(table):
                passages.append(Passage(f"P{len(passages) + 1}", doc.name, place, text))
    return passages, tables


def _chunks(text: str) -> list[str]:
    """Split on paragraph then line boundaries into pieces of at most MAX_PASSAGE_CHARS."""
    pieces, current = [], ""
    for line in text.split("\n"):
        while len(line) > MAX_PASSAGE_CHARS:
            cut = line.rfind(" ", 0, MAX_PASSAGE_CHARS)
            cut = cut if cut > MAX_PASSAGE_CHARS // 2 else MAX_PASSAGE_CHARS
            if current:
                pieces.append(current)
                current = ""
            pieces.append(line[:cut])
            line = line[cut:].lstrip()
        if current and len(current) + len(line) + 1 > MAX_PASSAGE_CHARS:
            pieces.append(current)
            current = ""
        current = f"{current}\n{line}" if current else line
    if current.strip():
        pieces.append(current)
    return [p.strip() for p in pieces if p.strip()]


def column_letter(index: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _table_blocks(table: Table):
    width = len(table.rows[0]) if table.rows else 0
    header = table.rows[0] if table.rows else []
    for start in range(0, len(table.rows), ROWS_PER_PASSAGE):
        block = table.rows[start:start + ROWS_PER_PASSAGE]
        first, last = start + 1, start + len(block)
        place = f"'{table.sheet}' A{first}:{column_letter(width)}{last}"
        lines = [] if start == 0 else [f"(header) {_row_text(header)}"]
        lines += [f"{first + i}: {_row_text(row)}" for i, row in enumerate(block)]
        yield place, "\n".join(lines)


def _row_text(row: list[Value]) -> str:
    return " | ".join(format_value(v) for v in row)


def format_value(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.10g}"
    return value
