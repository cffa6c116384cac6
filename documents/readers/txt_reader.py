"""Plain text as the gazettes export it.

Convention (seed files): a table cell starts with a tab; a line without a tab right after a
cell continues that cell (wrapped text); a blank line ends a table row; everything else is
a paragraph. A document title in a multi-document gazette starts with a single space.

Other districts send tables as one cell per paragraph without tabs; `rebuild_label_tables`
finds those by a run of known column labels and regroups the cells into rows.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .base import Block, ReaderError, clean_cell, clean_paragraph, strip_noise
from .cells import SINK, align, alignment_score, is_unit_like
from .columns import (
    DEADLINE,
    LEAD,
    LEADER,
    NUMBER,
    SUPPORT,
    TASK,
    UNITS,
    classify_header,
    classify_label,
    with_task_column,
)
from .webtext import has_pipes, strip_furniture, unpipe

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
    return read_text(text)


def read_text(text: str) -> list[Block]:
    """Blocks of a text (a .txt file, or text pasted from a web page)."""
    lines = strip_furniture(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    piped = has_pipes(lines)
    if piped:
        lines = unpipe(lines)
    blocks = join_label_lines(parse_lines(lines))
    if piped:
        blocks = split_at_headers(blocks)
    return rebuild_label_tables(blocks)


_FIELD_KINDS = (TASK, LEAD, SUPPORT, UNITS, DEADLINE, LEADER)


def _field_label(block: Block) -> bool:
    return block.kind == "paragraph" and classify_label(block.text.strip()) in _FIELD_KINDS


def join_label_lines(blocks: list[Block]) -> list[Block]:
    """Fields written as a label line and a value line without a colon ("责任单位" / "卫健局、文旅局")
    become "label：value" paragraphs. Only runs of at least two such pairs are joined, and a label
    next to another label is a table header, not a field."""
    pairs: list[int] = []
    i = 0
    while i + 1 < len(blocks):
        value = blocks[i + 1]
        if (
            _field_label(blocks[i])
            and not (i > 0 and blocks[i - 1].kind == "paragraph" and classify_label(blocks[i - 1].text.strip()))
            and value.kind == "paragraph"
            and not classify_label(value.text.strip())
            and not _ROW_NUMBER.match(value.text.strip())
            and value.text.strip()[:1] not in "(（"
        ):
            pairs.append(i)
            i += 2
        else:
            i += 1
    keep: set[int] = set()
    for k, start in enumerate(pairs):
        near = (k > 0 and pairs[k - 1] == start - 2) or (k + 1 < len(pairs) and pairs[k + 1] == start + 2)
        if near:
            keep.add(start)
    if not keep:
        return blocks
    out: list[Block] = []
    i = 0
    while i < len(blocks):
        if i in keep:
            label, value = blocks[i], blocks[i + 1]
            out.append(replace(value, text=label.text.strip() + "：" + value.text.strip(), line_start=label.line_start))
            i += 2
        else:
            out.append(blocks[i])
            i += 1
    return out


def split_at_headers(blocks: list[Block]) -> list[Block]:
    """Tables rebuilt from pipe rows: a header row starts a table of its own (page metadata rows
    above a header are another table), and their rows are whole."""
    out: list[Block] = []
    for block in blocks:
        if not block.is_table:
            out.append(block)
            continue
        current: list[list[str]] = []
        for row in block.rows:
            if current and classify_header(row):
                out.append(Block(kind="table", rows=current, complete_rows=True))
                current = []
            current.append(row)
        if current:
            out.append(Block(kind="table", rows=current, complete_rows=True))
    return out


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


_BRACKET_ONLY = re.compile(r"[（(](?![一二三四五六七八九十\d]+[）)])[^）)]{1,8}[）)]")  # not a number: （一）
_ROW_NUMBER = re.compile(r"^\d{1,3}\s*[*＊]?$")
_SECTION = re.compile(r"^([一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d+、\s*\S{4,})")
_MAX_LABEL = 30


def _is_label_text(text: str) -> bool:
    return 0 < len(text) <= _MAX_LABEL and not re.search(r"[。；;，,]", text) and not _ROW_NUMBER.match(text)


def _label_run(blocks: list[Block], start: int) -> tuple[list[str], int]:
    """The header labels written one per paragraph from `start`, and the index after them.

    Labels are known column names (序号, 工作任务, 牵头单位…) or short unknown ones between
    them ("涉及西湖区工作指标"); a label wrapped over two lines ("牵头" / "部门") is joined, and a
    bracket note on its own line ("（上午）") joins the label before it.
    """
    labels: list[str] = []
    known = 0
    i = start
    while i < len(blocks) and blocks[i].kind == "paragraph" and len(labels) < 16:
        text = blocks[i].text.strip()
        if labels and _BRACKET_ONLY.fullmatch(text):
            labels[-1] += text
            i += 1
            continue
        note_end = _bracket_note_end(blocks, i) if labels else None
        if note_end is not None:
            # a note under a label wrapped over lines: "(加*号为牵头部门," / "其余为参与部门)"
            labels[-1] += "".join(blocks[k].text.strip() for k in range(i, note_end))
            i = note_end
            continue
        if labels and not classify_label(labels[-1]) and classify_label(labels[-1] + text):
            labels[-1] += text  # 牵头 / 部门 wrapped
            known += 1
            i += 1
            continue
        if (
            labels
            and classify_label(text) is None
            and classify_label(labels[-1] + text)
            and (classify_label(labels[-1]) in (None, LEAD))
        ):
            labels[-1] += text
            i += 1
            continue
        if not _is_label_text(text) or _SECTION.match(text):
            break
        kind = classify_label(text)
        if kind is None:
            # an unknown label only between known ones: look ahead for a known label
            nxt = blocks[i + 1].text.strip() if i + 1 < len(blocks) and blocks[i + 1].kind == "paragraph" else ""
            if not labels:
                if len(text) > 4 or classify_label(nxt) != NUMBER:
                    break  # only a short column of its own before 序号 (类别 | 序号 | …)
            elif not (classify_label(nxt) or (_is_label_text(nxt) and not _ROW_NUMBER.match(nxt))):
                break
        else:
            known += 1
        labels.append(text)
        i += 1
    while labels and classify_label(labels[-1]) is None:
        labels.pop()
        i -= 1
    # 序号 first, or after one short column label of its own (类别 | 序号 | …)
    numbered = bool(labels) and (
        classify_label(labels[0]) == NUMBER
        or (len(labels) > 1 and len(labels[0]) <= 4 and classify_label(labels[1]) == NUMBER)
    )
    if known < 3 or not numbered:
        return [], start
    return labels, i


def _bracket_note_end(blocks: list[Block], i: int, span: int = 3) -> int | None:
    """Where a bracket note opened at paragraph `i` and closed within `span` paragraphs ends."""
    first = blocks[i].text.strip()
    if not first or first[0] not in "(（" or re.search(r"[)）]", first):
        return None
    for k in range(i + 1, min(i + span, len(blocks))):
        b = blocks[k]
        if b.kind != "paragraph" or len(b.text.strip()) > _MAX_LABEL:
            return None
        if re.search(r"[)）]\s*$", b.text.strip()):
            return k + 1
    return None


def _is_row_start(text: str) -> bool:
    return bool(_ROW_NUMBER.match(text))


def rebuild_label_tables(blocks: list[Block]) -> list[Block]:
    """Turn "one cell per paragraph" tables into table blocks.

    A run of at least three known labels, the first being 序号, starts a table with those
    columns. A row starts at a paragraph holding a bare row number ("12", "1*"); a section
    heading (一、 / （一）) is a one-cell row; a repeated header is skipped. The paragraphs of a
    row are put under the columns by what they look like (`cells.align`), so a cell written
    over several lines or a missing cell does not shift the others. The table ends at the first
    paragraph after a complete row that neither starts a row nor is followed by one within a
    few short paragraphs, or at the next document title.
    """
    out: list[Block] = []
    i = 0
    while i < len(blocks):
        block = blocks[i]
        labels, after = _label_run(blocks, i) if block.kind == "paragraph" else ([], i)
        if not labels:
            out.append(block)
            i += 1
            continue
        plain = [classify_label(label) for label in labels]
        kinds = with_task_column(plain, labels)
        ncols = len(labels)
        rows: list[list[str]] = [labels]
        pieces: list[str] | None = None
        numberless = False  # rows with an empty 序号: a new task cell starts the next row
        j = after
        while j < len(blocks) and blocks[j].kind == "paragraph" and not blocks[j].starts_document:
            text = blocks[j].text.strip()
            repeat, repeat_end = _label_run(blocks, j)
            if repeat and [classify_label(x) for x in repeat] == plain:
                pieces = _close_row(rows, pieces, kinds)
                j = repeat_end
                continue
            if _is_row_start(text):
                _close_row(rows, pieces, kinds)
                pieces = [text]
            elif _SECTION.match(text) and (pieces is None or len(pieces) >= ncols - 1):
                pieces = _close_row(rows, pieces, kinds)
                rows.append([text])
            elif (
                pieces is None
                and len(rows[-1]) == 1
                and len(rows) > 1
                and len(text) <= 10
                and _table_goes_on(blocks, j + 1, _WRAP_LOOKAHEAD)
            ):
                rows[-1] = [rows[-1][0] + text]  # a section cell written one word per line
            elif ((pieces is None and len(rows) == 1) or numberless) and _starts_numberless_row(text, pieces):
                _close_row(rows, pieces, kinds)
                pieces, numberless = [text], True
            elif pieces is not None and len(pieces) < ncols:
                pieces.append(text)
            elif (
                pieces is not None
                and len(text) <= 40
                and (re.search(r"[、，,]$", pieces[-1]) or _table_goes_on(blocks, j + 1, _WRAP_LOOKAHEAD))
            ):
                pieces.append(text)  # a cell written over several lines
            else:
                break
            j += 1
        _close_row(rows, pieces, kinds)
        out.append(Block(kind="table", rows=rows, complete_rows=True))
        i = j
    return out


def _close_row(rows: list[list[str]], pieces: list[str] | None, kinds: list[str | None]) -> None:
    if pieces:
        rows.append(_row(pieces, kinds))


def _row(pieces: list[str], kinds: list[str | None]) -> list[str]:
    """A row's paragraphs under the header's columns (lines of one cell joined by line breaks)."""
    with_sink = [*kinds, SINK]
    if len(pieces) == len(kinds):
        identity = [[p] for p in pieces] + [[]]
        groups = align(pieces, with_sink)
        if alignment_score(groups, with_sink) <= alignment_score(identity, with_sink) + 6:
            groups = identity
    else:
        groups = align(pieces, with_sink)
    cells = ["\n".join(g) for g in groups]
    return cells if cells[-1] else cells[:-1]  # a piece under no column stays, after the last


_WRAP_LOOKAHEAD = 8  # a unit cell written one name per line runs over several short lines


def _starts_numberless_row(text: str, pieces: list[str] | None) -> bool:
    """A task cell that opens a row of a table whose 序号 cells are empty: a sentence, not
    unit names, after a row that already has its units (or as the first row)."""
    if len(text) < 8 or is_unit_like(text) or _SECTION.match(text):
        return False
    return pieces is None or any(is_unit_like(p) for p in pieces[1:])


def _table_goes_on(blocks: list[Block], start: int, lookahead: int = 3) -> bool:
    """A row number or section heading follows within a few short paragraphs."""
    for block in blocks[start : start + lookahead]:
        if block.kind != "paragraph" or block.starts_document:
            return False
        text = block.text.strip()
        if _is_row_start(text) or _SECTION.match(text) or classify_label(text) == NUMBER:
            return True  # a row, a section, or the header repeated
        if len(text) > 40:
            return False
    return False
