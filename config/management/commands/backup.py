from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from config.backup import BackupError, backup, describe


class Command(BaseCommand):
    help = "备份数据库（SQLite 在线备份 API / PostgreSQL pg_dump）和上传文件，并写出带行数和校验和的清单。"

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="备份目录（不存在或为空）")
        parser.add_argument("--database", default="default")

    def handle(self, *args, **options):
        try:
            manifest = backup(Path(options["out"]), using=options["database"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"backup written to {options['out']}: {describe(manifest)}")
