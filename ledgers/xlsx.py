"""Writing ledgers to .xlsx with XlsxWriter (the rows come from `ledgers.rows`).

Every workbook is written in XlsxWriter's constant_memory mode (each row's cells go to the file
once the next row starts; XlsxWriter still keeps a few hundred bytes per row: its height and, for
merged rows, each merged cell) and every table carries what an office needs to print it as is: a
title row with the export time and the filters, a styled header frozen on screen and repeated on
every printed page, an auto-filter, fixed column widths with wrapped text, A4 landscape fitted to
the page width, and 第 N 页 / 共 M 页 in the footer.

Text is never a formula: text is written with `write_string` only (never `write`, which would turn
"=…" into a formula), and a text that starts with = + - @ (or a tab or carriage return) gets
Excel's quote prefix, so Excel does not evaluate it when someone edits the cell either.

Formats are created once per look (font, fill, alignment, border, number format) and workbook
(`Book.format`), not per cell.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import lru_cache

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from tasks.lights import Light

from .rows import Column, Ledger, SectionRow, TaskRow

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
FONT_NAME = "宋体"
A4 = 9  # Excel's paper size code


@dataclass(frozen=True)
class Font:
    name: str = FONT_NAME
    size: float = 10
    bold: bool = False
    color: str | None = None  # RRGGBB


@dataclass(frozen=True)
class Look:
    """How a cell looks; each distinct look becomes one XlsxWriter Format per workbook."""

    font: Font = Font()
    fill: str | None = None  # solid background, RRGGBB
    align: str | None = None  # left, center
    valign: str | None = None  # top, vcenter
    wrap: bool = False
    indent: int = 0
    border: bool = True  # thin grey lines on all four sides
    number_format: str | None = None


TITLE_FONT = Font(name="黑体", size=16, bold=True)
SUBTITLE_FONT = Font(size=9, color="595959")
HEADER_FONT = Font(name="黑体", size=11, bold=True)
BODY_FONT = Font()
SECTION_FONTS = (Font(name="黑体", size=11, bold=True), Font(bold=True))
HEADER_FILL = "D9E1F2"
SECTION_FILLS = ("EDEDED", "F6F6F6")
LIGHT_FILLS = {Light.GREEN: "C6EFCE", Light.YELLOW: "FFEB9C", Light.RED: "FFC7CE", Light.GREY: "D9D9D9"}
BORDER_COLOR = "808080"
TITLE_LOOK = Look(font=TITLE_FONT, align="center", valign="vcenter", border=False)
SUBTITLE_LOOK = Look(font=SUBTITLE_FONT, align="left", valign="vcenter", wrap=True, border=False)
HEADER_LOOK = Look(font=HEADER_FONT, fill=HEADER_FILL, align="center", valign="vcenter", wrap=True)
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
# Rows before the header: the title and the line with the export time and filters.
TITLE_ROWS = 2
HEADER_ROW = TITLE_ROWS + 1  # as Excel numbers rows (XlsxWriter counts from 0)

Progress = Callable[[int, int], None]

# Row heights, in points, for 10-point text. Neither Excel nor LibreOffice sizes a row to its
# wrapped text when the file is opened, so each row gets the height its longest cell needs.
LINE_HEIGHT = 13.5
ROW_PADDING = 4
MIN_ROW_HEIGHT = 18
MAX_ROW_HEIGHT = 409  # Excel's limit

# Control characters XML cannot carry (tab, line feed and carriage return are kept).
ILLEGAL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Everything from U+2E80 on (CJK, full-width forms…) is about two units wide; the rest 1.1.
_NARROW = re.compile("[\u0000-\u2e7f]+")


def text_units(text: str) -> float:
    """Width of `text` in Excel column units: a Chinese character or full-width sign takes about two."""
    wide = len(_NARROW.sub("", text))
    return 2.0 * wide + 1.1 * (len(text) - wide)


@lru_cache(maxsize=4096)  # unit names, states and dates come back row after row
def line_count(value, width: float) -> int:
    """How many lines `value` wraps to in a column `width` units wide."""
    if value is None or value == "":
        return 1
    usable = max(width - 1.5, 1.0)
    return sum(max(1, math.ceil(text_units(part) / usable)) for part in str(value).split("\n"))


@lru_cache(maxsize=256)
def row_height(lines: int) -> float:
    return min(MAX_ROW_HEIGHT, max(MIN_ROW_HEIGHT, lines * LINE_HEIGHT + ROW_PADDING))


def text_safe(value):
    """Drop the control characters XML cannot carry; everything else is kept as written."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS.sub("", value)
    return value


def _properties(look: Look, quoted: bool) -> dict:
    font = look.font
    props: dict = {"font_name": font.name, "font_size": font.size}
    if font.bold:
        props["bold"] = True
    if font.color:
        props["font_color"] = f"#{font.color}"
    if look.fill:
        props.update(pattern=1, bg_color=f"#{look.fill}")
    if look.align:
        props["align"] = look.align
    if look.valign:
        props["valign"] = look.valign
    if look.wrap:
        props["text_wrap"] = True
    if look.indent:
        props["indent"] = look.indent
    if look.border:
        props.update(border=1, border_color=f"#{BORDER_COLOR}")
    if look.number_format:
        props["num_format"] = look.number_format
    if quoted:
        props["quote_prefix"] = True
    return props


class TableWorksheet(Worksheet):
    """XlsxWriter's worksheet for a table written top to bottom in constant_memory mode, which
    keeps nothing per row once the row is in the file (through XlsxWriter's documented
    `worksheet_class` hook; pinned version, ledgers/tests/test_pipeline.py compares the XML with
    the stock worksheet's).

    The stock worksheet writes each row's cells out but keeps, for the whole sheet, each row's
    height twice (`row_info`, `row_sizes`: for images, which ledgers have none of) and each merged
    cell (`merged_cells`: to refuse overlapping merges), so its memory grows with the rows; and
    it writes its row data to a file opened for reading too, where every write also resets a
    text decoder (a tenth of the writing time). Here a written row's height is dropped, merged
    cells are forgotten once their row is merged (a table's merges are whole rows, each written
    once, so they cannot overlap), the row data go to a write-only file, reopened to be read when
    the workbook is assembled, and a number attribute is not searched for characters to escape.
    """

    def _initialize(self, init_data) -> None:
        super()._initialize(init_data)
        if self.constant_memory:
            self.row_data_fh.close()
            self.row_data_fh = self.fh = open(self.row_data_filename, "w", encoding="utf-8")  # noqa: SIM115

    def _opt_reopen(self) -> None:
        # The workbook reads the row data back before it closes them: close the write-only file
        # here so that XlsxWriter reopens it for reading.
        if self.constant_memory and not self.row_data_fh_closed:
            self.row_data_fh.close()
            self.row_data_fh_closed = True
        super()._opt_reopen()

    def _write_single_row(self, current_row_num=0) -> None:
        written = self.previous_row
        super()._write_single_row(current_row_num)
        self.row_info.pop(written, None)
        self.row_sizes.pop(written, None)

    def merge_range(self, *args, **kwargs):
        result = super().merge_range(*args, **kwargs)
        self.merged_cells.clear()
        return result

    def _escape_attributes(self, attribute):
        # Every cell's style index is an int, which the stock method hands back after a failed
        # regex search (a raised and caught TypeError per cell): the same answer, without it.
        if type(attribute) is int:
            return attribute
        return super()._escape_attributes(attribute)


class Book:
    """An XlsxWriter workbook in constant_memory mode with its formats, one per look."""

    def __init__(self, target):
        # A path or a binary file (XlsxWriter zips the parts into it on close()).
        self.workbook = xlsxwriter.Workbook(
            target,
            {
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
                "remove_timezone": True,
            },
        )
        self.formats: dict[tuple[Look, bool], object] = {}

    def format(self, look: Look, quoted: bool = False):
        key = (look, quoted)
        made = self.formats.get(key)
        if made is None:
            made = self.formats[key] = self.workbook.add_format(_properties(look, quoted))
        return made

    def pair(self, look: Look) -> tuple:
        """(plain, quote-prefixed for formula-looking text, the look) for cells of this look."""
        return self.format(look), self.format(look, quoted=True), look

    def add_sheet(self, title: str):
        return self.workbook.add_worksheet(title[:31], worksheet_class=TableWorksheet)

    def close(self) -> None:
        self.workbook.close()


def write_value(book: Book, ws, row: int, col: int, value, style: tuple | None) -> None:
    """One cell (0-based row and column) in its style pair; a None style leaves an empty cell out.

    Text goes through `write_string` only, so it is never a formula."""
    kind = type(value)
    if kind is str:
        value = ILLEGAL_CHARACTERS.sub("", value)
        if value:
            ws.write_string(row, col, value, None if style is None else style[value.startswith(FORMULA_TRIGGERS)])
            return
    elif kind is int or kind is float or kind is Decimal:
        ws.write_number(row, col, value, None if style is None else style[0])
        return
    elif kind is bool:
        ws.write_boolean(row, col, value, None if style is None else style[0])
        return
    elif isinstance(value, dt.date | dt.datetime):
        look = style[2] if style is not None else Look(border=False)
        number_format = DATETIME_FORMAT if isinstance(value, dt.datetime) else DATE_FORMAT
        ws.write_datetime(row, col, value, book.format(replace(look, number_format=number_format)))
        return
    elif value is not None:
        text = ILLEGAL_CHARACTERS.sub("", str(value))
        if text:
            ws.write_string(row, col, text, None if style is None else style[text.startswith(FORMULA_TRIGGERS)])
            return
    if style is not None:
        ws.write_blank(row, col, None, style[0])


def wrapped_columns(columns: Sequence[Column], hidden: frozenset[str] = frozenset()) -> tuple:
    """(key, width) of the shown columns whose text wraps: the ones that decide a row's height."""
    return tuple((column.key, column.width) for column in columns if column.wrap and column.key not in hidden)


def fitted_height(values: dict, measured: tuple) -> float:
    """The height of a row with these values: enough for its longest wrapped cell."""
    lines = 1
    for key, width in measured:
        value = values.get(key)
        # A text at most half the width in characters fits on one line, whatever they are.
        if value and (type(value) is not str or len(value) * 2 > width - 1.5 or "\n" in value):
            lines = max(lines, line_count(value, width))
    return row_height(lines)


def measured_row(row: TaskRow, keys: Sequence[str], measured: tuple) -> tuple:
    """A task row as the sheet writes it: (height, light, values in column order). The light is
    its plain value, which is cheaper to send to the writer process (ledgers.pipeline)."""
    cells = row.cells
    return fitted_height(cells, measured), row.light.value, tuple(map(cells.get, keys))


def column_look(column: Column) -> Look:
    return Look(align=column.align, valign="top" if column.wrap else "vcenter", wrap=column.wrap)


@dataclass
class TableSheet:
    """One printable table: title, filter line, header, then rows.

    Sheet-level settings (column widths, hidden columns, frozen panes, print setup) are set at
    the start, the filter at the end; merged rows (title, filter line, sections) are merged as
    they are written.
    """

    book: Book
    ws: object
    columns: Sequence[Column]
    hidden: frozenset[str] = frozenset()
    row_count: int = 0  # rows written so far
    # Per column: (key, index, its body style pair); the columns whose text wraps: (key, width).
    specs: tuple = ()
    measured: tuple = ()
    section_styles: dict = field(default_factory=dict)
    variants: dict = field(default_factory=dict)

    @classmethod
    def start(cls, book: Book, sheet_title: str, *, title: str, subtitle: str, columns, hidden=()):
        ws = book.add_sheet(sheet_title)
        columns = tuple(columns)
        sheet = cls(book=book, ws=ws, columns=columns, hidden=frozenset(hidden))
        for index, column in enumerate(columns):
            ws.set_column(index, index, column.width, None, {"hidden": column.key in sheet.hidden})
        ws.freeze_panes(HEADER_ROW, 0)
        ws.set_landscape()
        ws.set_paper(A4)
        ws.fit_to_pages(1, 0)
        ws.center_horizontally()
        ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
        ws.repeat_rows(HEADER_ROW - 1)
        ws.set_footer("&C&9第 &P 页，共 &N 页")
        sheet.specs = tuple((column.key, index, book.pair(column_look(column))) for index, column in enumerate(columns))
        sheet.measured = wrapped_columns(columns, sheet.hidden)
        sheet._merged_line(title, TITLE_LOOK, height=30)
        sheet._merged_line(subtitle, SUBTITLE_LOOK)
        header = book.pair(HEADER_LOOK)
        lines = max(line_count(c.header, c.width) for c in columns)
        row = sheet._next_row(max(24, row_height(lines)))
        for index, column in enumerate(columns):
            write_value(book, ws, row, index, column.header, header)
        return sheet

    @property
    def last_column(self) -> int:
        return len(self.columns) - 1

    @property
    def total_width(self) -> float:
        return sum(column.width for column in self.columns if column.key not in self.hidden)

    def _next_row(self, height: float) -> int:
        row = self.row_count
        self.row_count += 1
        self.ws.set_row(row, height)
        return row

    def _merged(self, row: int, text: str, style: tuple) -> None:
        """`text` across the whole row, in one merged cell (written with write_string afterwards:
        merge_range itself would write "=…" as a formula)."""
        if self.last_column > 0:
            self.ws.merge_range(row, 0, row, self.last_column, None, style[0])
        write_value(self.book, self.ws, row, 0, text, style)

    def _merged_line(self, text: str, look: Look, height: float | None = None) -> None:
        row = self._next_row(height or row_height(line_count(text, self.total_width)))
        self._merged(row, text, self.book.pair(look))

    def section(self, section: SectionRow) -> None:
        style = self.section_styles.get(section.level)
        if style is None:
            level = min(section.level, len(SECTION_FONTS) - 1)
            look = Look(font=SECTION_FONTS[level], fill=SECTION_FILLS[level], align="left", valign="vcenter",
                        wrap=True, indent=section.level)  # fmt: skip
            style = self.section_styles[section.level] = self.book.pair(look)
        row = self._next_row(row_height(line_count(section.title, self.total_width)))
        self._merged(row, section.title, style)

    def row(self, values: dict, fills: dict[str, str] | None = None, formats: dict[str, str] | None = None) -> None:
        """One table row: `fills` gives some columns a background (RRGGBB), `formats` a number format."""
        get = values.get
        self.cells([get(key) for key, _, _ in self.specs], fitted_height(values, self.measured), fills, formats)

    def cells(self, values: Sequence, height: float, fills=None, formats=None) -> None:
        """One table row from its values in column order, `height` points high (fitted_height)."""
        row = self._next_row(height)
        specs = self._specs_for(fills, formats) if fills or formats else self.specs
        write_string, book, ws = self.ws.write_string, self.book, self.ws
        for (_, index, style), value in zip(specs, values, strict=True):
            if type(value) is str:
                if not value.isprintable():  # a line break, a tab… (a quick test before the regex)
                    value = ILLEGAL_CHARACTERS.sub("", value)
                if value:
                    write_string(row, index, value, style[value.startswith(FORMULA_TRIGGERS)])
                    continue
            write_value(book, ws, row, index, value, style)

    def _specs_for(self, fills: dict[str, str] | None, formats: dict[str, str] | None) -> tuple:
        """The columns' (key, index, style pair) with these fills and number formats, made once
        per sheet for each distinct set of them (a ledger has four: one per light)."""
        key = (tuple(fills.items()) if fills else (), tuple(formats.items()) if formats else ())
        made = self.variants.get(key)
        if made is None:
            fills, formats = fills or {}, formats or {}
            made = self.variants[key] = tuple(
                (column, index, self._variant(style, fills.get(column), formats.get(column)))
                if column in fills or column in formats
                else (column, index, style)
                for column, index, style in self.specs
            )
        return made

    def _variant(self, style: tuple, fill: str | None, number_format: str | None) -> tuple:
        """A column's style pair with another fill or number format."""
        return self.book.pair(replace(style[2], fill=fill, number_format=number_format))

    def finish(self) -> None:
        """The filter covers the header and every row below it (sections included, as Excel does)."""
        last = max(self.row_count, HEADER_ROW + 1) - 1
        self.ws.autofilter(HEADER_ROW - 1, 0, last, self.last_column)


def write_ledger(ledger: Ledger, target, *, on_progress: Progress | None = None, every: int = 500) -> int:
    """Write the 台账 to `target` (a path or a binary file); returns the number of task rows.

    Rows are SectionRow, TaskRow, or a task row measured already (measured_row: what
    ledgers.pipeline sends its writer process)."""
    book = Book(target)
    sheet = TableSheet.start(book, "台账", title=ledger.title, subtitle=ledger.subtitle, columns=ledger.columns)
    keys = [column.key for column in ledger.columns]
    measured = wrapped_columns(ledger.columns)
    total = ledger.total
    light_fills = {light: {"light": fill} for light, fill in LIGHT_FILLS.items()}
    done = 0
    for row in ledger.rows:
        kind = type(row)
        if kind is SectionRow:
            sheet.section(row)
            continue
        height, light, values = row if kind is tuple else measured_row(row, keys, measured)
        sheet.cells(values, height, fills=light_fills[light])
        done += 1
        if on_progress is not None and done % every == 0:
            on_progress(done, total)
    sheet.finish()
    book.close()
    if on_progress is not None:
        on_progress(done, done)
    return done
