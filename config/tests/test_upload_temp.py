"""Temporary uploads live in the project's FILE_UPLOAD_TEMP_DIR and stale ones are removed."""

import os
import time
from pathlib import Path

from django.conf import settings as django_settings
from django.core.management import call_command

from config.uploads import clean_upload_temp


def test_large_uploads_spool_into_the_projects_own_folder():
    assert Path(django_settings.FILE_UPLOAD_TEMP_DIR).is_dir()
    assert django_settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 5 * 1024 * 1024


def test_files_a_killed_server_left_behind_are_removed_and_fresh_ones_kept(tmp_path, settings, capsys):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    stale = tmp_path / "tmpabc123.upload.pdf"
    stale.write_bytes(b"x" * 1000)
    old = time.time() - 2 * 3600
    os.utime(stale, (old, old))
    fresh = tmp_path / "tmpdef456.upload.docx"
    fresh.write_bytes(b"y" * 10)
    assert clean_upload_temp() == (1, 1000)
    assert not stale.exists() and fresh.exists()
    call_command("clean_upload_temp", "--older-than", "0")
    assert not fresh.exists()
    assert "removed 1 files" in capsys.readouterr().out


def test_a_missing_folder_is_not_an_error(tmp_path, settings):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "gone")
    assert clean_upload_temp() == (0, 0)
