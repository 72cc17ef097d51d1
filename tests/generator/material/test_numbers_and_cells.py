"""Numbers read in English and Japanese writing; passages ranked; charts from cell ranges."""

from __future__ import annotations

import pytest

from generator.errors import SpecError
from generator.material import numbers
from generator.material.cells import CellData, chart_from_cells, parse_range, table_from_cells
from generator.material.passages import Passage, SheetTable
from generator.material.select import choose


@pytest.mark.parametrize("text, value, percent", [
    ("市場は3.2兆円に達する", 3.2e12, False),
    ("売上は1,200億円", 1.2e11, False),
    ("1兆2,000億円の投資", 1.2e12, False),
    ("35百万円", 3.5e7, False),
    ("年12%成長", 12, True),
    ("１２％", 12, True),
    ("JPY 3.2tn by 2030", 3.2e12, False),
    ("USD 25 million", 2.5e7, False),
    ("fell −5.5%", -5.5, True),
])
def test_numbers_are_read_with_their_scale(text, value, percent):
    found = numbers.extract(text)[0]
    assert found.value == pytest.approx(value) and found.percent is percent


def test_a_number_matches_a_source_at_the_precision_written():
    known = numbers.Known()
    known.add_text("売上高は3兆2,150億円、成長率は12.4%")
    known.add_value(320.0)  # a sheet headed 'JPY bn'
    known.add_value(0.31)  # a share stored as a fraction
    assert numbers.unknown("3.2兆円の市場、12%成長、シェア31%", known) == []
    assert numbers.unknown("JPY 320bn and 31%", known) == []
    assert numbers.unknown("3.3兆円、13%、JPY 321bn", known) == ["3.3兆", "13%", "321bn"]


def test_counts_and_labels_are_not_checked():
    known = numbers.Known()
    assert numbers.unknown("Three steps: 3 bullets in Q3 of FY2024", known) == []
    assert numbers.unknown("grew 11 points", known) == ["11"]


def test_selection_prefers_relevant_passages_within_the_budget():
    passages = [Passage(f"P{i}", "r.pdf", f"p. {i}", text) for i, text in enumerate([
        "Insurance premiums rose slowly. " * 20,
        "Battery recycling plants recover lithium and cobalt. " * 10,
        "電池リサイクルの市場は拡大している。" * 10,
        "Leasing contracts for fleets. " * 20], start=1)]
    chosen = choose(passages, "battery recycling", budget_tokens=400)
    assert [p.id for p in chosen] == ["P2"]
    assert [p.id for p in choose(passages, "電池リサイクル", budget_tokens=400)] == ["P3"]
    assert [p.id for p in choose(passages, "leasing", budget_tokens=10_000, must=("P1",))] == [
        "P1", "P4"]


SHEET = SheetTable("T1", "data.xlsx", "Revenue", [
    ["Region", "2022", "2023"], ["Kanto", 410.0, 455.0], ["Kansai", 220.0, "n/a"],
    ["=cmd()", 1.0, 2.0]])


def test_a_chart_takes_its_numbers_from_the_cells():
    chart = chart_from_cells(SHEET, CellData(table="T1", range="A1:C3", chart="line"))
    assert chart.type == "line" and chart.categories == ["Kanto", "Kansai"]
    assert [(s.name, s.values) for s in chart.series] == [("2022", [410.0, 220.0]),
                                                         ("2023", [455.0, None])]
    rows = chart_from_cells(SHEET, CellData(table="T1", range="$A$1:$C$3", series_in="rows"))
    assert rows.categories == ["2022", "2023"] and rows.series[0].values == [410.0, 455.0]
    columns, body = table_from_cells(SHEET, "A1:C4")
    assert columns == ["Region", "2022", "2023"] and body[2] == ["=cmd()", "1", "2"]


@pytest.mark.parametrize("cell_range, says", [
    ("A1:Z9", "outside the sheet"), ("A1", "not a cell range"), ("A1:A3", "label row and column"),
    ("A3:A4; DROP", "not a cell range")])
def test_a_bad_range_is_refused(cell_range, says):
    with pytest.raises(SpecError, match=says):
        chart_from_cells(SHEET, CellData(table="T1", range=cell_range))


def test_a_range_of_text_has_no_numbers_to_chart():
    with pytest.raises(SpecError, match="holds no numbers"):
        chart_from_cells(SheetTable("T1", "d.csv", "d", [["a", "b"], ["x", "y"]]),
                         CellData(table="T1", range="A1:B2"))
    assert parse_range("b2:a1") == (1, 1, 2, 2)
