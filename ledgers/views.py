"""Excel out and back in: ledger exports (at once or as a job), the unit workbook, the progress
import with its preview and confirmation, and the monthly report."""

from __future__ import annotations

import datetime as dt
import io
import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts.signals import data_exported
from units.models import Unit

from . import exports, importer, jobs, report
from .forms import MonthForm, UnitChoiceForm, UploadForm
from .models import ExportJob, JobState, ProgressImport
from .unit_workbook import write_unit_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Parameters of the list pages that are not filters.
NOT_FILTERS = {"page", "sort", "per_page"}
JOB_LIFETIME = dt.timedelta(days=1)
PREVIEW_LIFETIME = dt.timedelta(days=1)


def _xlsx_response(buffer: io.BytesIO, filename: str) -> FileResponse:
    buffer.seek(0)
    return FileResponse(buffer, as_attachment=True, filename=filename, content_type=XLSX)


def _export(request, kind: str, params: dict):
    now = timezone.now()
    shares, filters = exports.job_shares(request.user, kind, params, timezone.localdate(now))
    total = exports.count_tasks(shares)
    data_exported.send(
        sender=None, user=request.user, request=request, what=f"任务台账（{filters or '全部'}）", rows=total
    )
    if total > settings.LEDGER_ASYNC_ROWS:
        jobs.purge_expired(now)
        job = ExportJob.objects.create(
            token=secrets.token_hex(16),
            requested_by=request.user,
            kind=kind,
            params=params,
            total_rows=total,
            filename=exports.filename(now),
            created=now,
            expires_at=now + JOB_LIFETIME,
        )
        jobs.dispatch(job)
        return redirect("ledgers:job", token=job.token)
    buffer = io.BytesIO()
    exports.export(request.user, shares, buffer, filters=filters, now=now)
    return _xlsx_response(buffer, exports.filename(now))


@login_required
@require_GET
def export(request):
    """任务台账 and the document page: the ledger with exactly the page's filters."""
    params = {key: value for key, value in request.GET.items() if key not in NOT_FILTERS}
    return _export(request, "ledger", params)


@login_required
@require_GET
def export_my_work(request):
    """我的待办: the open work of the person's units."""
    return _export(request, exports.MY_WORK, {})


def _get_job_for_user(request, token: str) -> ExportJob:
    """Only whoever asked reads a job; an expired one is gone (404)."""
    return get_object_or_404(ExportJob, token=token, requested_by=request.user, expires_at__gte=timezone.now())


@login_required
@require_GET
def job(request, token: str):
    return render(request, "ledgers/job.html", {"job": _get_job_for_user(request, token)})


@login_required
@require_GET
def job_status(request, token: str):
    """The progress bar, polled by htmx until the job is done or failed."""
    return render(request, "ledgers/_job_status.html", {"job": _get_job_for_user(request, token)})


@login_required
@require_GET
def job_download(request, token: str):
    export_job = _get_job_for_user(request, token)
    if export_job.state != JobState.DONE or not export_job.file:
        raise Http404("文件尚未生成")
    try:
        handle = export_job.file.open("rb")
    except FileNotFoundError:
        raise Http404("文件不存在") from None
    return FileResponse(handle, as_attachment=True, filename=export_job.filename, content_type=XLSX)


# ---------------------------------------------------------------- unit workbook and import


def _page(request, *, upload_form=None, refused: str = "", status: int = 200):
    user = request.user
    ctx = {
        "upload_form": upload_form or UploadForm(),
        "unit_form": UnitChoiceForm() if user.reads_everything else None,
        "month_form": MonthForm(initial={"month": f"{timezone.localdate():%Y-%m}"}) if user.reads_everything else None,
        "units": Unit.objects.filter(pk__in=user.memberships.values("unit")),
        "refused": refused,
        "recent": ProgressImport.objects.filter(uploaded_by=user)[:5],
    }
    return render(request, "ledgers/progress.html", ctx, status=status)


@login_required
@require_GET
def progress(request):
    """下载填报表 · 上传进展: the round-trip page (and the monthly report for 督查室 and leaders)."""
    return _page(request)


@login_required
@require_GET
def unit_workbook(request):
    """A unit's workbook: one's own unit, or any unit for those who read everything."""
    user = request.user
    units = Unit.objects.all() if user.reads_everything else Unit.objects.filter(pk__in=user.memberships.values("unit"))
    wanted = request.GET.get("unit", "")
    if wanted.isdigit():
        unit = get_object_or_404(units, pk=wanted)
    elif user.reads_everything:
        return _page(request, refused="请先选择要下载填报表的单位。", status=400)
    else:
        unit = units.first()
        if unit is None:
            return _page(request, refused="您不属于任何承办单位，没有需要填报的事项。", status=400)
    now = timezone.now()
    buffer = io.BytesIO()
    write_unit_workbook(unit, buffer, now=now)
    data_exported.send(sender=None, user=user, request=request, what=f"进展填报表：{unit.name}")
    return _xlsx_response(buffer, f"{unit.name}_进展填报表_{timezone.localtime(now):%Y%m%d_%H%M}.xlsx")


@login_required
@require_POST
def upload(request):
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, upload_form=form, status=400)
    upload_file = form.cleaned_data["file"]
    if upload_file.size > settings.MAX_UPLOAD_MB * 1024 * 1024:
        return _page(request, upload_form=form, refused=f"文件超过 {settings.MAX_UPLOAD_MB} MB，无法导入。", status=400)
    try:
        parsed = importer.read_workbook(upload_file.read(), upload_file.name)
        importer.check_owner(request.user, parsed)
    except importer.ImportRefused as exc:
        return _page(request, upload_form=form, refused=str(exc), status=400)
    # Uploads never confirmed are of no use once their preview has expired.
    ProgressImport.objects.filter(applied_at__isnull=True, created__lt=timezone.now() - PREVIEW_LIFETIME).delete()
    record = ProgressImport.objects.create(
        uploaded_by=request.user, original_name=upload_file.name[:255], parsed=parsed
    )
    return redirect("ledgers:preview", import_id=record.pk)


def _get_import_for_user(request, import_id: int) -> ProgressImport:
    since = timezone.now() - PREVIEW_LIFETIME
    return get_object_or_404(ProgressImport, pk=import_id, uploaded_by=request.user, created__gte=since)


@login_required
@require_GET
def preview(request, import_id: int):
    record = _get_import_for_user(request, import_id)
    outcome, refused = None, ""
    if record.applied_at is None:
        try:
            outcome = importer.plan(request.user, record.parsed)
        except importer.ImportRefused as exc:
            refused = str(exc)
    return render(request, "ledgers/preview.html", {"record": record, "outcome": outcome, "refused": refused})


@login_required
@require_POST
def confirm(request, import_id: int):
    """Apply the stored rows (never what the browser sends) in one transaction.

    The upload's row is locked first: a double click applies it once.
    """
    _get_import_for_user(request, import_id)
    try:
        with transaction.atomic():
            record = ProgressImport.objects.select_for_update().get(pk=import_id)
            if record.applied_at is not None:
                messages.info(request, "该文件已导入，无需重复确认。")
                return redirect("ledgers:preview", import_id=record.pk)
            outcome = importer.apply(request.user, record.parsed)
            record.applied_at = timezone.now()
            record.result = outcome.as_json()
            record.save(update_fields=["applied_at", "result"])
    except importer.ImportRefused as exc:
        messages.error(request, str(exc))
        return redirect("ledgers:preview", import_id=import_id)
    messages.success(
        request,
        f"已导入 {len(outcome.changed)} 项进展；"
        f"冲突 {len(outcome.conflicts)} 项、错误 {len(outcome.errors)} 项未导入。",
    )
    return redirect("ledgers:preview", import_id=import_id)


@login_required
@require_GET
def monthly_report(request):
    if not request.user.reads_everything:
        raise PermissionDenied("仅督查室和区领导可以导出月度报表")
    form = MonthForm(request.GET)
    if not form.is_valid():
        return _page(request, refused="月份格式为 YYYY-MM，例如 2026-11。", status=400)
    year, month = (int(part) for part in form.cleaned_data["month"].split("-"))
    now = timezone.now()
    buffer = io.BytesIO()
    report.write_monthly_report(year, month, buffer, now=now)
    data_exported.send(sender=None, user=request.user, request=request, what=f"月度报表：{year}年{month:02d}月")
    return _xlsx_response(buffer, f"督办月度报表_{year}年{month:02d}月.xlsx")
