"""python manage.py export_unit_workbook --unit ID --out F.xlsx: a unit's progress form."""

import json

from django.core.management.base import BaseCommand, CommandError

from ledgers.unit_workbook import write_unit_workbook
from units.models import Unit


class Command(BaseCommand):
    help = "导出某单位的进展填报表（牵头、配合分表），可离线填写后用 import_progress 导入。"

    def add_arguments(self, parser):
        parser.add_argument("--unit", type=int, required=True, help="单位 ID")
        parser.add_argument("--out", required=True)

    def handle(self, *args, **options):
        unit = Unit.objects.filter(pk=options["unit"]).first()
        if unit is None:
            raise CommandError(f"单位不存在：{options['unit']}")
        count = write_unit_workbook(unit, options["out"])
        self.stdout.write(json.dumps({"out": options["out"], "unit": unit.name, "rows": count}, ensure_ascii=False))
