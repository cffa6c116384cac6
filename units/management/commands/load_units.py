"""Load (or re-load) a district's unit registry file: `manage.py load_units [PATH]`."""

from django.core.management.base import BaseCommand

from units.registry import load_registry


class Command(BaseCommand):
    help = "导入单位名录文件（默认 fixtures/units_changjiang.json）；可重复运行，已有内容不变。"

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="名录 JSON 文件路径")

    def handle(self, *args, **options):
        counts = load_registry(options["path"])
        self.stdout.write(" ".join(f"{k}={v}" for k, v in counts.items()))
