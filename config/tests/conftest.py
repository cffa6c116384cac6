"""Fixtures of the hostile-input tests (test_hostile_input.py, test_hostile_sweep.py)."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Role, User
from documents import services as document_services
from documents.models import DraftItemUnit
from documents.tests.test_services import (  # noqa: F401 - fixtures
    fake_pipeline,
    fake_result,
    item_entry,
    three_items,
    township_group,
    unit_entry,
    upload,
)
from tasks import services as task_services
from tasks.models import Evidence
from units.models import UnresolvedName


@pytest.fixture
def world(personas, fake_pipeline, three_items):  # noqa: F811
    """A draft document in review, a published task with reports, evidence and an extension."""
    p = personas
    fake_pipeline(three_items)
    document = document_services.import_upload(upload(), p.supervisor)
    task = task_services.create_task(
        p.supervisor, text="推进项目建设", lead_units=[p.lead_unit], support_units=[p.support_unit, p.other_unit],
        deadline=dt.date(2026, 12, 31), source_document=document,
    )  # fmt: skip
    support = task.assignments.get(unit=p.support_unit)
    task_services.report_progress(
        p.support_clerk, support, progress="已推进", percent=40,
        files=[SimpleUploadedFile("现场.pdf", b"%PDF-1.4 evidence")],
    )  # fmt: skip
    other = task.assignments.get(unit=p.other_unit)
    extension = task_services.request_extension(
        p.other_clerk, other, requested_deadline=dt.date(2027, 3, 31), reason="汛期施工受阻"
    )
    superuser = User.objects.create_superuser("root", "root@example.gov.cn", "x", role=Role.ADMIN)
    ids = {
        "task_id": task.pk,
        "assignment_id": support.pk,
        "extension_id": extension.pk,
        "evidence_id": Evidence.objects.get().pk,
        "document_id": document.pk,
        "item_id": document.items.first().pk,
        "documents:pk": document.pk,
        "documents:item-unit": DraftItemUnit.objects.first().pk,
        "units:pk": p.lead_unit.pk,
        "units:unresolved_map": UnresolvedName.objects.first().pk,
    }
    return {"ids": ids, "superuser": superuser}
