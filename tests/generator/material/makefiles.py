"""Realistic and hostile source files, made by the tests themselves."""

from __future__ import annotations

import io
import zipfile


def market_report_pdf(pages: int = 3) -> bytes:
    """A multi-page market report with a table, as reportlab writes it."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

    out = io.BytesIO()
    styles = getSampleStyleSheet()
    story = [Paragraph("Domestic EV market report 2025", styles["Title"]),
             Paragraph("The domestic EV market reached JPY 1,200bn in 2024 and grows 18% a "
                       "year. Charging points number 32,000 nationwide.", styles["Normal"]),
             PageBreak(),
             Paragraph("Market size by segment", styles["Heading1"]),
             Paragraph("Passenger cars account for 74% of EV sales; fleet buyers hold "
                       "the rest.", styles["Normal"])]
    table = Table([["Segment", "2023", "2024"], ["Passenger", "610", "890"],
                   ["Fleet", "240", "310"]])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    story.append(table)
    for number in range(3, pages + 1):
        story += [PageBreak(), Paragraph(f"Appendix page {number}", styles["Heading1"]),
                  Paragraph("Battery prices fell to USD 115 per kWh; dealers report waiting "
                            "lists of 14 weeks. " * 8, styles["Normal"])]
    SimpleDocTemplate(out, pagesize=A4).build(story)
    return out.getvalue()


def long_report_pdf(pages: int) -> bytes:
    """A long report: every page its own topic and figures (the bench's material)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    topics = ["charging", "battery", "dealers", "fleet", "subsidy", "grid", "recycling",
              "software", "insurance", "leasing"]
    for number in range(1, pages + 1):
        topic = topics[number % len(topics)]
        y = 800
        for line in range(40):
            pdf.drawString(40, y, f"Page {number}: the {topic} market item {line} grew "
                                  f"{(number * 7 + line) % 90 + 5}% to JPY {number * 13 + line}bn "
                                  f"in the {topic} segment.")
            y -= 18
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def interview_docx() -> bytes:
    import docx

    document = docx.Document()
    document.add_heading("Interview notes", 0)
    document.add_heading("Fleet buyers", level=1)
    document.add_paragraph("Fleet managers expect total cost parity by 2027.")
    document.add_heading("Dealers", level=1)
    document.add_paragraph("Dealers see 3 in 10 visitors ask about EVs.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Theme", "Mentions"
    table.cell(1, 0).text, table.cell(1, 1).text = "Range anxiety", "17"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def data_pack_xlsx() -> bytes:
    """Two sheets: revenue by region and year, and market shares."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Revenue"
    sheet.append(["Region", "2022", "2023", "2024"])
    sheet.append(["Kanto", 410, 455, 512])
    sheet.append(["Kansai", 220, 236, 251])
    sheet.append(["Chubu", 180, 188, 203.5])
    sheet.append(["Total", "=SUM(B2:B4)", None, None])  # a formula without a cached value
    shares = book.create_sheet("Share")
    shares.append(["Maker", "Share"])
    for maker, share in (("A", 0.31), ("B", 0.24), ("C", 0.18)):
        shares.append([maker, share])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def encrypted_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt(user_password="secret", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def zip_bomb_xlsx(inflated_mb: int = 60) -> bytes:
    """A zip named .xlsx whose sheet inflates ~1000-fold."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (inflated_mb * 1024 * 1024))
    return out.getvalue()


def macro_xlsx() -> bytes:
    """A workbook carrying a VBA project under an .xlsx name."""
    data = io.BytesIO(data_pack_xlsx())
    out = io.BytesIO()
    with zipfile.ZipFile(data) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for item in source.infolist():
            copy.writestr(item, source.read(item))
        copy.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 macro")
    return out.getvalue()


FORMULA_CSV = ("Channel,Sales\n"
               "\"=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\",120\n"
               "+cmd|' /C calc'!A0,80\n"
               "@SUM(A1:A9),45\n"
               "-2+3,30\n").encode()
