"""python-pptx chart data whose embedded workbooks are reproducible.

XlsxWriter stamps each workbook with the time it was written; the same deck
would then differ byte for byte on every run.  These subclasses write a fixed
creation date, nothing else changes.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timezone

from pptx.chart.data import BubbleChartData, CategoryChartData, XyChartData
from pptx.chart.xlsx import BubbleWorkbookWriter, CategoryWorkbookWriter, XyWorkbookWriter
from xlsxwriter import Workbook

FIXED_CREATED = datetime(2000, 1, 1, tzinfo=timezone.utc)


class _FixedDate:
    @contextmanager
    def _open_worksheet(self, xlsx_file):
        # labels are text, never formulas: a category like "=HYPERLINK(...)" from a client's
        # CSV must not become a live formula in the chart's workbook
        workbook = Workbook(xlsx_file, {"in_memory": True, "strings_to_formulas": False})
        workbook.set_properties({"created": FIXED_CREATED, "author": "bcgslides"})
        worksheet = workbook.add_worksheet()
        yield workbook, worksheet
        workbook.close()


class _CategoryWriter(_FixedDate, CategoryWorkbookWriter):
    pass


class _XyWriter(_FixedDate, XyWorkbookWriter):
    pass


class _BubbleWriter(_FixedDate, BubbleWorkbookWriter):
    pass


class StableCategoryChartData(CategoryChartData):
    @property
    def _workbook_writer(self):
        return _CategoryWriter(self)


class StableXyChartData(XyChartData):
    @property
    def _workbook_writer(self):
        return _XyWriter(self)


class StableBubbleChartData(BubbleChartData):
    @property
    def _workbook_writer(self):
        return _BubbleWriter(self)
