"""Excel .xlsx: each sheet's title rows as paragraphs, then its table from the header row.

The header row is found by its labels (序号, 工作任务, 牵头单位…), not assumed to be the
first row. A row with a single filled cell (a merged section heading such as "一、…") is a
one-cell row, which the extractors read as a section.
"""

from __future__ import annotations

import datetime as dt
import io

from .base import Block, ReaderError, clean_cell, clean_paragraph
from .columns import classify_header
from .safety import check_office_zip

HEADER_SCAN_ROWS = 30
READ_ONLY_ABOVE = 5 * 1024 * 1024


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean_cell(str(value))


def read_xlsx(data: bytes) -> list[Block]:
    check_office_zip(data, "Excel")
    try:
        blocks = _read(data)
    except ReaderError:
        raise
    except Exception as exc:  # openpyxl raises anything on a malformed workbook
        raise ReaderError("文件已损坏或不是有效的 Excel 文件，无法打开。", code="corrupt") from exc
    if not blocks:
        raise ReaderError("Excel 文件中没有内容。", code="empty")
    return blocks


def _read(data: bytes) -> list[Block]:
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=len(data) > READ_ONLY_ABOVE, data_only=True)

    blocks: list[Block] = []
    try:
        for sheet in workbook.worksheets:
            rows = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
            rows = [r for r in rows if any(c.strip() for c in r)]
            if not rows:
                continue
            width = max(len(r) for r in rows)
            rows = [r + [""] * (width - len(r)) for r in rows]
            header_at = next((i for i, r in enumerate(rows[:HEADER_SCAN_ROWS]) if classify_header(r)), None)
            start = header_at if header_at is not None else 0
            for title_row in rows[:start]:
                text = clean_paragraph(" ".join(c for c in title_row if c.strip())).strip()
                if text:
                    blocks.append(Block(kind="paragraph", text=text))
            table: list[list[str]] = []
            used = [i for i in range(width) if any(r[i].strip() for r in rows[start:])]
            for r in rows[start:]:
                cells = [r[i] for i in used]
                filled = [c for c in cells if c.strip()]
                if len(filled) == 1 and len(cells) > 2 and not cells[0].strip().isdigit():
                    table.append([filled[0]])
                else:
                    table.append(cells)
            blocks.append(Block(kind="table", rows=table))
    finally:
        workbook.close()
    return blocks
