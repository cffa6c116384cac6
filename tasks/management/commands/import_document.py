"""python manage.py import_document FILE [--publish] [--user USERNAME]

Saves a document and its draft items exactly as an upload would (documents.services.import_upload).
With --publish, accepts every item whose units all resolved and publishes them
(tasks.publishing.publish_document); the others are left for review. Prints a JSON summary:
{"document": id, "items": n, "published_tasks": n, "assignments": n, "left_for_review": n}.
Bad input: the reader's message on stderr, exit status 1, nothing saved.
"""

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from documents import services
from documents.models import ReviewState
from tasks.publishing import publish_document


class Command(BaseCommand):
    help = "导入一个文件（保存文件和待审核条目）；--publish 同时确认并发布单位全部识别的条目。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="文件路径（.txt / .docx / .xlsx / .doc / .wps）")
        parser.add_argument("--publish", action="store_true", help="确认单位全部识别的条目并发布为任务")
        parser.add_argument("--user", help="以该用户名义导入（须为督查室或管理员）；默认第一个督查室账号")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        actor = self._actor(options.get("user"))
        try:
            with transaction.atomic(), path.open("rb") as handle:
                document = services.import_upload(File(handle, name=path.name), actor, filename=path.name)
                published_tasks = assignments = 0
                if options["publish"]:
                    services.accept_all_resolved(actor, document)
                    summary = publish_document(document, actor)
                    published_tasks, assignments = len(summary.tasks), len(summary.assignments)
        except services.ImportFailed as exc:
            raise CommandError(exc.message) from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        items = document.items.exclude(state=ReviewState.MERGED)
        result = {
            "document": document.pk,
            "items": items.count(),
            "published_tasks": published_tasks,
            "assignments": assignments,
            "left_for_review": items.filter(state__in=(ReviewState.PENDING, ReviewState.ACCEPTED)).count(),
        }
        self.stdout.write(json.dumps(result, ensure_ascii=False))

    def _actor(self, username: str | None):
        from accounts.models import Role

        users = get_user_model().objects.filter(is_active=True)
        if username:
            actor = users.filter(username=username).first()
            if actor is None:
                raise CommandError(f"用户不存在：{username}")
            if not actor.is_supervisor:
                raise CommandError(f"用户 {username} 不是督查室或管理员，不能导入文件")
            return actor
        actor = (
            users.filter(role=Role.SUPERVISOR).order_by("pk").first()
            or users.filter(role=Role.ADMIN).order_by("pk").first()
            or users.filter(is_superuser=True).order_by("pk").first()
        )
        if actor is None:
            raise CommandError("没有督查室账号：请用 --user 指定，或先创建督查室用户")
        return actor
