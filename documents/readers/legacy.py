"""Legacy .doc / .wps / .xls: converted by LibreOffice headless, then read as .docx / .xlsx.

Each conversion gets its own LibreOffice profile in a temporary folder (parallel
conversions otherwise lock each other out) and a time limit.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from .base import ReaderError

CONVERT_TIMEOUT = 120


def find_soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(data: bytes, suffix: str, target: str) -> bytes:
    """Convert legacy bytes to `target` ("docx" or "xlsx") and return the converted bytes."""
    soffice = find_soffice()
    if not soffice:
        raise ReaderError(
            f"服务器未安装 LibreOffice，无法读取 {suffix} 旧格式文件。请用 WPS 或 Word 另存为"
            f" {'.xlsx' if target == 'xlsx' else '.docx'} 后重新上传。",
            code="unsupported",
        )
    with tempfile.TemporaryDirectory(prefix="duban-convert-") as tmp:
        folder = Path(tmp)
        source = folder / f"source{suffix}"
        source.write_bytes(data)
        profile = (folder / "profile").as_uri()
        command = [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            target,
            "--outdir",
            str(folder / "out"),
            str(source),
        ]
        try:
            subprocess.run(command, capture_output=True, timeout=CONVERT_TIMEOUT, check=False)
        except subprocess.TimeoutExpired as exc:
            raise ReaderError(f"{suffix} 文件转换超时，请另存为 .{target} 后重新上传。", code="timeout") from exc
        converted = folder / "out" / f"source.{target}"
        if not converted.exists():
            raise ReaderError(
                f"{suffix} 文件无法转换（可能已损坏或加密），请另存为 .{target} 后重新上传。", code="corrupt"
            )
        return converted.read_bytes()
