from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from config.backup import BackupError, describe, restore


class Command(BaseCommand):
    help = "把 backup 写出的目录恢复到一个空数据库和空的上传文件目录，并逐表、逐文件核对清单。"
    requires_system_checks = []  # the target database is empty: nothing to check against yet

    def add_arguments(self, parser):
        parser.add_argument("folder", help="backup --out 写出的目录")
        parser.add_argument("--database", default="default")

    def handle(self, *args, **options):
        try:
            manifest = restore(Path(options["folder"]), using=options["database"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"restored and verified: {describe(manifest)}")
