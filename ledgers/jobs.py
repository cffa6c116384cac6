"""Celery shells for large exports (GUIDE §2: take ids, call a plain function, safe to run twice)."""

from __future__ import annotations

import datetime as dt
import logging
import tempfile

from celery import shared_task
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from . import exports
from .models import ExportJob, JobState

logger = logging.getLogger(__name__)


def run_export(job_id: int) -> None:
    """Build the ledger of an ExportJob and store its file. A job already claimed does nothing."""
    claimed = ExportJob.objects.filter(pk=job_id, state=JobState.QUEUED).update(state=JobState.RUNNING)
    if not claimed:
        return
    job = ExportJob.objects.select_related("requested_by").get(pk=job_id)
    now = timezone.now()

    def progress(done: int, total: int) -> None:
        ExportJob.objects.filter(pk=job_id).update(done_rows=done, total_rows=total)

    # The workbook goes to a temporary file, never whole into memory, then into the storage.
    with tempfile.TemporaryFile() as written:
        try:
            shares, filters = exports.job_shares(job.requested_by, job.kind, job.params, timezone.localdate(now))
            total = exports.export(job.requested_by, shares, written, filters=filters, now=now, on_progress=progress)
        except Exception as exc:
            ExportJob.objects.filter(pk=job_id).update(
                state=JobState.FAILED, error=str(exc)[:500], finished=timezone.now()
            )
            raise
        written.seek(0)
        job.file.save(job.filename or exports.filename(now), File(written), save=False)
    ExportJob.objects.filter(pk=job_id).update(
        file=job.file.name, state=JobState.DONE, done_rows=total, total_rows=total, finished=timezone.now()
    )


@shared_task(name="ledgers.export")
def export_ledger_job(job_id: int) -> None:
    run_export(job_id)


def dispatch(job: ExportJob) -> None:
    """Queue the job once the row that describes it is committed.

    A broker that cannot be reached fails the job with a message instead of the request.
    """

    def send() -> None:
        try:
            export_ledger_job.delay(job.pk)
        except Exception:
            logger.exception("ledger export job %s could not be queued", job.pk)
            ExportJob.objects.filter(pk=job.pk, state=JobState.QUEUED).update(
                state=JobState.FAILED, error="后台任务队列暂不可用，请稍后重试。", finished=timezone.now()
            )

    transaction.on_commit(send)


def purge_expired(now: dt.datetime | None = None) -> int:
    """Delete the files and rows of exports whose day is over; returns how many."""
    now = now or timezone.now()
    expired = list(ExportJob.objects.filter(expires_at__lt=now))
    for job in expired:
        if job.file:
            job.file.delete(save=False)
        job.delete()
    return len(expired)
