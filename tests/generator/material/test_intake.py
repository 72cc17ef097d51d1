"""Source files in: what is read from each kind, with its place, and what is refused."""

from __future__ import annotations

import pytest

from generator.material import intake, pack
from generator.material.intake import SourceFile, SourceRefused

from tests.generator.material import makefiles


def build(*sources: tuple[str, bytes]):
    return pack.build([SourceFile(name, data) for name, data in sources])


def test_a_pdf_report_keeps_its_pages():
    material = build(("report.pdf", makefiles.market_report_pdf(pages=4)))
    assert material.documents == [{"name": "report.pdf", "kind": "pdf", "pages": 4}]
    places = {p.place for p in material.passages}
    assert {"p. 1", "p. 2", "p. 4"} <= places
    page2 = next(p for p in material.passages if p.place == "p. 2")
    assert "Passenger" in page2.text and "890" in page2.text  # the table's cells
    assert page2.label() == "report.pdf, p. 2"


def test_a_docx_keeps_its_headings_and_tables():
    material = build(("notes.docx", makefiles.interview_docx()))
    by_place = {p.place: p.text for p in material.passages}
    assert "'Fleet buyers'" in by_place and "parity by 2027" in by_place["'Fleet buyers'"]
    assert "Range anxiety | 17" in by_place["'Dealers'"]


def test_an_xlsx_gives_two_sheet_tables_with_real_cells():
    material = build(("data.xlsx", makefiles.data_pack_xlsx()))
    revenue, share = material.tables
    assert (revenue.id, revenue.sheet, share.sheet) == ("T1", "Revenue", "Share")
    assert revenue.rows[1] == ["Kanto", 410.0, 455.0, 512.0]
    assert revenue.rows[4][1] is None  # a formula with no stored value is not evaluated
    assert share.rows[1] == ["A", 0.31]
    places = [p.place for p in material.passages]
    assert "'Revenue' A1:D5" in places and "'Share' A1:B4" in places


def test_csv_cells_that_look_like_formulas_stay_text():
    material = build(("channels.csv", makefiles.FORMULA_CSV))
    rows = material.tables[0].rows
    assert rows[1][0].startswith("=HYPERLINK") and rows[1][1] == 120.0
    assert rows[2][0].startswith("+cmd") and rows[3][0] == "@SUM(A1:A9)"
    assert rows[4][0] == "-2+3"


def test_markdown_and_text_keep_sections():
    material = build(("brief.md", "# Market\nGrows 18%.\n\n# Risks\nSupply of cells.\n".encode()),
                     ("memo.txt", "Plain memo with 42 items.".encode("cp932")))
    assert [p.place for p in material.passages] == ["'Market'", "'Risks'", "line 1"]


def test_a_pptx_reads_slide_by_slide(tmp_path):
    from pptx import Presentation

    deck = Presentation()
    for text in ("First quarter review", "Second slide: 512 units"):
        slide = deck.slides.add_slide(deck.slide_layouts[1])
        slide.shapes.title.text = text
    deck.save(tmp_path / "last.pptx")
    material = build(("last.pptx", (tmp_path / "last.pptx").read_bytes()))
    assert [p.place for p in material.passages] == ["slide 1", "slide 2"]


@pytest.mark.parametrize("name, data, says", [
    ("locked.pdf", makefiles.encrypted_pdf(), "encrypted"),
    ("numbers.xlsx", makefiles.zip_bomb_xlsx(), "zip bomb"),
    ("macro.xlsx", makefiles.macro_xlsx(), "macros"),
    ("macro.xlsm", b"PK anything", "macros"),
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "old binary"),
    ("protected.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "password-protected"),
    ("fake.pdf", b"<html>not a pdf</html>", "not a PDF"),
    ("broken.pdf", b"%PDF-1.7\n garbage garbage", "cannot be read"),
    ("fake.xlsx", b"PK\x03\x04 not really a zip", "damaged or not an Office file"),
    ("notes.docx", makefiles.data_pack_xlsx(), "do not match its name"),
    ("tool.exe", b"MZ", "not a supported source"),
    ("empty.csv", b"   ", "empty"),
])
def test_hostile_and_wrong_files_are_refused_by_name(name, data, says):
    with pytest.raises(SourceRefused) as info:
        build(("/srv/app/data/uploads/" + name, data))
    message = str(info.value)
    assert message.startswith(f"{name}: ") and says in message
    assert "/srv" not in message and "Traceback" not in message


def test_limits_on_size_count_and_pages(settings):
    settings.MATERIAL_MAX_FILE_BYTES = 1000
    with pytest.raises(SourceRefused, match=r"^big\.txt: the file is larger"):
        build(("big.txt", b"x" * 1001))
    settings.MATERIAL_MAX_FILE_BYTES = 10 * 1024 * 1024
    settings.MATERIAL_MAX_FILES = 2
    with pytest.raises(SourceRefused, match="At most 2"):
        build(*[(f"{i}.txt", b"text") for i in range(3)])
    settings.MATERIAL_MAX_PAGES = 3
    with pytest.raises(SourceRefused, match=r"^long\.pdf: 5 pages; the limit is 3"):
        build(("long.pdf", makefiles.market_report_pdf(pages=5)))


def test_a_named_file_that_is_missing_names_only_itself(tmp_path):
    with pytest.raises(SourceRefused) as info:
        intake.from_path(tmp_path / "gone.pdf")
    assert str(info.value) == "gone.pdf: no such file"
