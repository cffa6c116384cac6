"""Writing ledgers to .xlsx with openpyxl (the rows come from `ledgers.rows`).

Every sheet is written in write-only mode (rows stream to the file, memory stays flat with the
row count) and still carries what an office needs to print it as is: a title row with the
export time and the filters, a styled header frozen on screen and repeated on every printed
page, an auto-filter, fixed column widths with wrapped text, A4 landscape fitted to the page
width, and 第 N 页 / 共 M 页 in the footer.

Text is never a formula: a cell that starts with = + - @ (or a tab or carriage return) is stored
as a string with Excel's quote prefix, so neither openpyxl nor Excel evaluates it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from copy import copy
from dataclasses import dataclass, field
from functools import lru_cache

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange, MultiCellRange
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from tasks.lights import Light

from .rows import Column, Ledger, SectionRow

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
FONT_NAME = "宋体"
TITLE_FONT = Font(name="黑体", size=16, bold=True)
SUBTITLE_FONT = Font(name=FONT_NAME, size=9, color="595959")
HEADER_FONT = Font(name="黑体", size=11, bold=True)
BODY_FONT = Font(name=FONT_NAME, size=10)
SECTION_FONTS = (Font(name="黑体", size=11, bold=True), Font(name=FONT_NAME, size=10, bold=True))
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
SECTION_FILLS = (PatternFill("solid", fgColor="EDEDED"), PatternFill("solid", fgColor="F6F6F6"))
LIGHT_FILLS = {
    Light.GREEN: PatternFill("solid", fgColor="C6EFCE"),
    Light.YELLOW: PatternFill("solid", fgColor="FFEB9C"),
    Light.RED: PatternFill("solid", fgColor="FFC7CE"),
    Light.GREY: PatternFill("solid", fgColor="D9D9D9"),
}
TITLE_ALIGNMENT = Alignment(horizontal="center", vertical="center")
SUBTITLE_ALIGNMENT = Alignment(horizontal="left", vertical="center", wrap_text=True)
HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
# Rows before the header: the title and the line with the export time and filters.
TITLE_ROWS = 2
HEADER_ROW = TITLE_ROWS + 1

Progress = Callable[[int, int], None]

# Row heights, in points, for 10-point text. Neither openpyxl nor LibreOffice sizes a row to its
# wrapped text when the file is opened, so each row gets the height its longest cell needs.
LINE_HEIGHT = 13.5
ROW_PADDING = 4
MIN_ROW_HEIGHT = 18
MAX_ROW_HEIGHT = 409  # Excel's limit


def text_units(text: str) -> float:
    """Width of `text` in Excel column units: a Chinese character or full-width sign takes about two."""
    return sum(2.0 if ord(char) > 0x2E7F else 1.1 for char in text)


def line_count(value, width: float) -> int:
    """How many lines `value` wraps to in a column `width` units wide."""
    if value is None or value == "":
        return 1
    usable = max(width - 1.5, 1.0)
    return sum(max(1, math.ceil(text_units(part) / usable)) for part in str(value).split("\n"))


def row_height(lines: int) -> float:
    return min(MAX_ROW_HEIGHT, max(MIN_ROW_HEIGHT, lines * LINE_HEIGHT + ROW_PADDING))


def text_safe(value):
    """Drop the control characters XML cannot carry; everything else is kept as written."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def make_cell(ws, value, *, font=BODY_FONT, fill=None, alignment=None, border=BORDER, number_format=None):
    """A styled write-only cell; text that looks like a formula is stored as text.

    Each combination of styles is registered with the workbook once and then copied: assigning
    font, fill and alignment to every cell would hash the style objects for every cell, the
    better part of the time of a large export.
    """
    cell = WriteOnlyCell(ws, value=text_safe(value))
    quoted = isinstance(cell.value, str) and cell.value.startswith(FORMULA_TRIGGERS)
    if quoted:
        cell.data_type = "s"
    workbook = ws.parent
    cache = workbook.__dict__.setdefault("_duban_styles", {})
    key = (id(font), id(fill), id(alignment), id(border), number_format, quoted)
    style = cache.get(key)
    if style is None:
        template = WriteOnlyCell(ws)
        template.font = font
        if fill is not None:
            template.fill = fill
        if alignment is not None:
            template.alignment = alignment
        if border is not None:
            template.border = border
        if number_format:
            template.number_format = number_format
        if quoted:
            template.quotePrefix = True
        # The key holds ids: keep the objects alive as long as the cache.
        style = cache[key] = (template._style, (font, fill, alignment, border))
    cell._style = copy(style[0])
    return cell


@lru_cache(maxsize=8)
def _section_alignment(level: int) -> Alignment:
    return Alignment(horizontal="left", vertical="center", wrap_text=True, indent=level)


@lru_cache(maxsize=64)
def _alignment(column: Column) -> Alignment:
    return Alignment(horizontal=column.align, vertical="top" if column.wrap else "center", wrap_text=column.wrap)


@dataclass
class TableSheet:
    """One printable table in a write-only workbook: title, filter line, header, then rows.

    Sheet-level settings the writer emits at the top of the file (column widths, frozen panes,
    fit-to-page) are set before the first row; the rest (merges, filter, page setup) at the end.
    """

    ws: object
    columns: Sequence[Column]
    hidden: frozenset[str] = frozenset()
    row_count: int = 0
    # Merged ranges are set once at the end: openpyxl checks each new range against all the
    # others, which grows with the square of the number of section rows.
    merged: list[CellRange] = field(default_factory=list)

    @classmethod
    def start(cls, workbook: Workbook, sheet_title: str, *, title: str, subtitle: str, columns, hidden=()):
        ws = workbook.create_sheet(title=sheet_title[:31])
        sheet = cls(ws=ws, columns=tuple(columns), hidden=frozenset(hidden))
        for index, column in enumerate(sheet.columns, start=1):
            dimension = ws.column_dimensions[get_column_letter(index)]
            dimension.width = column.width
            if column.key in sheet.hidden:
                dimension.hidden = True
        ws.freeze_panes = f"A{HEADER_ROW + 1}"
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.print_options.horizontalCentered = True
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.page_margins.top = ws.page_margins.bottom = 0.6
        ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
        ws.oddFooter.center.text = "第 &P 页，共 &N 页"
        ws.oddFooter.center.size = 9
        sheet._merged_line(title, TITLE_FONT, TITLE_ALIGNMENT, height=30)
        sheet._merged_line(subtitle, SUBTITLE_FONT, SUBTITLE_ALIGNMENT)
        header = [
            make_cell(
                ws,
                c.header,
                font=HEADER_FONT,
                fill=HEADER_FILL,
                alignment=HEADER_ALIGNMENT,
            )
            for c in sheet.columns
        ]
        lines = max(line_count(c.header, c.width) for c in sheet.columns)
        sheet._append(header, max(24, row_height(lines)))
        return sheet

    @property
    def last_column(self) -> str:
        return get_column_letter(len(self.columns))

    @property
    def total_width(self) -> float:
        return sum(column.width for column in self.columns if column.key not in self.hidden)

    def _append(self, cells: list, height: float) -> None:
        """Write one row with its height (a write-only row is final once appended)."""
        index = self.row_count + 1
        self.ws.row_dimensions[index].height = height
        self.ws.append(cells)
        # The height is written with the row: drop it so memory stays flat with the row count.
        del self.ws.row_dimensions[index]
        self.row_count = index

    def _merged_line(self, text: str, font, alignment, height: float | None = None) -> None:
        cells = [make_cell(self.ws, text, font=font, alignment=alignment, border=None)]
        cells += [None] * (len(self.columns) - 1)
        self._append(cells, height or row_height(line_count(text, self.total_width)))
        self.merged.append(CellRange(f"A{self.row_count}:{self.last_column}{self.row_count}"))

    def section(self, row: SectionRow) -> None:
        level = min(row.level, len(SECTION_FONTS) - 1)
        font, fill = SECTION_FONTS[level], SECTION_FILLS[level]
        alignment = _section_alignment(row.level)
        cells = [make_cell(self.ws, row.title, font=font, fill=fill, alignment=alignment)]
        cells += [make_cell(self.ws, None, fill=fill) for _ in self.columns[1:]]
        self._append(cells, row_height(line_count(row.title, self.total_width)))
        self.merged.append(CellRange(f"A{self.row_count}:{self.last_column}{self.row_count}"))

    def row(
        self, values: dict, fills: dict[str, PatternFill] | None = None, formats: dict[str, str] | None = None
    ) -> None:
        fills, formats = fills or {}, formats or {}
        lines = max(
            (line_count(values.get(c.key), c.width) for c in self.columns if c.wrap and c.key not in self.hidden),
            default=1,
        )
        self._append(
            [
                make_cell(
                    self.ws,
                    values.get(column.key),
                    fill=fills.get(column.key),
                    alignment=_alignment(column),
                    number_format=formats.get(column.key),
                )
                for column in self.columns
            ],
            row_height(lines),
        )

    def finish(self) -> None:
        """The filter covers the header and every row below it (sections included, as Excel does)."""
        self.ws.merged_cells = MultiCellRange(self.merged)
        self.ws.auto_filter.ref = f"A{HEADER_ROW}:{self.last_column}{max(self.row_count, HEADER_ROW + 1)}"


def write_ledger(ledger: Ledger, target, *, on_progress: Progress | None = None, every: int = 500) -> int:
    """Write the 台账 to `target` (a path or a binary file); returns the number of task rows."""
    workbook = Workbook(write_only=True)
    sheet = TableSheet.start(workbook, "台账", title=ledger.title, subtitle=ledger.subtitle, columns=ledger.columns)
    total = ledger.total
    done = 0
    for row in ledger.rows:
        if isinstance(row, SectionRow):
            sheet.section(row)
            continue
        sheet.row(row.cells, fills={"light": LIGHT_FILLS[row.light]})
        done += 1
        if on_progress is not None and done % every == 0:
            on_progress(done, total)
    sheet.finish()
    workbook.save(target)
    if on_progress is not None:
        on_progress(done, done)
    return done
