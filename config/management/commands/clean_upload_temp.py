from django.core.management.base import BaseCommand

from config.uploads import clean_upload_temp


class Command(BaseCommand):
    help = "删除 FILE_UPLOAD_TEMP_DIR 中超过一小时的临时上传文件（服务器被强行停止时留下的）。"

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int, default=3600, help="秒，默认 3600")

    def handle(self, *args, **options):
        files, size = clean_upload_temp(older_than=options["older_than"])
        self.stdout.write(f"removed {files} files, {size} bytes")
