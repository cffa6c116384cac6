"""Readers: a document file in, a list of `Block`s (paragraphs and tables, in order) out.

    from documents.readers import read_document, ReaderError
    result = read_document(path_or_file, "方案.docx", max_bytes=20 * 1024 * 1024)
    result.blocks, result.reader

Every failure is a `ReaderError` whose `message` is a Chinese sentence for the user.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import BinaryIO

from .base import DEFAULT_MAX_BYTES, Block, ReaderError, ReadResult, render_text

__all__ = [
    "DEFAULT_MAX_BYTES",
    "SUPPORTED_EXTENSIONS",
    "Block",
    "ReadResult",
    "ReaderError",
    "read_document",
    "render_text",
]

SUPPORTED_EXTENSIONS = (".txt", ".docx", ".xlsx", ".pdf", ".ofd", ".doc", ".wps", ".xls", ".et")


OFD_REFUSAL = (
    "暂不支持 OFD 版式文件：目前没有经过验证、可靠维护的 OFD 读取库。"
    "请在 OFD 阅读器中另存为 PDF（带文字）或 Word 后上传，或复制正文用“粘贴文本”导入。"
)


def _read_bytes(source: str | os.PathLike | BinaryIO | bytes, max_bytes: int) -> bytes:
    if isinstance(source, bytes | bytearray):
        data = bytes(source)
    elif isinstance(source, str | os.PathLike):
        path = Path(source)
        try:
            if path.stat().st_size > max_bytes:
                raise _too_big(max_bytes)
            data = path.read_bytes()
        except FileNotFoundError as exc:
            raise ReaderError(f"找不到文件：{path.name}", code="missing") from exc
        except IsADirectoryError as exc:
            raise ReaderError(f"{path.name} 是文件夹，不是文件。", code="missing") from exc
    else:
        if hasattr(source, "seek"):
            with contextlib.suppress(OSError, ValueError):
                source.seek(0)
        data = source.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _too_big(max_bytes)
    return data


def _too_big(max_bytes: int) -> ReaderError:
    return ReaderError(f"文件超过大小上限（{max_bytes / 1024 / 1024:.0f} MB），请拆分后上传。", code="too_large")


def read_document(
    source: str | os.PathLike | BinaryIO | bytes, filename: str, *, max_bytes: int | None = None
) -> ReadResult:
    """Read a .txt/.docx/.xlsx/.pdf (or, with LibreOffice, .doc/.wps/.xls) file into blocks."""
    from .docx_reader import read_docx
    from .legacy import convert
    from .pdf_reader import read_pdf
    from .txt_reader import read_txt
    from .xlsx_reader import read_xlsx

    limit = max_bytes or DEFAULT_MAX_BYTES
    suffix = Path(filename or "").suffix.lower()
    if suffix not in SUPPORTED_EXTENSIONS:
        raise ReaderError(
            f"不支持的文件类型“{suffix or '无扩展名'}”。请上传 .docx、.xlsx、.pdf、.txt（或 .doc、.wps）文件，"
            "或用“粘贴文本”导入。",
            code="unsupported",
        )
    data = _read_bytes(source, limit)
    if not data.strip():
        raise ReaderError("文件是空的，没有可读取的内容。", code="empty")
    if suffix == ".txt":
        return ReadResult(read_txt(data), "txt")
    if suffix == ".docx":
        return ReadResult(read_docx(data), "docx")
    if suffix == ".xlsx":
        return ReadResult(read_xlsx(data), "xlsx")
    if suffix == ".pdf":
        return ReadResult(read_pdf(data), "pdf")
    if suffix == ".ofd":
        raise ReaderError(OFD_REFUSAL, code="ofd")
    if suffix in (".xls", ".et"):
        return ReadResult(read_xlsx(convert(data, suffix, "xlsx")), "libreoffice+xlsx")
    return ReadResult(read_docx(convert(data, suffix, "docx")), "libreoffice+docx")
