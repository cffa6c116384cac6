"""Evidence files: what may be attached to a progress report, told by content, not by name.

Allowed: PDF, images (PNG, JPEG, GIF, WebP), Office Open XML documents without macros
(.docx, .xlsx, .pptx) and the legacy binary Office formats (.doc, .xls, .ppt, .wps, .et)
without a VBA project. Everything else (executables, scripts, HTML, SVG, macro-enabled
Office files, archives) is refused with a message. The extension must agree with the
content, the size is capped by MAX_EVIDENCE_MB, files are stored under random names, and
downloads carry the content type of the allow-list entry (never one guessed from the name).
Images and PDFs open in the browser; everything else downloads.
"""

import uuid
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone


@dataclass(frozen=True)
class EvidenceKind:
    extension: str
    content_type: str
    label: str
    inline: bool = False


KINDS = {
    kind.extension: kind
    for kind in (
        EvidenceKind("pdf", "application/pdf", "PDF", inline=True),
        EvidenceKind("png", "image/png", "PNG 图片", inline=True),
        EvidenceKind("jpg", "image/jpeg", "JPEG 图片", inline=True),
        EvidenceKind("gif", "image/gif", "GIF 图片", inline=True),
        EvidenceKind("webp", "image/webp", "WebP 图片", inline=True),
        EvidenceKind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word 文档"),
        EvidenceKind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel 表格"),
        EvidenceKind("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", "PPT"),
        EvidenceKind("doc", "application/msword", "Word 97-2003 文档"),
        EvidenceKind("xls", "application/vnd.ms-excel", "Excel 97-2003 表格"),
        EvidenceKind("ppt", "application/vnd.ms-powerpoint", "PPT 97-2003"),
        EvidenceKind("wps", "application/vnd.ms-works", "WPS 文字"),
        EvidenceKind("et", "application/vnd.ms-excel", "WPS 表格"),
    )
}
# Names people give the same content.
ALIASES = {"jpeg": "jpg", "jpe": "jpg"}
OLE_EXTENSIONS = {"doc", "xls", "ppt", "wps", "et"}
OOXML_PARTS = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ALLOWED_TEXT = "PDF、图片（PNG/JPEG/GIF/WebP）、Word/Excel/PPT 文档（不含宏）"


def accept_attribute() -> str:
    """For <input accept=…>: the browser's file picker shows the allowed kinds first."""
    return ",".join(f".{ext}" for ext in [*KINDS, *ALIASES])


def _refuse(name: str, why: str) -> ValidationError:
    return ValidationError(f"“{name}”{why}。佐证材料只接受{ALLOWED_TEXT}。", code="evidence")


def _ooxml_kind(upload, name: str, extension: str) -> str:
    """A zip that is a macro-free Word/Excel/PowerPoint package, told by its parts."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as package:
            names = package.namelist()
            content_types = package.read("[Content_Types].xml")[:200_000].lower()
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, ValueError, EOFError, NotImplementedError):
        raise _refuse(name, "不是有效的 Office 文档") from None
    lowered = [n.lower() for n in names]
    if any(n.endswith("vbaproject.bin") for n in lowered) or b"macroenabled" in content_types:
        raise _refuse(name, "含有宏，出于安全原因不能上传；请另存为不含宏的格式")
    for ext, prefix in OOXML_PARTS.items():
        if any(n.startswith(prefix) for n in lowered):
            return ext
    raise _refuse(name, "是压缩包或无法识别的文档")


def _ole_has_macros(upload) -> bool:
    """A legacy Office file with a VBA project stores streams named _VBA_PROJECT / VBA."""
    upload.seek(0)
    tail = b""
    needle_utf16 = "_VBA_PROJECT".encode("utf-16-le")
    while chunk := upload.read(1 << 20):
        block = tail + chunk
        if needle_utf16 in block or b"_VBA_PROJECT" in block:
            return True
        tail = block[-64:]
    return False


def inspect(upload) -> EvidenceKind:
    """The allow-list entry an uploaded file belongs to, or ValidationError saying why not."""
    name = PurePath(getattr(upload, "name", "") or "").name or "文件"
    limit = settings.MAX_EVIDENCE_MB * 1024 * 1024
    size = getattr(upload, "size", None) or 0
    if size > limit:
        raise ValidationError(
            f"“{name}”超过 {settings.MAX_EVIDENCE_MB} MB，请压缩或拆分后再上传。", code="evidence_size"
        )
    if size == 0:
        raise _refuse(name, "是空文件")
    extension = PurePath(name).suffix.lower().lstrip(".")
    extension = ALIASES.get(extension, extension)
    if extension not in KINDS:
        raise _refuse(name, "的类型不在允许范围内")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        detected = "pdf"
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        detected = "png"
    elif head.startswith(b"\xff\xd8\xff"):
        detected = "jpg"
    elif head.startswith((b"GIF87a", b"GIF89a")):
        detected = "gif"
    elif head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        detected = "webp"
    elif head.startswith(b"PK\x03\x04"):
        detected = _ooxml_kind(upload, name, extension)
    elif head.startswith(OLE_MAGIC):
        if _ole_has_macros(upload):
            raise _refuse(name, "含有宏，出于安全原因不能上传；请另存为不含宏的格式")
        # The compound-file header does not say which program wrote it: trust the allowed name.
        detected = extension if extension in OLE_EXTENSIONS else "ole"
    else:
        detected = None
    upload.seek(0)
    if detected is None:
        raise _refuse(name, "的内容无法识别")
    if detected != extension:
        raise _refuse(name, "的扩展名与文件内容不符")
    return KINDS[detected]


def storage_name(kind: EvidenceKind) -> str:
    """A random file name with the allow-list's extension: nothing of the uploader's name
    reaches the disk (the original name is kept in the database for downloads)."""
    return f"{uuid.uuid4().hex}.{kind.extension}"


def kind_of_stored(name: str) -> EvidenceKind | None:
    extension = PurePath(name).suffix.lower().lstrip(".")
    return KINDS.get(ALIASES.get(extension, extension))


def upload_path(filename: str) -> str:
    now = timezone.localtime()
    return f"evidence/{now:%Y/%m}/{filename}"
