"""Word .docx: paragraphs and tables in document order.

Merged cells: python-docx's `row.cells` repeats a horizontally merged cell once per grid
column, so rows are built from the underlying `w:tc` elements instead (each cell once); a
vertically merged continuation cell reads as empty, as in the .txt exports, and the
extractors inherit it from the row above.
"""

from __future__ import annotations

import io

from .base import Block, ReaderError, clean_cell, clean_paragraph
from .safety import check_office_zip

W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read_docx(data: bytes) -> list[Block]:
    check_office_zip(data, "Word")
    try:
        blocks = _read(data)
    except ReaderError:
        raise
    except Exception as exc:  # python-docx raises anything on a malformed package
        raise ReaderError("文件已损坏或不是有效的 Word 文件，无法打开。", code="corrupt") from exc
    if not blocks:
        raise ReaderError("Word 文件中没有文字内容。", code="empty")
    return blocks


def _read(data: bytes) -> list[Block]:
    import docx  # python-docx
    from docx.table import Table, _Cell
    from docx.text.paragraph import Paragraph

    document = docx.Document(io.BytesIO(data))

    numbering = _Numbering(document)
    blocks: list[Block] = []
    for child in document.element.body.iterchildren():
        if child.tag == f"{W_NS}p":
            paragraph = Paragraph(child, document)
            text = clean_paragraph(numbering.prefix(child) + paragraph.text).strip()
            if text:
                blocks.append(Block(kind="paragraph", text=text))
        elif child.tag == f"{W_NS}tbl":
            table = Table(child, document)
            rows: list[list[str]] = []
            for tr in table._tbl.tr_lst:
                tcs = tr.tc_lst
                cells: list[str] = []
                for tc in tcs:
                    cell = _Cell(tc, table)
                    text = "" if tc.vMerge == "continue" else clean_cell("\n".join(p.text for p in cell.paragraphs))
                    cells.append(text)
                    if len(tcs) > 1:
                        cells.extend([""] * (max(tc.grid_span, 1) - 1))
                if any(c.strip() for c in cells):
                    rows.append(cells)
            if rows:
                blocks.append(Block(kind="table", rows=rows))
    return blocks


_CHINESE = "零一二三四五六七八九十"


def _chinese_number(n: int) -> str:
    if n <= 10:
        return _CHINESE[n] if n < 10 else "十"
    if n < 20:
        return "十" + _CHINESE[n - 10]
    tens, ones = divmod(n, 10)
    return _CHINESE[tens] + "十" + (_CHINESE[ones] if ones else "")


class _Numbering:
    """Render Word's automatic list numbers ("一、", "（一）", "1.") that `paragraph.text` omits."""

    def __init__(self, document) -> None:
        self.formats: dict[tuple[str, int], tuple[str, str]] = {}
        self.counters: dict[tuple[str, int], int] = {}
        try:
            part = document.part.numbering_part
        except (NotImplementedError, KeyError, AttributeError):
            return
        root = part.element
        abstract: dict[str, dict[int, tuple[str, str]]] = {}
        for an in root.findall(f"{W_NS}abstractNum"):
            levels = {}
            for lvl in an.findall(f"{W_NS}lvl"):
                ilvl = int(lvl.get(f"{W_NS}ilvl", "0"))
                fmt = lvl.find(f"{W_NS}numFmt")
                text = lvl.find(f"{W_NS}lvlText")
                levels[ilvl] = (
                    fmt.get(f"{W_NS}val", "decimal") if fmt is not None else "decimal",
                    text.get(f"{W_NS}val", "") if text is not None else "",
                )
            abstract[an.get(f"{W_NS}abstractNumId", "")] = levels
        for num in root.findall(f"{W_NS}num"):
            ref = num.find(f"{W_NS}abstractNumId")
            if ref is None:
                continue
            for ilvl, spec in abstract.get(ref.get(f"{W_NS}val", ""), {}).items():
                self.formats[(num.get(f"{W_NS}numId", ""), ilvl)] = spec

    def prefix(self, p) -> str:
        num_pr = p.find(f"{W_NS}pPr/{W_NS}numPr")
        if num_pr is None or not self.formats:
            return ""
        num_id_el = num_pr.find(f"{W_NS}numId")
        ilvl_el = num_pr.find(f"{W_NS}ilvl")
        num_id = num_id_el.get(f"{W_NS}val", "") if num_id_el is not None else ""
        ilvl = int(ilvl_el.get(f"{W_NS}val", "0")) if ilvl_el is not None else 0
        spec = self.formats.get((num_id, ilvl))
        if not spec or spec[0] in ("bullet", "none"):
            return ""
        key = (num_id, ilvl)
        self.counters[key] = self.counters.get(key, 0) + 1
        for other_id, other_lvl in list(self.counters):
            if other_id == num_id and other_lvl > ilvl:
                self.counters[(other_id, other_lvl)] = 0
        fmt, text = spec
        n = self.counters[key]
        rendered = _chinese_number(n) if "chinese" in fmt.lower() or "ideograph" in fmt.lower() else str(n)
        return text.replace(f"%{ilvl + 1}", rendered)
