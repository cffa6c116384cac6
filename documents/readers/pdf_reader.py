"""PDF with a text layer, read with pdfplumber: paragraphs and ruled tables in page order.

- Text outside tables comes line by line (a PDF has no paragraphs, only lines); the outline
  extractors join an item's wrapped lines again. Page numbers ("- 3 -") are dropped.
- Ruled tables are read cell by cell (a cell keeps its line breaks); a table that goes on
  over the next page is joined to the one before it, a header repeated at the top of the
  new page is skipped, and a row cut by the page break (its first cell empty) is joined to
  the row it continues.
- A PDF without any text (a scan) is refused with a message saying so: OCR is not done.
- Encrypted, corrupt and oversized (page count) PDFs are refused.
"""

from __future__ import annotations

import io
import logging
import re

from .base import Block, ReaderError, clean_cell, clean_paragraph

MAX_PAGES = 400
_PAGE_NUMBER = re.compile(r"^[-—–－\s]*(?:第\s*)?\d{1,4}\s*(?:页)?[-—–－\s]*(?:/\s*\d+\s*页?)?$")

logging.getLogger("pdfminer").setLevel(logging.ERROR)


def read_pdf(data: bytes) -> list[Block]:
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise ReaderError("文件已损坏或不是有效的 PDF 文件，无法打开。", code="corrupt")
    try:
        blocks = _read(data)
    except ReaderError:
        raise
    except Exception as exc:  # pdfminer raises many kinds of errors on a broken or encrypted file
        name = type(exc).__name__ + " " + "".join(type(a).__name__ for a in getattr(exc, "args", ()))
        if "Password" in name or "Encrypt" in name or "encrypt" in repr(exc).lower():
            raise ReaderError("该 PDF 文件设置了密码或加密，无法读取。请上传未加密的文件。", code="encrypted") from exc
        raise ReaderError("文件已损坏或不是有效的 PDF 文件，无法打开。", code="corrupt") from exc
    if not any((b.text.strip() if not b.is_table else any(c.strip() for r in b.rows for c in r)) for b in blocks):
        raise ReaderError(
            "这个 PDF 没有文字层（可能是扫描件或图片），无法读取文字。目前不支持文字识别（OCR），"
            "请上传带文字的 PDF、Word 文件，或用“粘贴文本”导入。",
            code="scanned",
        )
    return blocks


def _inside(obj: dict, box: tuple[float, float, float, float]) -> bool:
    x0, top, x1, bottom = box
    cx = (obj["x0"] + obj["x1"]) / 2
    cy = (obj["top"] + obj["bottom"]) / 2
    return x0 <= cx <= x1 and top <= cy <= bottom


def _outside(boxes: list[tuple[float, float, float, float]]):
    return lambda obj: not any(_inside(obj, box) for box in boxes)


def _read(data: bytes) -> list[Block]:
    import pdfplumber

    blocks: list[Block] = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        if len(pdf.pages) > MAX_PAGES:
            raise ReaderError(f"PDF 超过 {MAX_PAGES} 页，请拆分后上传。", code="too_large")
        for page in pdf.pages:
            tables = page.find_tables()
            boxes = [t.bbox for t in tables]
            placed: list[tuple[float, Block]] = []
            for table in tables:
                rows = [[clean_cell(c or "") for c in row] for row in table.extract()]
                rows = [r for r in rows if any(c.strip() for c in r)]
                if rows:
                    placed.append((table.bbox[1], Block(kind="table", rows=rows)))
            text_page = page.filter(_outside(boxes)) if boxes else page
            for line in text_page.extract_text_lines(layout=False, strip=True, return_chars=False):
                text = clean_paragraph(line["text"]).strip()
                if text and not _PAGE_NUMBER.match(text):
                    placed.append((line["top"], Block(kind="paragraph", text=_squeeze(text))))
            placed.sort(key=lambda pair: pair[0])
            for k, (_, block) in enumerate(placed):
                if k == 0 and block.is_table and blocks and blocks[-1].is_table and _continues(blocks[-1], block):
                    previous = blocks[-1]
                    rows = block.rows[1:] if block.rows[0] == previous.rows[0] else block.rows
                    if rows and not rows[0][0].strip() and previous.rows and previous.rows[-1][0].strip():
                        # a row cut by the page break: its rest continues the last row's cells
                        last = previous.rows[-1]
                        previous.rows[-1] = [
                            "\n".join(x for x in (a, b) if x.strip()) for a, b in zip(last, rows[0], strict=True)
                        ]
                        rows = rows[1:]
                    previous.rows.extend(rows)
                    continue
                blocks.append(block)
    return blocks


def _continues(previous: Block, block: Block) -> bool:
    return len(previous.rows[0]) == len(block.rows[0])


_CJK_SPACE = re.compile(
    r"(?<=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef])\s+(?=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef])"
)


def _squeeze(text: str) -> str:
    """Spaces a PDF puts between Chinese characters of one line (justified text) go."""
    return _CJK_SPACE.sub("", text)
