"""manage.py extract: JSON for the scorer, a readable table, and errors on stderr with exit 1."""

import json
import os
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from documents.tests.seedtools import ROOT, SEEDS

SEED = SEEDS / "004_27fa458a6cee6f7a.txt"


def test_json_output_is_the_scorer_shape(db, capsys):
    call_command("extract", str(SEED), "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["metadata"]["doc_number"] == "昌府办字〔2021〕20号"
    item = data["items"][0]
    assert {"number", "section", "text", "lead_units", "support_units", "deadline_text", "deadline"} <= set(item)
    assert item["lead_units"][0]["name"] == "区工信局" and item["lead_units"][0]["canonical"]


def test_readable_output(db, capsys):
    call_command("extract", str(SEED))
    out = capsys.readouterr().out
    assert "分工方案" in out and "牵头：区工信局" in out and "共 84 项" in out


def test_unreadable_file_is_a_command_error(db, tmp_path):
    empty = tmp_path / "empty.docx"
    empty.write_bytes(b"")
    with pytest.raises(CommandError, match="空的"):
        call_command("extract", str(empty))


def test_exit_code_and_stderr_from_the_shell(tmp_path):
    bad = tmp_path / "a.pages"
    bad.write_bytes(b"%PDF")
    proc = subprocess.run(
        [sys.executable, "manage.py", "extract", str(bad), "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 1
    assert "不支持的文件类型" in proc.stderr and proc.stdout == ""


def test_works_before_migrate_on_a_new_machine(tmp_path):
    """The scorer runs `extract --json` on a fresh checkout: no migrated database yet. The command
    saves nothing, so it reads the bundled registry and says so on stderr."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["SQLITE_PATH"] = str(tmp_path / "never-migrated.sqlite3")
    proc = subprocess.run(
        [sys.executable, "manage.py", "extract", str(SEED), "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert len(data["items"]) == 84
    assert data["items"][0]["lead_units"][0]["canonical"] == "区工业和信息化局"
    assert "manage.py migrate" in proc.stderr
