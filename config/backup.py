"""Backup and restore: a consistent copy of the database, the uploaded files, and a manifest.

A backup folder holds
- `db.sqlite3` (SQLite, through its online backup API: a consistent copy even while the app
  writes in WAL mode, which a plain file copy is not) or `db.dump` (PostgreSQL, `pg_dump
  --format=custom` inside an exported snapshot);
- `media/`, a copy of MEDIA_ROOT (documents and evidence);
- `manifest.json`: the engine, the row count of every table (counted in the same snapshot as
  the copy), and the size and SHA-256 of the database copy and of every file.

`restore` checks every checksum before it touches anything, refuses a database that already
has tables and a MEDIA_ROOT that already has files, loads the copy, and then counts every table
and checks every file again against the manifest.
"""

import contextlib
import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils import timezone

FORMAT = "duban-backup/1"
MANIFEST = "manifest.json"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, in Chinese."""


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _quote(connection, table: str) -> str:
    return connection.ops.quote_name(table)


def _count_tables(cursor, connection, tables: list[str]) -> dict[str, int]:
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(connection, table)}")  # noqa: S608 - introspected names
        counts[table] = cursor.fetchone()[0]
    return counts


def _file_entries(root: Path) -> dict[str, dict]:
    entries = {}
    if root.is_dir():
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            entries[path.relative_to(root).as_posix()] = {"size": path.stat().st_size, "sha256": sha256(path)}
    return entries


def _pg_env(settings_dict: dict) -> tuple[dict, list[str]]:
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    args = ["--host", str(settings_dict.get("HOST") or "127.0.0.1"), "--port", str(settings_dict.get("PORT") or 5432)]
    if settings_dict.get("USER"):
        args += ["--username", str(settings_dict["USER"])]
    return env, args


def _run(command: list[str], env: dict) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=3600, check=False)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} 失败：{(result.stderr or result.stdout).strip()[:2000]}")


def _backup_sqlite(connection, out: Path) -> dict[str, int]:
    target = out / "db.sqlite3"
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        connection.connection.backup(destination)  # the online backup API: one consistent copy
    finally:
        destination.close()
    copy = sqlite3.connect(target)
    try:
        # Counted in the copy itself, so the counts and the copy agree exactly.
        cursor = copy.cursor()
        cursor.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")
        tables = [row[0] for row in cursor.fetchall()]
        counts = {}
        for table in sorted(tables):
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - names from sqlite_master
            counts[table] = cursor.fetchone()[0]
        # A WAL-mode source leaves the copy in WAL mode; a backup is one self-contained file.
        cursor.execute("PRAGMA journal_mode=DELETE")
    finally:
        copy.close()
    return counts


def _backup_postgres(connection, out: Path) -> dict[str, int]:
    """pg_dump inside a snapshot exported by a REPEATABLE READ transaction that also counts the
    rows: the dump and the counts see the same instant."""
    settings_dict = connection.settings_dict
    env, args = _pg_env(settings_dict)
    if connection.in_atomic_block:
        raise BackupError("备份须在事务之外运行。")
    with connection.cursor() as cursor:
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = _count_tables(cursor, connection, connection.introspection.table_names(cursor))
            _run(
                ["pg_dump", *args, "--format=custom", "--no-owner", "--no-acl", f"--snapshot={snapshot}",
                 "--file", str(out / "db.dump"), str(settings_dict["NAME"])],
                env,
            )  # fmt: skip
        finally:
            cursor.execute("COMMIT")
    return counts


def backup(out: Path, using: str = "default", media_root: Path | None = None) -> dict:
    """Write a backup into `out` (created; it must be empty) and return its manifest."""
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise BackupError(f"备份目录 {out} 不是空的：请指定一个新目录。")
    out.mkdir(parents=True, exist_ok=True)
    connection = connections[using]
    vendor = connection.vendor
    started = timezone.now()
    if vendor == "sqlite":
        counts = _backup_sqlite(connection, out)
        database_file = "db.sqlite3"
    elif vendor == "postgresql":
        counts = _backup_postgres(connection, out)
        database_file = "db.dump"
    else:
        raise BackupError(f"不支持的数据库：{vendor}")
    media_root = Path(media_root or settings.MEDIA_ROOT)
    if media_root.is_dir():
        shutil.copytree(media_root, out / "media")
    else:
        (out / "media").mkdir()
    manifest = {
        "format": FORMAT,
        "created": started.isoformat(),
        "finished": timezone.now().isoformat(),
        "engine": vendor,
        "database_file": database_file,
        "database_sha256": sha256(out / database_file),
        "tables": counts,
        "rows": sum(counts.values()),
        "files": _file_entries(out / "media"),
    }
    (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    return manifest


def read_manifest(folder: Path) -> dict:
    path = Path(folder) / MANIFEST
    if not path.exists():
        raise BackupError(f"{folder} 中没有 {MANIFEST}：这不是督办的备份目录。")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise BackupError(f"{path} 无法读取：{exc}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"备份格式 {manifest.get('format')!r} 不是 {FORMAT}。")
    return manifest


def verify_folder(folder: Path, manifest: dict) -> None:
    """Every checksum of the backup folder against its manifest, before anything is restored."""
    folder = Path(folder)
    database = folder / manifest["database_file"]
    if not database.exists() or sha256(database) != manifest["database_sha256"]:
        raise BackupError(f"数据库备份 {database} 缺失或校验和不符：备份已损坏。")
    found = _file_entries(folder / "media")
    if found != manifest["files"]:
        missing = sorted(set(manifest["files"]) - set(found))
        changed = sorted(n for n in set(found) & set(manifest["files"]) if found[n] != manifest["files"][n])
        extra = sorted(set(found) - set(manifest["files"]))
        raise BackupError(f"上传文件与清单不符：缺少 {missing[:5]}，改变 {changed[:5]}，多出 {extra[:5]}。")


def _database_is_empty(connection) -> bool:
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def _restore_sqlite(connection, folder: Path) -> None:
    target = Path(connection.settings_dict["NAME"])
    connection.close()
    if target.exists() and target.stat().st_size > 0:
        raise BackupError(f"目标数据库 {target} 已存在且不为空：请恢复到一个新的数据库文件。")
    for suffix in ("-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            Path(f"{target}{suffix}").unlink()
    source = sqlite3.connect(folder / "db.sqlite3")
    destination = sqlite3.connect(target)
    try:
        source.backup(destination)
    finally:
        source.close()
        destination.close()


def _restore_postgres(connection, folder: Path) -> None:
    if not _database_is_empty(connection):
        raise BackupError(f"目标数据库 {connection.settings_dict['NAME']} 已有数据表：请恢复到一个空数据库。")
    connection.close()
    env, args = _pg_env(connection.settings_dict)
    _run(
        ["pg_restore", *args, "--no-owner", "--no-acl", "--exit-on-error", "--single-transaction",
         "--dbname", str(connection.settings_dict["NAME"]), str(folder / "db.dump")],
        env,
    )  # fmt: skip


def restore(folder: Path, using: str = "default", media_root: Path | None = None) -> dict:
    """Restore the backup in `folder` onto an empty database and an empty MEDIA_ROOT, then
    check every table's row count and every file against the manifest."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    verify_folder(folder, manifest)
    connection = connections[using]
    if connection.vendor != manifest["engine"]:
        raise BackupError(f"备份来自 {manifest['engine']}，目标数据库是 {connection.vendor}：请恢复到同类数据库。")
    media_root = Path(media_root or settings.MEDIA_ROOT)
    if media_root.is_dir() and any(p.is_file() for p in media_root.rglob("*")):
        raise BackupError(f"上传文件目录 {media_root} 不是空的：请恢复到一个空目录。")
    if connection.vendor == "sqlite":
        _restore_sqlite(connection, folder)
    else:
        _restore_postgres(connection, folder)
    media_root.mkdir(parents=True, exist_ok=True)
    shutil.copytree(folder / "media", media_root, dirs_exist_ok=True)
    # Check what is now in place, not what was in the folder.
    with connection.cursor() as cursor:
        counts = _count_tables(cursor, connection, connection.introspection.table_names(cursor))
    if counts != manifest["tables"]:
        differing = sorted(
            t for t in set(counts) | set(manifest["tables"]) if counts.get(t) != manifest["tables"].get(t)
        )
        raise BackupError(f"恢复后行数与清单不符：{differing[:10]}")
    if _file_entries(media_root) != manifest["files"]:
        raise BackupError("恢复后的上传文件与清单不符。")
    return manifest


def describe(manifest: dict) -> str:
    created = dt.datetime.fromisoformat(manifest["created"])
    return (
        f"{manifest['engine']} · {len(manifest['tables'])} 张表 {manifest['rows']} 行 · "
        f"{len(manifest['files'])} 个文件 · {timezone.localtime(created):%Y-%m-%d %H:%M}"
    )
