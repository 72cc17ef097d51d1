"""Charts and tables built from the cells of a sheet: the model names the range, never the values.

A range's first row holds the series names (or column headings) and its
first column the categories; `series_in='rows'` reads it the other way round.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field

from generator.errors import SpecError
from generator.spec import ChartSpec
from generator.material.passages import SheetTable, column_letter, format_value

_A1 = re.compile(r"^\s*\$?([A-Za-z]{1,3})\$?(\d{1,7})\s*:\s*\$?([A-Za-z]{1,3})\$?(\d{1,7})\s*$")


class CellData(BaseModel):
    """What the model may say about a slide's data: which table, which range, which chart."""

    model_config = ConfigDict(extra="forbid")

    table: str = Field(description="a table id such as T1")
    range: str = Field(description="an A1 range such as A1:D6, first row and column labels")
    chart: str = Field(default="column", description="chart type, or 'table' for a table")
    series_in: str = Field(default="columns", description="'columns' or 'rows'")


def column_number(letters: str) -> int:
    number = 0
    for char in letters.upper():
        number = number * 26 + ord(char) - 64
    return number


def parse_range(text: str) -> tuple[int, int, int, int]:
    """'B2:E6' -> (first row, first column, last row, last column), 1-based."""
    match = _A1.match(text or "")
    if not match:
        raise SpecError(f"'{text}' is not a cell range like A1:D6")
    c1, r1, c2, r2 = column_number(match[1]), int(match[2]), column_number(match[3]), int(match[4])
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


def grid(table: SheetTable, cell_range: str) -> list[list]:
    r1, c1, r2, c2 = parse_range(cell_range)
    if r2 > len(table.rows) or c2 > (len(table.rows[0]) if table.rows else 0):
        raise SpecError(f"{table.label()}: {cell_range} is outside the sheet's cells "
                        f"(A1:{column_letter(len(table.rows[0]) if table.rows else 1)}"
                        f"{len(table.rows)})")
    if r2 - r1 < 1 or c2 - c1 < 1:
        raise SpecError(f"{table.label()}: {cell_range} needs a label row and column and data")
    return [row[c1 - 1:c2] for row in table.rows[r1 - 1:r2]]


def chart_from_cells(table: SheetTable, data: CellData, *, unit: str = "") -> ChartSpec:
    """A chart whose every number is a cell of `table` in `data.range`."""
    cells = grid(table, data.range)
    if data.series_in == "rows":
        cells = [list(column) for column in zip(*cells)]
    categories = [_label(row[0]) for row in cells[1:]]
    series = []
    for index, name in enumerate(cells[0][1:], start=1):
        values = [row[index] if isinstance(row[index], float) else None for row in cells[1:]]
        if any(v is not None for v in values):
            series.append({"name": _label(name) or f"Series {index}", "values": values})
    if not series:
        raise SpecError(f"{table.label()}: {data.range} holds no numbers")
    kind = data.chart if data.chart in ChartSpec.model_fields["type"].annotation.__args__ else "column"
    if kind in ("scatter", "bubble"):
        kind = "column"
    if kind in ("pie", "waterfall"):
        series = series[:1]
    return ChartSpec.model_validate({"type": kind, "categories": categories, "series": series,
                                     "unit": unit})


def table_from_cells(table: SheetTable, cell_range: str) -> tuple[list[str], list[list[str]]]:
    """(columns, rows) of text exactly as the cells hold them."""
    cells = grid(table, cell_range)
    columns = [_label(v) for v in cells[0]][:10]
    rows = [[format_number(v) for v in row][:10] for row in cells[1:300]]
    return columns, rows


def format_number(value) -> str:
    if isinstance(value, float):
        return f"{value:,.10g}" if abs(value) >= 1000 else format_value(value)
    return format_value(value)


def _label(value) -> str:
    """A cell as a label; text that looks like a formula stays text (it is only ever shown)."""
    return format_value(value)[:200]
