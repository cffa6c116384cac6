"""backup then restore onto another database gives identical rows and files (SQLite and PostgreSQL)."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

from config.backup import BackupError, backup, read_manifest, restore, verify_folder
from tasks import services
from tasks.models import Assignment, Evidence, ProgressReport
from testing.services import require_postgres

ROOT = Path(__file__).resolve().parents[2]
PDF = b"%PDF-1.4\n% evidence\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def load_demo_with_reports():
    """The demo (registry, accounts, five published seed documents) plus reports with evidence."""
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115 - closed with the process
    # The demo itself has work in flight (a report or two): count what this adds.
    reports_before, evidence_before = ProgressReport.objects.count(), Evidence.objects.count()
    for assignment in Assignment.objects.select_related("unit").order_by("id")[:5]:
        clerk = assignment.unit.memberships.first()
        actor = clerk.user if clerk else None
        if actor is None:
            from accounts.models import User

            actor = User.objects.get(username="duchashi")
        services.report_progress(
            actor,
            assignment,
            progress=f"第{assignment.pk}项已推进",
            percent=30,
            files=[
                SimpleUploadedFile("现场.pdf", PDF + str(assignment.pk).encode()),
                SimpleUploadedFile("图.png", PNG),
            ],
        )
    assert ProgressReport.objects.count() == reports_before + 5
    assert Evidence.objects.count() == evidence_before + 10


def run_manage(env: dict, *args: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SQLITE_PATH", "MEDIA_ROOT")}
    base.pop("DUBAN_TESTING", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**base, "DEBUG": "1", **env},
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip


def source_rows() -> dict[str, list]:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        rows = {}
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            rows[table] = sorted((tuple(r) for r in cursor.fetchall()), key=repr)
    return rows


def rows_of(cursor, tables, quote) -> dict[str, list]:
    rows = {}
    for table in tables:
        cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608
        rows[table] = sorted((tuple(r) for r in cursor.fetchall()), key=repr)
    return rows


def files_of(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.mark.django_db(transaction=True)
def test_sqlite_backup_restores_identical_rows_and_files_into_another_file(tmp_path, settings):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite run covers the SQLite backup")
    load_demo_with_reports()
    out = tmp_path / "backup"
    result = call_command("backup", "--out", str(out), stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert result is None
    manifest = read_manifest(out)
    assert manifest["engine"] == "sqlite" and manifest["tables"]["tasks_evidence"] == 10
    assert len(manifest["files"]) >= 15  # 5 seed documents + 10 evidence files

    target = tmp_path / "restored.sqlite3"
    media = tmp_path / "restored-media"
    restored = run_manage({"SQLITE_PATH": str(target), "MEDIA_ROOT": str(media)}, "restore", str(out))
    assert restored.returncode == 0, restored.stderr
    assert "restored and verified" in restored.stdout

    expected = source_rows()
    # Django reads SQLite with its type converters (registered process-wide); read the copy the same way.
    copy = sqlite3.connect(target, detect_types=sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES)
    try:
        actual = rows_of(copy.cursor(), expected.keys(), lambda t: f'"{t}"')
    finally:
        copy.close()
    assert actual == expected
    assert files_of(media) == files_of(Path(settings.MEDIA_ROOT))

    again = run_manage({"SQLITE_PATH": str(target), "MEDIA_ROOT": str(tmp_path / "m3")}, "restore", str(out))
    assert again.returncode != 0 and "已存在且不为空" in again.stderr


@pytest.mark.django_db(transaction=True)
def test_postgres_backup_restores_identical_rows_and_files_into_another_database(tmp_path, settings):
    require_postgres()
    import psycopg
    import psycopg.types.string

    load_demo_with_reports()
    out = tmp_path / "backup"
    call_command("backup", "--out", str(out), stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert read_manifest(out)["engine"] == "postgresql"

    source = connection.settings_dict
    name = source["NAME"].removeprefix("test_") + "_restore"
    params = {"host": source["HOST"] or "127.0.0.1", "port": source["PORT"] or 5432, "user": source["USER"]}
    if source.get("PASSWORD"):
        params["password"] = source["PASSWORD"]
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        password = f":{source['PASSWORD']}" if source.get("PASSWORD") else ""
        url = f"postgres://{source['USER']}{password}@{params['host']}:{params['port']}/{name}"
        media = tmp_path / "restored-media"
        restored = run_manage({"DATABASE_URL": url, "MEDIA_ROOT": str(media)}, "restore", str(out))
        assert restored.returncode == 0, restored.stderr
        expected = source_rows()
        with psycopg.connect(dbname=name, **params) as copy:
            # Django reads jsonb as text (it decodes JSON itself); read the copy the same way.
            copy.adapters.register_loader("jsonb", psycopg.types.string.TextLoader)
            with copy.cursor() as cursor:
                actual = rows_of(cursor, expected.keys(), lambda t: f'"{t}"')
        assert actual == expected
        assert files_of(media) == files_of(Path(settings.MEDIA_ROOT))
        again = run_manage({"DATABASE_URL": url, "MEDIA_ROOT": str(tmp_path / "m3")}, "restore", str(out))
        assert again.returncode != 0 and "已有数据表" in again.stderr
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)
def test_a_damaged_backup_is_refused_before_anything_is_restored(tmp_path, personas, settings):
    assignment_pdf = Path(settings.MEDIA_ROOT) / "evidence" / "x.pdf"
    assignment_pdf.parent.mkdir(parents=True)
    assignment_pdf.write_bytes(PDF)
    out = tmp_path / "backup"
    manifest = backup(out)
    verify_folder(out, manifest)
    (out / "media" / "evidence" / "x.pdf").write_bytes(PDF + b"tampered")
    with pytest.raises(BackupError, match="上传文件与清单不符"):
        verify_folder(out, manifest)
    with pytest.raises(BackupError, match="上传文件与清单不符"):
        restore(out, media_root=tmp_path / "elsewhere")
    assert not (tmp_path / "elsewhere").exists()
    with pytest.raises(BackupError, match="不是空的"):
        backup(out)
