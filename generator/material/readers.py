"""Text and tables out of each kind of source, each piece with its place in the file.

Well-kept libraries do the reading: pypdf, python-docx, openpyxl (read-only,
cached values: a formula is never evaluated, and one without a stored value
reads as empty), python-pptx.  A spreadsheet or CSV cell is kept as a number
only when it is one; anything else, `=SUM(...)` and `@cmd` included, is text.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from generator.material.intake import SourceFile, SourceRefused, max_pages, refuse

MAX_SHEET_ROWS = 5000
MAX_SHEET_COLUMNS = 100
MAX_TEXT_CHARS = 3_000_000
Value = float | str | None
_NUMBER = re.compile(r"^\s*[-+]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?\s*%?\s*$")


@dataclass
class Unit:
    """A run of text and where it is: 'p. 3', 'slide 4', "'Market' section"."""

    place: str
    text: str


@dataclass
class Table:
    """A grid of cells from a sheet (or CSV); row 1, column 1 is cell A1."""

    sheet: str
    rows: list[list[Value]]


@dataclass
class Document:
    name: str
    kind: str
    pages: int = 0
    units: list[Unit] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


def read(source: SourceFile, kind: str) -> Document:
    """Read a checked source; a library failure is a refusal naming the file."""
    reader = {"pdf": read_pdf, "docx": read_docx, "pptx": read_pptx, "xlsx": read_xlsx,
              "csv": read_csv, "text": read_text}[kind]
    try:
        document = reader(source)
    except RecursionError:
        raise refuse(source.name, _("the file is nested too deeply to read")) from None
    except SourceRefused:
        raise
    except Exception:  # a damaged file: each library raises its own kinds
        raise refuse(source.name, _("the file cannot be read (it may be damaged)")) from None
    if sum(len(u.text) for u in document.units) > MAX_TEXT_CHARS:
        raise refuse(source.name, _("the file holds more text than a deck can be drafted from"))
    return document


def read_pdf(source: SourceFile) -> Document:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(source.data))
    if reader.is_encrypted:
        raise refuse(source.name, _("the PDF is encrypted; remove the password and save it "
                                    "again"))
    count = len(reader.pages)
    if count > max_pages():
        raise refuse(source.name, _("%(pages)d pages; the limit is %(limit)d")
                     % {"pages": count, "limit": max_pages()})
    doc = Document(name=source.name, kind="pdf", pages=count)
    for number, page in enumerate(reader.pages, start=1):
        text = _clean(page.extract_text() or "")
        if text:
            doc.units.append(Unit(place=f"p. {number}", text=text))
    return doc


def read_docx(source: SourceFile) -> Document:
    import docx

    document = docx.Document(io.BytesIO(source.data))
    doc = Document(name=source.name, kind="docx")
    heading, lines = "", []

    def flush():
        if lines:
            place = f"'{heading[:60]}'" if heading else _("beginning")
            doc.units.append(Unit(place=place, text="\n".join(lines)))
            lines.clear()

    for block in document.iter_inner_content():
        if block.__class__.__name__ == "Table":
            lines.extend(" | ".join(_clean(c.text) for c in row.cells) for row in block.rows)
            continue
        text = _clean(block.text)
        if not text:
            continue
        if (block.style.name or "").lower().startswith(("heading", "title")):
            flush()
            heading = text
        lines.append(text)
    flush()
    doc.pages = len(doc.units)
    return doc


def read_pptx(source: SourceFile) -> Document:
    from pptx import Presentation

    deck = Presentation(io.BytesIO(source.data))
    count = len(deck.slides)
    if count > max_pages():
        raise refuse(source.name, _("%(pages)d slides; the limit is %(limit)d")
                     % {"pages": count, "limit": max_pages()})
    doc = Document(name=source.name, kind="pptx", pages=count)
    for number, slide in enumerate(deck.slides, start=1):
        lines = []
        for shape in slide.shapes:
            if shape.has_text_frame:
                lines.extend(p for p in (_clean(shape.text_frame.text),) if p)
            if getattr(shape, "has_table", False) and shape.has_table:
                lines.extend(" | ".join(_clean(c.text) for c in row.cells)
                             for row in shape.table.rows)
        if lines:
            doc.units.append(Unit(place=f"slide {number}", text="\n".join(lines)))
    return doc


def read_xlsx(source: SourceFile) -> Document:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(source.data), read_only=True, data_only=True,
                         keep_links=False)
    doc = Document(name=source.name, kind="xlsx")
    try:
        for sheet in book.worksheets:
            rows = [[_cell(v) for v in row] for row in sheet.iter_rows(
                max_row=MAX_SHEET_ROWS, max_col=MAX_SHEET_COLUMNS, values_only=True)]
            rows = _trim(rows)
            if rows:
                doc.tables.append(Table(sheet=sheet.title, rows=rows))
    finally:
        book.close()
    doc.pages = len(doc.tables)
    return doc


def read_csv(source: SourceFile) -> Document:
    text = decode(source)
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = []
    for number, row in enumerate(csv.reader(io.StringIO(text), dialect)):
        if number >= MAX_SHEET_ROWS:
            break
        rows.append([cell_from_text(v) for v in row[:MAX_SHEET_COLUMNS]])
    doc = Document(name=source.name, kind="csv", pages=1)
    rows = _trim(rows)
    if rows:
        doc.tables.append(Table(sheet=source.name.rsplit(".", 1)[0][:60], rows=rows))
    return doc


def read_text(source: SourceFile) -> Document:
    text = decode(source)
    doc = Document(name=source.name, kind="text")
    heading, lines, line_no, start = "", [], 0, 1
    for line_no, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith("#") and lines:
            doc.units.append(Unit(place=_text_place(heading, start), text="\n".join(lines)))
            lines, start = [], line_no
        if line.lstrip().startswith("#"):
            heading = line.lstrip("# ").strip()
        if line.strip():
            lines.append(_clean(line))
    if lines:
        doc.units.append(Unit(place=_text_place(heading, start), text="\n".join(lines)))
    doc.pages = len(doc.units)
    return doc


def _text_place(heading: str, line: int) -> str:
    return f"'{heading[:60]}'" if heading else _("line %(line)d") % {"line": line}


def decode(source: SourceFile) -> str:
    """UTF-8 (with or without BOM), else Shift_JIS as Excel writes Japanese CSV."""
    data = source.data[3:] if source.data.startswith(b"\xef\xbb\xbf") else source.data
    for encoding in ("utf-8", "cp932"):
        try:
            return _clean(data.decode(encoding))
        except UnicodeDecodeError:
            continue
    raise refuse(source.name, _("not UTF-8 or Shift_JIS text; save it as UTF-8"))


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def _clean(text: str) -> str:
    return _CONTROL.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n")).strip()


def cell_from_text(text: str) -> Value:
    """A CSV cell: a number when it is one ('1,200', '-5', '12%'); otherwise text, as is."""
    text = _clean(text)
    if not text:
        return None
    if _NUMBER.match(text):
        number = float(text.replace(",", "").replace("%", "").strip())
        return number / 100 if text.rstrip().endswith("%") else number
    return text


def _cell(value) -> Value:
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.date().isoformat() if isinstance(value, dt.datetime) else value.isoformat()
    text = _clean(str(value))
    return text or None


def _trim(rows: list[list[Value]]) -> list[list[Value]]:
    """Drop trailing empty rows and columns (keeps A1 where it is)."""
    while rows and all(v is None for v in rows[-1]):
        rows.pop()
    width = max((max((i + 1 for i, v in enumerate(r) if v is not None), default=0)
                 for r in rows), default=0)
    return [(r + [None] * width)[:width] for r in rows]
