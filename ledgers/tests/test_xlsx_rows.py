"""ledgers.xlsx.TableSheet writes rows with XlsxWriter: every kind of value reads back (with
openpyxl, as the import reads) with its value, type and style."""

import datetime as dt
import io
from decimal import Decimal

from openpyxl import load_workbook

from ledgers.rows import Column, SectionRow
from ledgers.xlsx import LIGHT_FILLS, Book, TableSheet
from tasks.lights import Light

COLUMNS = (Column("a", "甲", 20), Column("b", "乙", 10, wrap=False), Column("c", "丙", 12))


def _written(rows):
    out = io.BytesIO()
    workbook = Book(out)
    sheet = TableSheet.start(workbook, "表", title="标题", subtitle="副标题", columns=COLUMNS)
    for row in rows:
        if isinstance(row, SectionRow):
            sheet.section(row)
        else:
            sheet.row(row, fills={"b": LIGHT_FILLS[Light.RED]}, formats={"c": "0.0%"})
    sheet.finish()
    workbook.close()
    return load_workbook(io.BytesIO(out.getvalue()))["表"]


def test_values_of_every_kind_read_back_with_their_styles():
    ws = _written(
        [
            SectionRow(level=0, title="一、总体"),
            {"a": "  前后有空格 ", "b": 7, "c": 0.25},
            {"a": "=1+1", "b": True, "c": Decimal("0.5")},
            {"a": dt.date(2026, 5, 31), "b": None, "c": "第一行\n第二行"},
            {"a": "控制\x07字符", "b": 1.5, "c": ""},
        ]
    )
    assert [c.value for c in ws[3]] == ["甲", "乙", "丙"]
    assert ws["A4"].value == "一、总体" and ws["A4"].fill.fgColor.rgb.endswith("EDEDED")
    assert "A4:C4" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["C4"].border.right.style == "thin"  # the merged section keeps its borders
    assert ws["A5"].value == "  前后有空格 " and ws["B5"].value == 7 and ws["C5"].value == 0.25
    assert ws["C5"].number_format == "0.0%" and ws["B5"].fill.fgColor.rgb.endswith("FFC7CE")
    assert ws["A5"].alignment.wrap_text and ws["A5"].border.left.style == "thin"
    assert ws["A6"].value == "=1+1" and ws["A6"].data_type == "s" and ws["A6"].quotePrefix
    assert ws["B6"].value is True and ws["C6"].value == 0.5
    assert ws["A7"].value == dt.datetime(2026, 5, 31) and ws["A7"].is_date
    assert ws["B7"].value is None and ws["B7"].fill.fgColor.rgb.endswith("FFC7CE")
    assert ws["C7"].value == "第一行\n第二行"
    assert ws.row_dimensions[7].height >= 2 * 13.5  # two lines
    assert ws["A8"].value == "控制字符" and ws["B8"].value == 1.5 and ws["C8"].value is None
    assert ws.freeze_panes == "A4" and ws.auto_filter.ref == "A3:C8"
