"""Temporary upload files: Django spools an upload larger than FILE_UPLOAD_MAX_MEMORY_SIZE to
FILE_UPLOAD_TEMP_DIR and deletes it when the request ends, but a killed server leaves it behind.
The folder is the project's own (settings), so whatever is in it and older than the longest
upload could take is garbage."""

import time
from pathlib import Path

from django.conf import settings

STALE_AFTER_SECONDS = 3600


def clean_upload_temp(now: float | None = None, older_than: int = STALE_AFTER_SECONDS) -> tuple[int, int]:
    """Delete the files in FILE_UPLOAD_TEMP_DIR not touched for `older_than` seconds.
    Returns (files, bytes) removed."""
    folder = Path(settings.FILE_UPLOAD_TEMP_DIR)
    if not folder.is_dir():
        return 0, 0
    now = time.time() if now is None else now
    files = size = 0
    for path in folder.iterdir():
        try:
            stat = path.stat()
            if path.is_file() and now - stat.st_mtime > older_than:
                path.unlink()
                files += 1
                size += stat.st_size
        except FileNotFoundError:
            continue  # removed by the request that owned it meanwhile
    return files, size
