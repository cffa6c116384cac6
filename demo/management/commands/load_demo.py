"""Load the demo: the unit registry, one account per role, and the seed documents as live tasks.

Idempotent: running it again changes nothing that is already there. The seed documents
are from 2021; their dates are moved into the current year so the demo is alive today,
and each document says so on its page.
"""

import datetime
import io
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from documents.models import ReviewState, SourceDocument
from documents.services import accept_all_resolved, import_upload
from tasks import services
from tasks.models import AssignmentRole, ProgressReport, Task
from tasks.publishing import publish_document
from units.models import Membership, MembershipRole, Unit
from units.registry import load_registry, registry_from_db
from units.resolver import Registry, resolve
from workdays import calendar

from ...accounts import DEMO_ACCOUNTS, DEMO_PASSWORD

SEED_DIR = settings.BASE_DIR / "fixtures" / "seeds"


def shift_year(day: datetime.date | None, years: int) -> datetime.date | None:
    """Move a date by whole years; 29 February becomes 28 February in a common year."""
    if day is None or years == 0:
        return day
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


class Command(BaseCommand):
    help = "加载演示数据：单位名录、各角色演示账号、以及发布为任务的示例文件（可重复运行）。"

    def add_arguments(self, parser):
        parser.add_argument("--no-documents", action="store_true", help="只加载单位名录和账号，不导入示例文件")

    def handle(self, *args, no_documents: bool = False, **options):
        counts = load_registry()
        self.stdout.write(f"单位名录: {counts}")
        registry = registry_from_db()
        self.ensure_accounts(registry)
        if not no_documents:
            self.load_documents(registry)
            send_day = self.load_deadline_demo()
            self.load_workflow_demo()
            self.send_reminders(send_day)
        self.stdout.write(self.style.SUCCESS("演示数据已就绪。演示账号密码：" + DEMO_PASSWORD))

    def ensure_accounts(self, registry: Registry) -> None:
        for username, full_name, role, written_unit in DEMO_ACCOUNTS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"full_name": full_name, "role": role, "email": f"{username}@example.gov.cn"},
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                if role == Role.ADMIN:
                    user.is_staff = user.is_superuser = True
                user.save()
            if written_unit:
                unit = self.unit_for(written_unit, registry)
                membership_role = MembershipRole.HEAD if role == Role.HEAD else MembershipRole.LIAISON
                Membership.objects.get_or_create(user=user, unit=unit, defaults={"role": membership_role})
            self.stdout.write(f"账号 {username}（{user.get_role_display()}）{'已创建' if created else '已存在'}")

    @staticmethod
    def unit_for(written: str, registry: Registry) -> Unit:
        resolution = resolve(written, registry)
        if len(resolution.matches) != 1 or resolution.matches[0].unit_id is None:
            raise RuntimeError(f"演示账号的单位“{written}”在单位名录中找不到")
        return Unit.objects.get(pk=resolution.matches[0].unit_id)

    def load_documents(self, registry: Registry) -> None:

        supervisor = User.objects.get(username="duchashi")
        this_year = timezone.localdate().year
        for path in sorted(Path(SEED_DIR).glob("*.txt")):
            if SourceDocument.objects.filter(original_filename=path.name).exists():
                self.stdout.write(f"文件 {path.name} 已导入，跳过")
                continue
            with transaction.atomic():
                with path.open("rb") as handle:
                    document = import_upload(File(handle, name=path.name), supervisor, registry=registry)
                self.move_into_year(document, this_year)
                accept_all_resolved(supervisor, document)
                summary = publish_document(document, supervisor)
            pending = document.items.filter(state=ReviewState.PENDING).count()
            self.stdout.write(
                f"文件 {path.name}：{document.items.count()} 条，发布任务 {len(summary.tasks)} 项，"
                f"承办 {len(summary.assignments)} 条，留待人工审核 {pending} 条"
            )

    @staticmethod
    def move_into_year(document, this_year: int) -> None:
        """Shift the document's dates by whole years so its deadlines fall in the current year."""
        base = document.issued_date.year if document.issued_date else None
        if base is None:
            deadlines = [item.deadline for item in document.items.all() if item.deadline]
            base = min(d.year for d in deadlines) if deadlines else this_year
        years = this_year - base
        if years == 0:
            return
        document.issued_date = shift_year(document.issued_date, years)
        document.date_shift_note = (
            f"演示数据：原文件日期为 {base} 年，已整体平移 {years} 年到 {this_year} 年，使期限落在今年。"
        )
        document.save(update_fields=["issued_date", "date_shift_note"])
        for item in document.items.exclude(deadline=None):
            item.deadline = shift_year(item.deadline, years)
            item.save(update_fields=["deadline"])

    def load_deadline_demo(self) -> datetime.date:
        """Three demo tasks (labelled 演示) whose deadlines fall due around today, so the
        reminders have something to say on the day the demo is loaded: one became overdue today,
        one is due in 1 working day, one in 5. Returns the working day the reminders run for."""
        today = timezone.localdate()
        send_day = today if calendar.is_working_day(today) else calendar.previous_working_day(today)
        supervisor = User.objects.get(username="duchashi")
        registry = registry_from_db()
        lead, support = self.unit_for("区发改委", registry), self.unit_for("区工信局", registry)
        demos = [
            ("【演示】今日起逾期：报送重点项目季度进展", calendar.previous_working_day(send_day)),
            ("【演示】1个工作日后到期：完成营商环境自评报告", calendar.add_working_days(send_day, 1)),
            ("【演示】5个工作日后到期：整理产业扶持政策清单", calendar.add_working_days(send_day, 5)),
        ]
        for title, deadline in demos:
            if Task.objects.filter(title=title).exists():
                continue
            services.create_task(
                supervisor,
                title=title,
                text=f"{title}。（演示数据：时限按加载演示的日期设置，用于展示提醒、催办和督办。）",
                deadline=deadline,
                deadline_text=f"{deadline:%Y年%m月%d日}前（演示）",
                lead_units=[lead],
                support_units=[support],
                responsible_leader="李副区长",
                tags=["演示"],
            )
            self.stdout.write(f"演示任务 {title}：时限 {deadline}")
        return send_day

    def load_workflow_demo(self) -> None:
        """Work in flight on the 【演示】 tasks, done by the demo accounts through the same actions
        people use, so 督查室's 工作台 has a completion request and an extension request waiting:
        区工信局 reports and 区发改委 consolidates and asks for completion on the 5-day task;
        区发改委 asks for an extension of the 1-day task. Runs once (skipped when reports exist)."""
        five = Task.objects.filter(title__startswith="【演示】5个工作日后到期").first()
        one = Task.objects.filter(title__startswith="【演示】1个工作日后到期").first()
        if five is None or one is None or ProgressReport.objects.filter(assignment__task__in=[five, one]).exists():
            return
        lead_clerk, support_clerk = User.objects.get(username="fgw_lly"), User.objects.get(username="gxj_lly")
        support = five.assignments.get(role=AssignmentRole.SUPPORT)
        services.report_progress(
            support_clerk,
            support,
            progress="（演示）已梳理本局负责的6项产业扶持政策，形成清单初稿。",
            next_steps="（演示）配合区发改委汇总。",
            percent=100,
        )
        lead = five.assignments.get(role=AssignmentRole.LEAD)
        services.consolidate(
            lead_clerk,
            lead,
            progress="（演示）汇总各单位政策共18项，清单已定稿并在区政府网站公开。",
            percent=100,
        )
        lead.refresh_from_db()
        services.request_completion(lead_clerk, lead, comment="（演示）清单已公开，申请办结。")
        one_lead = one.assignments.get(role=AssignmentRole.LEAD)
        services.request_extension(
            lead_clerk,
            one_lead,
            requested_deadline=calendar.add_working_days(one_lead.deadline, 10),
            reason="（演示）自评需等待第三方评估报告，申请延期10个工作日。",
        )
        self.stdout.write("演示办理：1项办结申请、1项延期申请待督查室审批")

    def send_reminders(self, send_day: datetime.date) -> None:
        """Run the day's reminders (what beat does at the send time), so the bell has something."""
        out = io.StringIO()
        call_command("remind", date=send_day.isoformat(), stdout=out, stderr=io.StringIO())
        self.stdout.write("提醒：" + out.getvalue().splitlines()[0] if out.getvalue() else "提醒：无")
