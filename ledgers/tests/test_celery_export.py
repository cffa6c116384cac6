"""A large export travels through real Redis to a real worker process, which writes the file."""

import uuid

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection
from django.utils import timezone

from ledgers.models import ExportJob, JobState
from testing.services import real_worker, require_postgres, require_redis

from .conftest import open_xlsx


def _database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_export_job_through_real_redis_and_worker(plan, personas):
    require_postgres()  # the worker process must reach the test database
    url = require_redis()
    job = ExportJob.objects.create(
        token=uuid.uuid4().hex,
        requested_by=personas.supervisor,
        params={"unit": str(personas.lead_unit.pk)},
        total_rows=2,
        filename="台账.xlsx",
        expires_at=timezone.now() + timezone.timedelta(days=1),
    )
    client = Celery("duban-test-client", broker=url, backend=url)
    try:
        # LEDGER_WRITER_PROCESS_ROWS=1: the worker writes through its writer process (ledgers.pipeline).
        env = {"DATABASE_URL": _database_url(), "MEDIA_ROOT": str(settings.MEDIA_ROOT)}
        with real_worker(url, **env, LEDGER_WRITER_PROCESS_ROWS="1") as queue:
            client.send_task("ledgers.export", args=[job.pk], queue=queue).get(timeout=90)
    finally:
        client.close()
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.done_rows == job.total_rows == 2
    with job.file.open("rb") as handle:
        ws = open_xlsx(handle.read()).active
    assert [r[1] for r in ws.iter_rows(min_row=4, values_only=True) if isinstance(r[0], int)] == [
        "推进重点项目建设。",
        "=SUM(A1:A3) 加快专项债券项目开工。",
    ]
