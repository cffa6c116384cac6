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
import re
import shutil
import tempfile
from collections.abc import Callable, Sequence
from copy import copy
from dataclasses import dataclass, field
from functools import lru_cache

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell._writer import etree_write_cell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.compat import safe_string
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.worksheet.cell_range import CellRange, MultiCellRange
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.xml.functions import tostring

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


# Everything from U+2E80 on (CJK, full-width forms…) is about two units wide; the rest 1.1.
_NARROW = re.compile("[\u0000-\u2e7f]+")


def text_units(text: str) -> float:
    """Width of `text` in Excel column units: a Chinese character or full-width sign takes about two."""
    wide = len(_NARROW.sub("", text))
    return 2.0 * wide + 1.1 * (len(text) - wide)


def line_count(value, width: float) -> int:
    """How many lines `value` wraps to in a column `width` units wide."""
    if value is None or value == "":
        return 1
    usable = max(width - 1.5, 1.0)
    text = str(value)
    if "\n" not in text:
        return max(1, math.ceil(text_units(text) / usable))
    return sum(max(1, math.ceil(text_units(part) / usable)) for part in text.split("\n"))


def row_height(lines: int) -> float:
    return min(MAX_ROW_HEIGHT, max(MIN_ROW_HEIGHT, lines * LINE_HEIGHT + ROW_PADDING))


def text_safe(value):
    """Drop the control characters XML cannot carry; everything else is kept as written."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _style_template(ws, *, font=BODY_FONT, fill=None, alignment=None, border=BORDER, number_format=None, quoted=False):
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
    return template


def _styles(workbook) -> dict:
    return workbook.__dict__.setdefault("_duban_styles", {})


def make_cell(ws, value, *, font=BODY_FONT, fill=None, alignment=None, border=BORDER, number_format=None):
    """A styled write-only cell (for `ws.append`); text that looks like a formula is stored as text.

    Each combination of styles is registered with the workbook once and then copied: assigning
    font, fill and alignment to every cell would hash the style objects for every cell.
    """
    cell = WriteOnlyCell(ws, value=text_safe(value))
    quoted = isinstance(cell.value, str) and cell.value.startswith(FORMULA_TRIGGERS)
    if quoted:
        cell.data_type = "s"
    cache = _styles(ws.parent)
    key = ("cell", id(font), id(fill), id(alignment), id(border), number_format, quoted)
    style = cache.get(key)
    if style is None:
        template = _style_template(ws, font=font, fill=fill, alignment=alignment, border=border,
                                   number_format=number_format, quoted=quoted)  # fmt: skip
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


MAX_TEXT = 32767  # Excel's limit for one cell, as openpyxl truncates
_SPECIAL = re.compile("[&<>\r]")
EMPTY_SHEET_DATA = b"<sheetData></sheetData>"
FLUSH_ROWS = 500


def _escaped(text: str) -> str:
    """Text as XML character data (what lxml writes: \r kept as a reference)."""
    if _SPECIAL.search(text) is None:
        return text
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


class _Capture:
    """Stands for the XML stream when openpyxl's own cell writer renders an unusual value."""

    element = None

    def write(self, element) -> None:
        self.element = element


@dataclass
class TableSheet:
    """One printable table in a write-only workbook: title, filter line, header, then rows.

    Sheet-level settings the writer emits at the top of the file (column widths, frozen panes,
    fit-to-page) are set before the first row; the rest (merges, filter, page setup) at the end.
    Rows are rendered straight to the sheet's XML, with style ids registered once per combination
    of font, fill, alignment, border and number format: each cell is one formatted string rather
    than an openpyxl Cell, a style lookup and a nested XML writer. openpyxl writes the rest of the
    sheet and the workbook; `finish` puts the rows in the sheet's <sheetData>.
    """

    ws: object
    columns: Sequence[Column]
    hidden: frozenset[str] = frozenset()
    row_count: int = 0
    # Merged ranges are set once at the end: openpyxl checks each new range against all the
    # others, which grows with the square of the number of section rows.
    merged: list[CellRange] = field(default_factory=list)
    letters: tuple[str, ...] = ()
    # The rows' XML, written to a temporary file as they come (see finish).
    rows_file: object = None
    pending: list[str] = field(default_factory=list)
    # Per column: (key, width to measure for the row height or None, its body style pair).
    specs: tuple = ()
    section_cells: dict = field(default_factory=dict)
    # A column's style with a fill or number format, per (key, fill, format); `style` keeps the fill.
    variants: dict = field(default_factory=dict)

    @classmethod
    def start(cls, workbook: Workbook, sheet_title: str, *, title: str, subtitle: str, columns, hidden=()):
        ws = workbook.create_sheet(title=sheet_title[:31])
        columns = tuple(columns)
        sheet = cls(ws=ws, columns=columns, hidden=frozenset(hidden))
        sheet.letters = tuple(get_column_letter(index) for index in range(1, len(columns) + 1))
        for letter, column in zip(sheet.letters, sheet.columns, strict=True):
            dimension = ws.column_dimensions[letter]
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
        sheet.specs = tuple(
            (
                column.key,
                column.width if column.wrap and column.key not in sheet.hidden else None,
                sheet.style(alignment=_alignment(column)),
            )
            for column in columns
        )
        sheet.rows_file = tempfile.TemporaryFile()  # noqa: SIM115 - closed by finish(), once the rows are in
        sheet._merged_line(title, TITLE_FONT, TITLE_ALIGNMENT, height=30)
        sheet._merged_line(subtitle, SUBTITLE_FONT, SUBTITLE_ALIGNMENT)
        header = sheet.style(font=HEADER_FONT, fill=HEADER_FILL, alignment=HEADER_ALIGNMENT)
        lines = max(line_count(c.header, c.width) for c in sheet.columns)
        sheet._append([(c.header, header) for c in sheet.columns], max(24, row_height(lines)))
        return sheet

    def style(self, *, font=BODY_FONT, fill=None, alignment=None, border=BORDER, number_format=None) -> tuple:
        """The style ids (as text) of a combination: (plain, with Excel's quote prefix for text)."""
        cache = _styles(self.ws.parent)
        key = ("ids", id(font), id(fill), id(alignment), id(border), number_format)
        pair = cache.get(key)
        if pair is None:
            options = dict(font=font, fill=fill, alignment=alignment, border=border, number_format=number_format)
            plain = _style_template(self.ws, **options).style_id
            quoted = _style_template(self.ws, **options, quoted=True).style_id
            # The key holds ids: keep the objects alive as long as the cache.
            pair = cache[key] = (str(plain), str(quoted), (font, fill, alignment, border))
        return pair

    @property
    def last_column(self) -> str:
        return get_column_letter(len(self.columns))

    @property
    def total_width(self) -> float:
        return sum(column.width for column in self.columns if column.key not in self.hidden)

    def _append(self, cells: list[tuple], height: float) -> None:
        """Write one row of (value, style pair) cells with its height; a None style leaves the cell out
        when it is empty."""
        self.row_count += 1
        number = str(self.row_count)
        parts = [f'<row r="{number}" ht="{safe_string(float(height))}" customHeight="1">']
        for letter, (value, style) in zip(self.letters, cells, strict=False):
            kind = type(value)
            if kind is str:
                value = ILLEGAL_CHARACTERS_RE.sub("", value)[:MAX_TEXT]
            if value is None or value == "":
                if style is not None:  # an empty text stays a text cell, as openpyxl writes it
                    kind_attribute = ' t="inlineStr"' if kind is str else ""
                    parts.append(f'<c r="{letter}{number}" s="{style[0]}"{kind_attribute}/>')
            elif kind is str:
                sid = "" if style is None else f' s="{style[1] if value.startswith(FORMULA_TRIGGERS) else style[0]}"'
                space = ' xml:space="preserve"' if value[0].isspace() or value[-1].isspace() else ""
                parts.append(f'<c r="{letter}{number}"{sid} t="inlineStr"><is><t{space}>{_escaped(value)}</t></is></c>')
            elif kind is int or kind is float:
                sid = "" if style is None else f' s="{style[0]}"'
                parts.append(f'<c r="{letter}{number}"{sid} t="n"><v>{safe_string(value)}</v></c>')
            else:
                parts.append(self._other_cell(value, style, letter, number))
        parts.append("</row>")
        self.pending.append("".join(parts))
        if len(self.pending) >= FLUSH_ROWS:
            self._flush()

    def _flush(self) -> None:
        self.rows_file.write("".join(self.pending).encode())
        self.pending.clear()

    def _other_cell(self, value, style, letter: str, number: str) -> str:
        """Dates, decimals, booleans…: rendered by openpyxl's own cell writer, as `ws.append` would."""
        cell = WriteOnlyCell(self.ws)
        if style is not None:
            cell._style = copy(self.ws.parent._cell_styles[int(style[0])])
        cell.value = value  # after the style: a date gets its number format as with ws.append
        cell.row, cell.column = int(number), column_index_from_string(letter)
        capture = _Capture()
        etree_write_cell(capture, self.ws, cell, style is not None)
        return tostring(capture.element, encoding="unicode")

    def _merged_line(self, text: str, font, alignment, height: float | None = None) -> None:
        self._append([(text, self.style(font=font, alignment=alignment, border=None))], height or row_height(
            line_count(text, self.total_width)))  # fmt: skip
        self.merged.append(CellRange(f"A{self.row_count}:{self.last_column}{self.row_count}"))

    def section(self, row: SectionRow) -> None:
        level = min(row.level, len(SECTION_FONTS) - 1)
        cells = self.section_cells.get((level, row.level))
        if cells is None:
            font, fill = SECTION_FONTS[level], SECTION_FILLS[level]
            title = self.style(font=font, fill=fill, alignment=_section_alignment(row.level))
            rest = self.style(fill=fill)
            cells = self.section_cells[(level, row.level)] = (title, [(None, rest)] * (len(self.columns) - 1))
        self._append([(row.title, cells[0]), *cells[1]], row_height(line_count(row.title, self.total_width)))
        self.merged.append(CellRange(f"A{self.row_count}:{self.last_column}{self.row_count}"))

    def row(
        self, values: dict, fills: dict[str, PatternFill] | None = None, formats: dict[str, str] | None = None
    ) -> None:
        lines = 1
        cells = []
        for key, width, style in self.specs:
            value = values.get(key)
            # A text at most half the width in characters fits on one line, whatever they are.
            measure = width is not None and value not in (None, "")
            if measure and (type(value) is not str or len(value) * 2 > width - 1.5 or "\n" in value):
                lines = max(lines, line_count(value, width))
            if (fills and key in fills) or (formats and key in formats):
                fill, number_format = (fills or {}).get(key), (formats or {}).get(key)
                variant = (key, id(fill), number_format)
                found = self.variants.get(variant)
                if found is None:
                    found = self.variants[variant] = self.style(
                        fill=fill, alignment=style[2][2], number_format=number_format
                    )
                style = found
            cells.append((value, style))
        self._append(cells, row_height(lines))

    def finish(self) -> None:
        """The filter covers the header and every row below it (sections included, as Excel does)."""
        self.ws.merged_cells = MultiCellRange(self.merged)
        self.ws.auto_filter.ref = f"A{HEADER_ROW}:{self.last_column}{max(self.row_count, HEADER_ROW + 1)}"
        # openpyxl writes the sheet (settings, columns, an empty <sheetData>, merges, filter, page
        # setup) to its temporary file, which the workbook's save then zips as it is; the rows go
        # in between.
        self._flush()
        self.ws.close()
        path = self.ws._writer.out
        with open(path, "rb") as written:
            sheet = written.read()
        if sheet.count(EMPTY_SHEET_DATA) != 1:
            raise RuntimeError("openpyxl wrote the sheet in an unexpected shape")
        head, tail = sheet.split(EMPTY_SHEET_DATA)
        self.rows_file.seek(0)
        with open(path, "wb") as out:
            out.write(head + b"<sheetData>")
            shutil.copyfileobj(self.rows_file, out, 1 << 20)
            out.write(b"</sheetData>" + tail)
        self.rows_file.close()


def write_ledger(ledger: Ledger, target, *, on_progress: Progress | None = None, every: int = 500) -> int:
    """Write the 台账 to `target` (a path or a binary file); returns the number of task rows."""
    workbook = Workbook(write_only=True)
    sheet = TableSheet.start(workbook, "台账", title=ledger.title, subtitle=ledger.subtitle, columns=ledger.columns)
    total = ledger.total
    light_fills = {light: {"light": fill} for light, fill in LIGHT_FILLS.items()}
    done = 0
    for row in ledger.rows:
        if isinstance(row, SectionRow):
            sheet.section(row)
            continue
        sheet.row(row.cells, fills=light_fills[row.light])
        done += 1
        if on_progress is not None and done % every == 0:
            on_progress(done, total)
    sheet.finish()
    workbook.save(target)
    if on_progress is not None:
        on_progress(done, done)
    return done
