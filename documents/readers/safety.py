"""Checks that run before python-docx or openpyxl touch a file.

Office files are zip archives of XML parts. A hostile file can hold a zip bomb (tiny
archive, gigabytes unpacked) or an XML bomb (entity expansion, external entities). Both are
refused here, with defusedxml, before any parser sees the parts.
"""

from __future__ import annotations

import io
import zipfile
import zlib

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from .base import ReaderError

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 200
MAX_PARTS = 5000


def check_office_zip(data: bytes, kind: str) -> zipfile.ZipFile:
    """Open `data` as an Office zip after refusing encrypted, corrupt and bomb-like files."""
    if data.startswith(OLE_MAGIC):
        raise ReaderError(f"该 {kind} 文件设置了打开密码（已加密），无法读取。请去掉密码后重新上传。", code="encrypted")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ReaderError(f"文件已损坏或不是有效的 {kind} 文件，无法打开。", code="corrupt")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ReaderError(f"文件已损坏或不是有效的 {kind} 文件，无法打开。", code="corrupt") from exc
    if len(infos) > MAX_PARTS:
        raise ReaderError("文件内部结构异常（部件过多），已拒绝读取。", code="bomb")
    total = sum(info.file_size for info in infos)
    packed = sum(info.compress_size for info in infos) or 1
    if total > MAX_UNCOMPRESSED or (total > 10 * 1024 * 1024 and total / packed > MAX_RATIO):
        raise ReaderError("文件解压后体积异常（疑似压缩炸弹），已拒绝读取。", code="bomb")
    for info in infos:
        if info.flag_bits & 0x1:
            raise ReaderError(f"该 {kind} 文件设置了密码，无法读取。", code="encrypted")
        if not info.filename.endswith((".xml", ".rels")):
            continue
        try:
            fromstring(archive.read(info))
        except DefusedXmlException as exc:
            raise ReaderError("文件中含有不安全的 XML 内容（实体或外部引用），已拒绝读取。", code="xml_bomb") from exc
        except ParseError as exc:
            raise ReaderError(f"文件已损坏（{info.filename} 无法解析），无法打开。", code="corrupt") from exc
        except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError) as exc:
            raise ReaderError(f"文件已损坏或不是有效的 {kind} 文件，无法打开。", code="corrupt") from exc
    return archive
