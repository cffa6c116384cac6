"""Plain text as the gazettes export it.

Convention (seed files): a table cell starts with a tab; a line without a tab right after a
cell continues that cell (wrapped text); a blank line ends a table row; everything else is
a paragraph. A document title in a multi-document gazette starts with a single space.

Other districts send tables as one cell per paragraph without tabs; `rebuild_label_tables`
finds those by a run of known column labels and regroups the cells into rows.
"""

from __future__ import annotations

import re

from .base import Block, ReaderError, clean_cell, clean_paragraph, strip_noise
from .columns import NUMBER, classify_label

_DOC_START = re.compile(r"^ (?! )\S")
_ENCODINGS = ("utf-8-sig", "gb18030", "utf-16")


def decode_text(data: bytes) -> str:
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ReaderError("文件不是文本文件（含有二进制内容），请上传 .txt、.docx 或 .xlsx 文件。", code="binary")
    for encoding in _ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ReaderError("无法识别文本文件的编码，请另存为 UTF-8 后重新上传。", code="encoding")


def read_txt(data: bytes) -> list[Block]:
    text = decode_text(data)
    if not text.strip():
        raise ReaderError("文件是空的，没有可读取的内容。", code="empty")
    return rebuild_label_tables(parse_lines(text.replace("\r\n", "\n").replace("\r", "\n").split("\n")))


def parse_lines(lines: list[str]) -> list[Block]:
    blocks: list[Block] = []
    table: list[list[str]] | None = None
    row: list[str] | None = None
    in_cell = False

    def close_row() -> None:
        nonlocal row
        if row is not None and table is not None and any(c.strip() for c in row):
            table.append([clean_cell(c) for c in row])
        row = None

    def close_table() -> None:
        nonlocal table
        close_row()
        if table:
            blocks.append(Block(kind="table", rows=table))
        table = None

    for raw in lines:
        line = strip_noise(raw.rstrip("\n"))
        if line.startswith("\t"):
            if table is None:
                table = []
            if row is None:
                row = []
            row.extend(line.split("\t")[1:])
            in_cell = True
        elif not line.strip():
            close_row()
            in_cell = False
        elif in_cell and row is not None and not _DOC_START.match(line):
            row[-1] += "\n" + line
        else:
            close_table()
            in_cell = False
            text = clean_paragraph(line)
            if text.strip():
                blocks.append(Block(kind="paragraph", text=text.strip(), starts_document=bool(_DOC_START.match(line))))
    close_table()
    return blocks


def _label_run(blocks: list[Block], start: int) -> list[str]:
    """Known column labels in consecutive paragraphs from `start` (a wrapped "（上午）" joins its label)."""
    labels: list[str] = []
    i = start
    while i < len(blocks) and blocks[i].kind == "paragraph":
        text = blocks[i].text.strip()
        if labels and re.fullmatch(r"[（(][^）)]{1,8}[）)]", text):
            labels[-1] += text
        elif classify_label(text):
            labels.append(text)
        else:
            break
        i += 1
    return labels


_ROW_NUMBER = re.compile(r"^\d{1,3}$")
_SECTION = re.compile(r"^([一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d+、\s*\S{4,})")


def rebuild_label_tables(blocks: list[Block]) -> list[Block]:
    """Turn "one cell per paragraph" tables into table blocks.

    A run of at least three known labels, the first being 序号, starts a table of that many
    columns. Rows start at a paragraph holding a bare row number; a section heading
    (一、 / （一）) is a one-cell row; the table ends at the first paragraph that is neither
    and comes after a complete row (unless a row follows within a few short paragraphs: a
    wrapped last cell), or at the next document title.
    """
    out: list[Block] = []
    i = 0
    while i < len(blocks):
        block = blocks[i]
        labels = _label_run(blocks, i) if block.kind == "paragraph" else []
        if len(labels) < 3 or classify_label(labels[0]) != NUMBER:
            out.append(block)
            i += 1
            continue
        ncols = len(labels)
        consumed = i + _count_label_paragraphs(blocks, i, len(labels))
        rows: list[list[str]] = [labels]
        current: list[str] | None = None
        j = consumed
        while j < len(blocks) and blocks[j].kind == "paragraph" and not blocks[j].starts_document:
            text = blocks[j].text.strip()
            if _ROW_NUMBER.match(text):
                if current:
                    rows.append(_fit(current, ncols))
                current = [text]
            elif _SECTION.match(text) and (current is None or len(current) >= ncols):
                if current:
                    rows.append(_fit(current, ncols))
                    current = None
                rows.append([text])
            elif current is not None and len(current) < ncols:
                current.append(text)
            elif current is not None and len(current) >= ncols:
                # A wrapped cell: the extra paragraph belongs to the last column, but only while
                # the table goes on below it (a signature after the last row is not a cell).
                if len(text) <= 30 and _table_goes_on(blocks, j + 1):
                    current[-1] += "\n" + text
                else:
                    break
            else:
                break
            j += 1
        if current:
            rows.append(_fit(current, ncols))
        out.append(Block(kind="table", rows=rows))
        i = j
    return out


def _table_goes_on(blocks: list[Block], start: int, lookahead: int = 3) -> bool:
    """A row number or section heading follows within a few short paragraphs."""
    for block in blocks[start : start + lookahead]:
        if block.kind != "paragraph" or block.starts_document:
            return False
        text = block.text.strip()
        if _ROW_NUMBER.match(text) or _SECTION.match(text):
            return True
        if len(text) > 30:
            return False
    return False


def _count_label_paragraphs(blocks: list[Block], start: int, nlabels: int) -> int:
    count = 0
    seen = 0
    while seen < nlabels and start + count < len(blocks):
        text = blocks[start + count].text.strip()
        if not re.fullmatch(r"[（(][^）)]{1,8}[）)]", text):
            seen += 1
        count += 1
    # a trailing bracket note wraps the last label
    while start + count < len(blocks) and re.fullmatch(r"[（(][^）)]{1,8}[）)]", blocks[start + count].text.strip()):
        count += 1
    return count


def _fit(cells: list[str], ncols: int) -> list[str]:
    return cells + [""] * (ncols - len(cells)) if len(cells) < ncols else cells
